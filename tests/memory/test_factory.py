"""The production wiring: embedded store under data_dir, LLM extraction and summaries."""

from __future__ import annotations

from pathlib import Path

from memory.embeddings import HashEmbedder
from memory.factory import open_memory
from memory.items import MemoryItem
from memory.summary import llm_summary
from roleplay.tokens import get_tokenizer
from tests.memory.conftest import scope, turn


async def test_open_memory_with_an_llm(tmp_path: Path) -> None:
    prompts: list[str] = []

    async def complete(prompt: str) -> str:
        prompts.append(prompt)
        return '{"text": "Alice is afraid of the dark", "slot": null, "importance": 0.9}'

    mem = open_memory(redis=None, embedder=HashEmbedder(), data_dir=tmp_path, complete=complete)
    try:
        await mem.remember(scope(), turn("I never sleep without a lamp on."))
        facts = [m for m in await mem.control.list_memories("alice") if m["kind"] == "fact"]
        assert [m["text"] for m in facts] == ["Alice is afraid of the dark"]
        assert (tmp_path / "chroma").is_dir() and prompts
    finally:
        await mem.aclose()


async def test_llm_summary_quotes_all_lines_and_falls_back() -> None:
    count = get_tokenizer().count
    lines = [
        MemoryItem(
            id=f"t{i}",
            kind="turn",
            text=f"Line {i} about apples.",
            reader_id="r",
            card_id="c",
            speaker="A",
            sources=(f"m{i}",),
            seq=i,
        )
        for i in range(4)
    ]

    async def good(prompt: str) -> str:
        return "They talked about apples."

    async def broken(prompt: str) -> str:
        raise TimeoutError

    text, sources = await llm_summary(good, count, 50)(lines)
    assert text == "They talked about apples." and sources == ["m0", "m1", "m2", "m3"]
    text, _ = await llm_summary(broken, count, 50)(lines)
    assert "apples" in text
