"""Writing: facts extracted (English and Chinese), contradictions superseded, duplicates merged."""

from __future__ import annotations

import json

from memory.base import TurnRecord
from memory.chroma import ChromaStore
from memory.extract import LLMExtractor, rule_facts
from memory.items import MemoryItem
from memory.service import LongTermMemory
from memory.store import FakeVectorStore, Record
from tests.memory.conftest import build_memory, scope, turn


def facts(items: list[dict[str, object]]) -> list[dict[str, object]]:
    return [m for m in items if m["kind"] == "fact"]


def test_rules_cover_english_and_chinese() -> None:
    said = {
        f.text
        for f in rule_facts("My name is Alice and I love hiking. I promise to come back.", "A")
    }
    assert {"A's name is Alice", "A likes hiking", "A promised: come back"} <= said
    zh = {
        (f.slot, f.text) for f in rule_facts("我叫小明，我喜欢吃桃子。我答应你明天再来。", "小明")
    }
    assert ("name", "小明的名字是小明") in zh
    assert ("pref:吃桃子", "小明喜欢吃桃子") in zh
    assert (None, "小明答应：明天再来") in zh
    assert [f.text for f in rule_facts("我不喜欢下雨天", "甲")] == ["甲不喜欢下雨天"]


async def test_contradiction_supersedes_with_validity_interval(chroma_store: ChromaStore) -> None:
    mem = build_memory(chroma_store)
    s = scope()
    await mem.remember(s, turn("我住在北京。", at=1_700_000_000))
    await mem.remember(s, turn("我搬到了上海。", at=1_700_086_400))
    items = facts(await mem.control.list_memories("alice"))
    homes = {str(m["text"]): m for m in items}
    old, new = homes["Alice住在北京"], homes["Alice住在上海"]
    assert old["current"] is False and old["valid_to"] == 1_700_086_400
    assert old["superseded_by"] == new["id"] and new["current"] is True
    # "Where did I live before?" still finds the old fact, marked as no longer true.
    got = await mem.recall(s, "我以前住在北京吗", budget_tokens=800)
    history = [r for r in got if r.id == old["id"]]
    assert history and "no longer true" in history[0].text


async def test_duplicates_are_merged() -> None:
    mem = build_memory(FakeVectorStore())
    s = scope()
    await mem.remember(s, turn("My name is Alice."))
    await mem.remember(s, turn("As I said, my name is Alice!"))
    names = [m for m in await mem.control.list_memories("alice") if m["kind"] == "fact"]
    assert len(names) == 1
    assert len(names[0]["sources"]) == 2  # type: ignore[arg-type]
    assert mem.bank.mirrors.peek("alice") is not None
    item = mem.bank.mirrors.peek("alice").items[str(names[0]["id"])]  # type: ignore[union-attr]
    assert item.mentions == 2


async def test_a_retried_write_changes_nothing(fake_memory: LongTermMemory) -> None:
    t = turn("I love green tea.")
    await fake_memory.remember(scope(), t)
    before = await fake_memory.control.list_memories("alice")
    await fake_memory.remember(scope(), t)
    assert await fake_memory.control.list_memories("alice") == before


async def test_llm_extractor_parses_json_lines_and_falls_back() -> None:
    async def good(prompt: str) -> str:
        assert "Alice" in prompt
        return '{"text": "Alice is a nurse", "slot": "job", "importance": 0.8}\nnoise'

    async def broken(prompt: str) -> str:
        raise RuntimeError("endpoint down")

    t: TurnRecord = turn("I work as a nurse. My name is Alice.")
    got = await LLMExtractor(good).extract(t)
    assert [(f.text, f.slot) for f in got] == [("Alice is a nurse", "job")]
    fallback = await LLMExtractor(broken).extract(t)
    assert {f.slot for f in fallback} >= {"job", "name"}


def test_store_metadata_keeps_filter_keys_apart_and_reads_old_records() -> None:
    item = MemoryItem(
        id="i1",
        kind="fact",
        text="Alice lives in 长安",
        reader_id="alice",
        card_id="wukong",
        work_id="xyj",
        shared=True,
        sources=("m1u", "m2u"),
        seq=7,
        at=1.7e9,
        chapter=3,
        slot="home",
        valid_to=1.8e9,
        superseded_by="i2",
        extra={"value": "长安"},
    )
    meta = item.to_meta()
    assert set(meta) == {"reader_id", "scope", "shared_scope", "m"}
    assert MemoryItem.from_record(Record("i1", item.text, meta)) == item
    flat = {**json.loads(str(meta.pop("m"))), **meta}  # how stores written before kept it
    assert MemoryItem.from_record(Record("i1", item.text, flat)) == item
