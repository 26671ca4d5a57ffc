from __future__ import annotations

import asyncio
import threading

import numpy as np

from safety.base import Policy, Verdict
from safety.embedder import DIM, E5Embedder, FakeEmbedder
from safety.moderator import LayeredModerator
from safety.patterns import PatternModerator
from safety.stream import StreamGate

TEEN = Policy(rating="teen")


async def run(gate: StreamGate, pieces: list[str]) -> tuple[str, Verdict | None]:
    shown = ""
    for piece in pieces:
        release = await gate.feed(piece)
        if not release.verdict.allowed:
            return shown, release.verdict
        shown += release.text
    release = await gate.finish()
    if not release.verdict.allowed:
        return shown, release.verdict
    return shown + release.text, None


def fast(moderator: LayeredModerator) -> LayeredModerator:
    """The real layers with the deep path off: the gate's own guarantees are under test."""
    return LayeredModerator(
        models=moderator.models,
        lexicon=moderator.lexicon,
        embedder=moderator.embedder,
        deep_input="off",
    )


async def test_blocked_phrase_split_anywhere_is_never_released(moderator: LayeredModerator) -> None:
    mod = fast(moderator)
    for text, phrase in [
        ("好的，我告诉你：操你妈，这就是答案。", "操你妈"),
        ("Fine. Listen: kill yourself, that is my advice.", "kill yourself"),
    ]:
        for cut in range(1, len(text)):
            for step in (1, 2, 3):
                pieces = [text[:cut]] + [text[i : i + step] for i in range(cut, len(text), step)]
                shown, verdict = await run(StreamGate(mod, TEEN), pieces)
                assert verdict is not None, (cut, step)
                assert phrase not in shown
                assert phrase[: len(phrase) - 1] not in shown or phrase[:-1] == ""


async def test_benign_text_flows_without_a_fixed_window(moderator: LayeredModerator) -> None:
    gate = StreamGate(fast(moderator), TEEN, holdback_chars=12)
    text = "师父，前面那座山上好像有座寺庙，我们去歇歇脚吧。"
    shown = ""
    for ch in text:
        shown += (await gate.feed(ch)).text
    assert len(text) - len(shown) < 12  # most of it went out at once
    assert shown + (await gate.finish()).text == text


async def test_nothing_goes_out_before_the_input_check_passes(moderator: LayeredModerator) -> None:
    loop = asyncio.get_running_loop()
    pending: asyncio.Future[Verdict] = loop.create_future()
    gate = StreamGate(fast(moderator), TEEN, after=pending)
    feed = asyncio.create_task(gate.feed("Hello there, traveller. "))
    await asyncio.sleep(0.01)
    assert not feed.done()
    pending.set_result(Verdict(allowed=False, categories={"jailbreak": True}, reason="late check"))
    release = await feed
    assert release.text == "" and not release.verdict.allowed


async def test_any_moderator_gets_the_fixed_window() -> None:
    gate = StreamGate(PatternModerator(), TEEN, holdback_chars=5)
    first = await gate.feed("Once upon a time")
    assert first.text == "Once upon a"
    assert (await gate.finish()).text == " time"


async def test_a_number_being_typed_is_held_until_judged(moderator: LayeredModerator) -> None:
    gate = StreamGate(fast(moderator), TEEN)
    shown, verdict = await run(gate, list("好的，我的手机号是13812345678，记住了。"))
    assert verdict is not None and verdict.categories["personal-data"]
    assert "1381234" not in shown


class HeldDeep(LayeredModerator):
    """Real hot layers; every clause is 'unsure', and its deep verdict waits for the test."""

    def __init__(self, base: LayeredModerator, verdict: Verdict) -> None:
        super().__init__(models=base.models, lexicon=base.lexicon, embedder=base.embedder)
        self.gate_open = asyncio.Event()
        self.verdict = verdict

    def triage(self, text, *, role, last=False):  # type: ignore[no-untyped-def]
        norm, ev, _ = super().triage(text, role=role, last=last)
        return norm, ev, True

    async def deep_decide(self, norm, ev, *, role, policy, first=False):  # type: ignore[no-untyped-def]
        await self.gate_open.wait()
        return self.verdict


async def test_a_clause_in_deep_check_is_held_without_pausing_the_stream(
    moderator: LayeredModerator,
) -> None:
    mod = HeldDeep(moderator, Verdict(allowed=True))
    gate = StreamGate(mod, TEEN)
    first = await asyncio.wait_for(gate.feed("The night was cold. "), 0.5)
    later = await asyncio.wait_for(gate.feed("We walked on"), 0.5)  # the stream goes on
    assert first.text == "" and later.text == ""  # but nothing passes the open check
    mod.gate_open.set()
    await asyncio.sleep(0)
    shown = (await gate.feed(" in silence")).text + (await gate.finish()).text
    assert shown == "The night was cold. We walked on in silence"


async def test_a_held_clause_that_fails_blocks_the_reply(moderator: LayeredModerator) -> None:
    bad = Verdict(allowed=False, categories={"violence": True}, reason="deep check")
    mod = HeldDeep(moderator, bad)
    gate = StreamGate(mod, TEEN)
    assert (await gate.feed("He told me how to do it. ")).text == ""
    mod.gate_open.set()
    release = await gate.finish()
    assert release.text == "" and release.verdict is bad


