"""The canon backend: it speaks only the character's own lines, and picks ones that answer.

The two characters in ``data/canon_characters.json`` were written for these tests.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from memory.embeddings import E5Embedder, HashEmbedder, Vectors
from roleplay.errors import LLMError
from roleplay.llm.base import CanonLine, CharacterRef, ChatMessage, LLMChunk, LLMRequest
from roleplay.llm.canon import CanonBackend, fill_user
from roleplay.llm.canon_index import Turn, build_index, is_greeting, terms

DATA = Path(__file__).parent / "data" / "canon_characters.json"


@dataclass(frozen=True)
class Card:
    ref: CharacterRef
    ids: list[str]
    probes: list[tuple[str, str]]

    def line(self, line_id: str) -> CanonLine:
        return self.ref.lines[self.ids.index(line_id)]


def load_cards() -> dict[str, Card]:
    cards = {}
    for raw in json.loads(DATA.read_text(encoding="utf-8"))["characters"]:
        lines = tuple(CanonLine(x["text"], x["context"], x["chapter"]) for x in raw["lines"])
        ref = CharacterRef(raw["card_id"], raw["name"], raw["version"], lines)
        probes = [(p["message"], p["expect"]) for p in raw["probes"]]
        cards[raw["card_id"]] = Card(ref, [x["id"] for x in raw["lines"]], probes)
    return cards


CARDS = load_cards()
SHEN = CARDS["shen-hanyan"]
MARTHA = CARDS["martha-bramble"]


class CountingEmbedder:
    """HashEmbedder that counts how many texts were embedded as passages (= index builds)."""

    def __init__(self, *, fail: bool = False) -> None:
        self._inner = HashEmbedder()
        self.dim = self._inner.dim
        self.passages = 0
        self.fail = fail

    async def query(self, texts: Sequence[str]) -> Vectors:
        return await self._inner.query(texts)

    async def passage(self, texts: Sequence[str]) -> Vectors:
        await asyncio.sleep(0.01)  # let concurrent first requests overlap
        if self.fail:
            raise RuntimeError("model file is corrupt")
        self.passages += len(texts)
        return await self._inner.passage(texts)


def request(card: Card | CharacterRef, *turns: tuple[str, str], **kw: object) -> LLMRequest:
    ref = card.ref if isinstance(card, Card) else card
    messages = [ChatMessage("system", f"You are {ref.name}.")]
    messages += [ChatMessage("user" if who == "user" else "assistant", text) for who, text in turns]
    return LLMRequest(messages=messages, character=ref, **kw)  # type: ignore[arg-type]


async def collect(backend: CanonBackend, req: LLMRequest) -> tuple[str, LLMChunk, list[LLMChunk]]:
    chunks = [chunk async for chunk in backend.stream(req)]
    return "".join(c.text for c in chunks), chunks[-1], chunks


# --- with the deterministic fake embedder -------------------------------------------------


async def test_picks_the_line_whose_context_matches() -> None:
    backend = CanonBackend(HashEmbedder())
    text, final, _ = await collect(backend, request(SHEN, ("user", "你师父是个什么样的人？")))
    assert text == SHEN.line("master").text
    assert final.extra["line_index"] == SHEN.ids.index("master")
    text, _, _ = await collect(backend, request(MARTHA, ("user", "Where can I find a blacksmith?")))
    assert text == MARTHA.line("blacksmith").text


async def test_does_not_repeat_what_it_already_said() -> None:
    backend = CanonBackend(HashEmbedder())
    question = "你有没有仇人？"
    first, _, _ = await collect(backend, request(SHEN, ("user", question)))
    assert first == SHEN.line("enemy").text
    again, final, _ = await collect(
        backend, request(SHEN, ("user", question), ("assistant", first), ("user", question))
    )
    assert again != first
    assert final.finish_reason == "stop"


async def test_streams_pieces_then_a_final_usage_chunk() -> None:
    backend = CanonBackend(HashEmbedder(), chunk_delay_s=0.001)
    text, final, chunks = await collect(backend, request(MARTHA, ("user", "Do you read?")))
    pieces = chunks[:-1]
    assert len(pieces) > 3 and all(c.text and c.usage is None for c in pieces)
    assert text == MARTHA.line("reading").text
    assert final.text == "" and final.finish_reason == "stop"
    assert final.usage is not None and final.usage.completion_tokens == len(pieces)
    assert final.usage.prompt_tokens == 0
    assert final.extra["canon"] is True and isinstance(final.extra["score"], float)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("沈寒烟", "（这个角色还没有台词。）"), ("Martha", "(This character has no lines yet.)")],
)
async def test_no_lines_says_so_honestly(name: str, expected: str) -> None:
    ref = CharacterRef("empty", name, "1", ())
    text, final, _ = await collect(CanonBackend(HashEmbedder()), request(ref, ("user", "hi")))
    assert text == expected
    assert final.finish_reason == "no_lines"


async def test_index_is_built_once_per_card_version() -> None:
    embedder = CountingEmbedder()
    backend = CanonBackend(embedder)
    n = len(SHEN.ref.lines)
    ask = ("user", "你相信命吗？")
    await asyncio.gather(*(collect(backend, request(SHEN, ask)) for _ in range(3)))
    assert embedder.passages == n  # three concurrent first requests shared one build
    await collect(backend, request(SHEN, ask))
    assert embedder.passages == n
    newer = replace(
        SHEN.ref, version="2", lines=(*SHEN.ref.lines, CanonLine("走吧。", "走吗？", 11))
    )
    text, _, _ = await collect(backend, request(newer, ("user", "走吗？")))
    assert text == "走吧。"
    assert embedder.passages == 2 * n + 1


async def test_warm_builds_ahead_and_the_cache_is_bounded() -> None:
    embedder = CountingEmbedder()
    backend = CanonBackend(embedder, max_cards=1)
    await backend.warm(SHEN.ref)
    built = embedder.passages
    await collect(backend, request(SHEN, ("user", "你会骑马吗？")))
    assert embedder.passages == built
    await backend.warm(MARTHA.ref)  # evicts the swordswoman
    await collect(backend, request(SHEN, ("user", "你会骑马吗？")))
    assert embedder.passages == built + len(MARTHA.ref.lines) + len(SHEN.ref.lines)
    await backend.aclose()


async def test_embedding_failure_becomes_llm_error_and_is_retried() -> None:
    embedder = CountingEmbedder(fail=True)
    backend = CanonBackend(embedder)
    with pytest.raises(LLMError, match="could not pick a line"):
        await collect(backend, request(SHEN, ("user", "你好")))
    embedder.fail = False
    text, _, _ = await collect(backend, request(SHEN, ("user", "你识字吗？")))
    assert text == SHEN.line("literate").text


async def test_request_without_character_is_an_llm_error() -> None:
    with pytest.raises(LLMError, match="needs the character"):
        await collect(CanonBackend(HashEmbedder()), LLMRequest(messages=[]))


async def test_opening_turn_speaks_the_greeting() -> None:
    text, _, _ = await collect(CanonBackend(HashEmbedder()), request(SHEN))
    assert text == SHEN.line("greeting").text


async def test_greetings_are_held_back_mid_conversation() -> None:
    index = await build_index(SHEN.ref.lines, SHEN.ref.name, HashEmbedder())
    greeting = SHEN.ids.index("greeting")
    wanted = index.score(Turn("下雨了", None, greeting_wanted=True))
    unwanted = index.score(Turn("下雨了", None, greeting_wanted=False))
    assert wanted[greeting] > unwanted[greeting]
    others = np.arange(len(index)) != greeting
    assert np.array_equal(wanted[others], unwanted[others])


async def test_macros_are_filled_by_script() -> None:
    lines = (
        CanonLine("{{user}}，我是{{char}}。", "你是谁？", 1),
        CanonLine("Nice to meet you, <USER>. I'm {{char}}.", "Who are you?", 1),
    )
    ref = CharacterRef("m", "阿青", "1", lines)
    backend = CanonBackend(HashEmbedder())
    zh, _, _ = await collect(backend, request(ref, ("user", "你是谁？")))
    en, _, _ = await collect(backend, request(ref, ("user", "Who are you?")))
    assert zh == "你，我是阿青。"
    assert en == "Nice to meet you, you. I'm 阿青."
    assert fill_user("Hi {{User}}, {{char}} here", "Lin", "Mo") == "Hi Lin, Mo here"


async def test_a_very_short_line_is_joined_by_a_close_runner_up() -> None:
    lines = (
        CanonLine("嗯。", "你在听吗？", 1),
        CanonLine("在听，你接着说。", "你在听我说吗？", 1),
        CanonLine("明天一早出发。", "我们什么时候走？", 2),
        CanonLine("这酒太烈了。", "酒怎么样？", 3),
    )
    ref = CharacterRef("short", "阿青", "1", lines)
    text, final, _ = await collect(
        CanonBackend(HashEmbedder()), request(ref, ("user", "你在听吗？"))
    )
    assert text == "嗯。在听，你接着说。"
    assert final.extra["line_indices"] == [0, 1]


async def test_max_tokens_and_stop_are_honoured() -> None:
    backend = CanonBackend(HashEmbedder())
    ask = ("user", "Why is the inn called the Crooked Kettle?")
    text, final, _ = await collect(backend, request(MARTHA, ask, max_tokens=4))
    assert text == "My grandfather dropped the " and final.finish_reason == "length"
    text, _, _ = await collect(backend, request(MARTHA, ask, stop=[" off"]))
    assert text == "My grandfather dropped the first kettle"


def test_lexical_terms_cover_chinese_and_english() -> None:
    assert {"霜月", "月剑"} <= terms("霜月剑")
    assert terms("剑") == {"剑"}
    assert terms("The kettles were boiling") == {"kettle", "boil"}
    assert is_greeting("你好呀") and is_greeting("Good morning, Martha")
    assert not is_greeting("What's good here?")


# --- with the real bundled e5 model -------------------------------------------------------


@pytest.fixture(scope="module")
def e5_backend() -> CanonBackend:
    return CanonBackend(E5Embedder(num_threads=2))


@pytest.mark.parametrize("card", [SHEN, MARTHA], ids=lambda c: c.ref.card_id)
async def test_e5_answers_paraphrased_messages(e5_backend: CanonBackend, card: Card) -> None:
    greeting = card.line("greeting").text
    misses = []
    for message, expect in card.probes:
        req = request(card, ("assistant", greeting), ("user", message))
        _, final, _ = await collect(e5_backend, req)
        if final.extra["line_index"] != card.ids.index(expect):
            misses.append((message, card.ref.lines[int(str(final.extra["line_index"]))].text))
    accuracy = 1 - len(misses) / len(card.probes)
    assert accuracy >= 0.8, misses
