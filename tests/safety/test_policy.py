from __future__ import annotations

from safety.base import Policy
from safety.policy import OFF, Override, StaticPolicyBook, calibrate, thresholds


def test_mature_lifts_explicit_content_but_never_for_minors() -> None:
    assert thresholds(Policy(rating="mature"), "assistant")["sexual"] == OFF
    assert thresholds(Policy(rating="mature", minor=True), "assistant")["sexual"] < 0.5


def test_minor_reader_gets_stricter_bars() -> None:
    adult = thresholds(Policy(rating="teen"), "user")
    minor = thresholds(Policy(rating="teen", minor=True), "user")
    assert all(minor[c] <= adult[c] for c in adult)
    assert minor["self-harm"] < adult["self-harm"]


def test_overrides_cannot_lift_the_hard_limits() -> None:
    o = Override(
        allow=frozenset({"violence/graphic", "sexual/minors"}), thresholds={"illegal": 0.9}
    )
    bars = thresholds(Policy(), "assistant", o)
    assert bars["violence/graphic"] == OFF
    assert bars["sexual/minors"] == 0.5
    assert bars["illegal"] == 0.5


def test_narration_has_room_for_story_violence_and_no_jailbreak_check() -> None:
    user, narr = thresholds(Policy(), "user"), thresholds(Policy(), "assistant")
    assert narr["violence"] > user["violence"]
    assert narr["jailbreak"] == OFF


async def test_card_settings_win_over_work_settings() -> None:
    book = StaticPolicyBook(
        works={"w1": Override(rating="mature")}, cards={"c1": Override(rating="general")}
    )
    merged = await book.override("w1", "c1")
    assert merged is not None and merged.rating == "general"
    assert await book.override("nope", None) is None


def test_calibration_puts_the_threshold_at_one_half() -> None:
    assert calibrate(0.3, 0.3) == 0.5
    assert calibrate(0.0, 0.3) == 0.0
    assert calibrate(1.0, 0.3) == 1.0
    assert calibrate(0.2, 0.3) < 0.5 < calibrate(0.4, 0.3)


def test_anti_bias_text_gets_the_benefit_of_the_doubt() -> None:
    from safety.evidence import add_ngram, lexical
    from safety.jailbreak import JailbreakSignal
    from safety.lexicon import Lexicon
    from safety.normalize import normalize

    lx = Lexicon.load()

    def harassment(text: str) -> float:
        n = normalize(text)
        ev = lexical(lx.find(n.compact), n.compact, JailbreakSignal(), text, n.clean)
        add_ngram(ev, {"offensive": 0.6, "unsafe": 0.1}, 0.4)
        return max(ev.scores["hate"], ev.scores["harassment"])

    assert harassment("不应该歧视外地人") < harassment("外地人都该滚出去")
    assert harassment("歧视你怎么了，傻逼") >= 0.9  # a slur cancels the discount