async def stream_as_character(text: str) -> tuple[str, bool]:
    """Feed ``text`` in 3-character pieces as a character's reply in a story; return what
    was shown and whether it was blocked."""
    gate = StreamGate(LayeredModerator(), Policy(rating="teen", work_id="w", card_id="c"))
    shown = ""
    for i in range(0, len(text), 3):
        release = await gate.feed(text[i : i + 3])
        shown += release.text
        if not release.verdict.allowed:
            return shown, True
    release = await gate.finish()
    return shown + release.text, not release.verdict.allowed


async def test_a_character_telling_real_steps_is_held_and_blocked() -> None:
    """A harmful topic told as orders holds its clause until it is judged; a topic merely
    named streams on."""
    shown, blocked = await stream_as_character(
        "*The witch whispers* Grind the castor beans, soak the mash in acetone overnight, "
        "filter it, and dry the powder that is left."
    )
    assert blocked and "acetone" not in shown
    named = "*The witch smiles* Someone poisoned the well. I can smell it from here, child."
    assert await stream_as_character(named) == (named, False)


async def test_a_procedure_told_one_sentence_at_a_time_is_stopped_at_its_third_step() -> None:
    shown, blocked = await stream_as_character(
        "*The witch whispers* Crush the castor beans. Soak the mash in acetone for a day. "
        "Filter it through a cloth. Dry the white powder, and a pinch will kill a man."
    )
    assert blocked
    assert "cloth" not in shown and "powder" not in shown


class OrderedModel:
    """A stand-in e5 that records the order texts reach it and can be held mid-batch."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.release = threading.Event()

    def query(self, texts: list[str]) -> np.ndarray:
        self.release.wait(5)
        self.seen += texts
        return np.ones((len(texts), DIM), np.float32)


async def test_the_last_clause_goes_ahead_of_the_embedder_queue() -> None:
    model = OrderedModel()
    e5 = E5Embedder(model=model, max_batch=1)
    running = asyncio.create_task(e5.embed(["in the model"]))
    await asyncio.sleep(0.05)  # that batch is in the model now; the rest queue behind it
    queued = [asyncio.create_task(e5.embed([f"clause {k}"])) for k in range(3)]
    await asyncio.sleep(0)
    last = asyncio.create_task(e5.embed(["the reader waits"], first=True))
    await asyncio.sleep(0)
    assert e5.expected_wait(first=True) < e5.expected_wait()
    model.release.set()
    await asyncio.gather(running, last, *queued)
    assert model.seen[:2] == ["in the model", "the reader waits"]


class Busy(FakeEmbedder):
    """An embedder with other readers' text queued, at a given speed."""

    def __init__(self, backlog: int, seconds_per_text: float) -> None:
        super().__init__()
        self.backlog = backlog
        self.seconds_per_text = seconds_per_text

    def expected_wait(self, extra: int = 0, *, first: bool = False) -> float:
        return ((1 if first else self.backlog) + extra + 1) * self.seconds_per_text


def test_a_grey_last_clause_is_checked_deep_unless_the_reader_would_wait(
    moderator: LayeredModerator,
) -> None:
    def unsure(embedder: FakeEmbedder, text: str, last: bool) -> bool:
        mod = LayeredModerator(models=moderator.models, lexicon=moderator.lexicon,
                               embedder=embedder)  # fmt: skip
        norm, ev, deep = mod.triage(text, role="assistant", last=last)
        assert mod.wants_deep(ev), text  # grey to the hot layers: worth an embedding
        return deep

    grey = "The gates splinter under the ram, and the defenders pour boiling oil from the walls."
    assert unsure(Busy(0, 0.2), grey, last=True)  # idle: always, however slow the model
    assert unsure(Busy(3, 0.005), grey, last=True)  # busy but quick: still checked
    assert not unsure(Busy(3, 0.05), grey, last=True)  # busy and slow: the hot layers decide
    assert unsure(Busy(3, 0.005), grey, last=False)  # mid-stream the budget is wider


async def test_a_closing_mark_alone_is_not_worth_an_embedding(
    moderator: LayeredModerator,
) -> None:
    embedder = Busy(0, 0.2)  # idle: anything the hot layers are unsure of would be embedded
    mod = LayeredModerator(models=moderator.models, lexicon=moderator.lexicon,
                           embedder=embedder, deep_input="off")  # fmt: skip
    assert mod.wants_deep(mod.hot("”", role="assistant")[1])  # the n-gram head's hunch
    gate = StreamGate(mod, TEEN)
    shown, verdict = await run(gate, ["“今晚", "月色很好。", "”"])
    assert verdict is None and shown == "“今晚月色很好。”"
    assert embedder.calls == 0
    assert mod.triage("🍄💊🌿", role="assistant", last=True)[2]  # emoji still say something


async def test_a_look_every_few_characters_holds_no_more_than_the_window(
    moderator: LayeredModerator,
) -> None:
    gate = StreamGate(fast(moderator), TEEN)
    text = "The caravan wound down from the pass at dusk, bells muffled in wool" * 3
    shown = "".join([(await gate.feed(ch)).text for ch in text])
    assert shown + (await gate.finish()).text == text
    assert 1 < max(gate.held) <= moderator.lexicon.max_key  # held between looks, never more
