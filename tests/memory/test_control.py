"""Reader control: list, search, edit, delete (everywhere it is quoted) and export."""

from __future__ import annotations

import json

import pytest

from memory.control import MemoryNotFoundError
from memory.store import FakeVectorStore
from memory.summary import Summarizer, SummaryPolicy
from roleplay.tokens import get_tokenizer
from tests.memory.conftest import build_memory, scope, turn


async def test_list_search_edit_export() -> None:
    mem = build_memory(FakeVectorStore())
    s = scope()
    await mem.remember(s, turn("My name is Alice. I love jasmine tea.", "Welcome, Alice."))
    listed = await mem.control.list_memories("alice")
    assert {m["kind"] for m in listed} == {"turn", "fact"}
    assert await mem.control.list_memories("alice", card_id="someone-else") == []
    found = await mem.control.search("alice", "wukong", "jasmine tea")
    assert found and "jasmine" in str(found[0]["text"])
    fact = next(m for m in listed if "likes" in str(m["text"]))
    edited = await mem.control.edit("alice", str(fact["id"]), "Alice likes oolong tea")
    assert edited["edited"] is True
    got = await mem.recall(s, "oolong", budget_tokens=300)
    assert any("oolong" in r.text for r in got)
    with pytest.raises(MemoryNotFoundError):
        await mem.control.edit("bob", str(fact["id"]), "hijacked")
    exported = await mem.control.export("alice")
    assert len(json.loads(json.dumps(exported))["memories"]) == len(listed)


async def test_delete_removes_from_store_summaries_and_future_recall() -> None:
    count = get_tokenizer().count
    policy = SummaryPolicy(chunk=4, keep_recent=2, summary_tokens=200, max_summaries=4)
    mem = build_memory(FakeVectorStore(), summarizer=Summarizer(count, policy))
    s = scope()
    await mem.remember(s, turn("My secret hideout is the old lighthouse.", "I will keep it."))
    for i in range(4):
        await mem.remember(s, turn(f"We talked about the harvest festival, part {i}.", "Fun!"))
    listed = await mem.control.list_memories("alice")
    summaries = [m for m in listed if m["kind"] == "summary"]
    assert any("lighthouse" in str(m["text"]) for m in summaries)
    secret = next(m for m in listed if m["kind"] == "turn" and "lighthouse" in str(m["text"]))

    removed = await mem.control.delete("alice", [str(secret["id"])])
    assert removed >= 1
    after = await mem.control.list_memories("alice")
    assert all("lighthouse" not in str(m["text"]) for m in after)
    assert len([m for m in after if m["kind"] == "summary"]) == len(summaries)  # rewritten
    got = await mem.recall(s, "where is my secret hideout lighthouse", budget_tokens=2000)
    assert all("lighthouse" not in r.text for r in got)
    # And from a fresh process (mirror reloaded from the store), too.
    mem.bank.mirrors.forget("alice")
    got = await mem.recall(s, "lighthouse", budget_tokens=2000)
    assert all("lighthouse" not in r.text for r in got)


async def test_deleting_a_turn_takes_the_facts_learned_from_it() -> None:
    mem = build_memory(FakeVectorStore())
    await mem.remember(scope(), turn("My name is Alice.", "Hello."))
    user_turn = next(
        m
        for m in await mem.control.list_memories("alice")
        if m["kind"] == "turn" and "Alice" in str(m["text"])
    )
    await mem.control.delete("alice", [str(user_turn["id"])])
    left = await mem.control.list_memories("alice")
    assert all("Alice" not in str(m["text"]) for m in left)
    assert await mem.control.delete_all("alice") == len(left)
    assert await mem.control.list_memories("alice") == []
