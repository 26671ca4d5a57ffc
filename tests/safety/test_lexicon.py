from __future__ import annotations

from safety.lexicon import Lexicon, parse
from safety.normalize import normalize


def lex(*lines: str) -> Lexicon:
    return Lexicon(parse(lines))


def terms(lexicon: Lexicon, text: str) -> list[str]:
    return [h.entry.term for h in lexicon.find(normalize(text).compact)]


def test_longest_match_wins() -> None:
    lx = lex(
        "杀\tviolence\t0.2", "杀人\tviolence\t0.4", "杀人犯\tviolence\t0.6", "人犯\tviolence\t0.1"
    )
    assert terms(lx, "他是杀人犯吗") == ["杀人犯"]
    assert terms(lx, "杀人犯杀人") == ["杀人犯", "杀人"]


def test_ascii_keys_respect_word_boundaries() -> None:
    lx = lex("ass\tharassment\t0.6\tw", "kill\tviolence\t0.3")
    assert terms(lx, "a class assessment") == []
    assert terms(lx, "you ass") == ["ass"]
    assert terms(lx, "the killer") == ["kill"]  # p: word start only
    assert terms(lx, "skill") == []


def test_shipped_lexicon_loads_and_matches_both_languages() -> None:
    lx = Lexicon.load()
    assert lx.size > 300
    assert "傻逼" in terms(lx, "你这个傻 逼")
    assert "kill yourself" in terms(lx, "just k i l l yourself")
    assert "make a bomb" in terms(lx, "how to make a b0mb")


def test_open_prefix_is_what_a_stream_must_hold() -> None:
    lx = lex("kill yourself\tharassment\t1.0", "weak\tharassment\t0.2")
    assert lx.open_prefix(normalize("you should kill your").compact) == len("kil your")
    assert lx.open_prefix(normalize("a fine day").compact) == 0
    assert lx.open_prefix(normalize("so wea").compact) == 0  # non-blocking keys never hold


def test_bad_lexicon_line_names_its_number() -> None:
    try:
        parse(["ok\tsexual\t0.5", "broken line"])
    except ValueError as exc:
        assert "line 2" in str(exc)
    else:
        raise AssertionError("expected ValueError")
