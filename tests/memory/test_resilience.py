"""Store down or slow: turns go on without memory (with a warning); writes wait in Redis."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from redis.asyncio import Redis
from structlog.testing import capture_logs

from memory.chroma import ChromaStore
from memory.store import FakeVectorStore
from tests.memory.conftest import ChromaServer, build_memory, scope, turn


async def test_store_down_means_no_memories_and_a_warning() -> None:
    store = FakeVectorStore()
    mem = build_memory(store)
    await mem.remember(scope(), turn("I love tea."))
    mem.bank.mirrors.forget("alice")
    store.fail = True
    with capture_logs() as logs:
        assert await mem.recall(scope(), "tea", budget_tokens=300) == ()
    assert any(e["event"] == "memory_recall_unavailable" for e in logs)


async def test_writes_queue_in_redis_and_drain_when_the_store_returns(
    redis_client: Redis,
) -> None:
    store = FakeVectorStore()
    mem = build_memory(store, redis=redis_client, queue_stream="t:memq")
    assert mem.queue is not None
    mem.queue.backoff_s = (0.02, 0.1)
    store.fail = True
    await mem.start()
    try:
        started = time.perf_counter()
        for i in range(5):
            await mem.remember(scope(), turn(f"My favourite number is {i}."))
        assert time.perf_counter() - started < 0.5  # enqueue only: never delays a reply
        await asyncio.sleep(0.3)
        assert await mem.queue.depth() == 5  # nothing lost while the store is down
        store.fail = False
        assert await mem.flush(10)
        facts = [m for m in await mem.control.list_memories("alice") if m["kind"] == "fact"]
        assert [m["current"] for m in sorted(facts, key=lambda m: float(str(m["at"])))] == [
            False,
            False,
            False,
            False,
            True,
        ]  # applied in order, so the last value is the current one
    finally:
        await mem.aclose()


async def test_a_new_worker_picks_up_what_a_dead_one_left(redis_client: Redis) -> None:
    store = FakeVectorStore()
    first = build_memory(store, redis=redis_client, queue_stream="t:memq2")
    assert first.queue is not None
    await first.queue._ensure_group()
    await first.remember(scope(), turn("I live in Lisbon."))
    await first.queue._read(">", block_ms=None)  # delivered to "first", which then dies
    second = build_memory(
        store, redis=redis_client, queue_stream="t:memq2", prefix=first.bank.prefix
    )
    assert second.queue is not None
    second.queue.consumer, second.queue.claim_idle_ms = "second", 0
    assert await second.queue.drain_once() == 1
    assert await second.queue.depth() == 0
    await first.aclose()
    await second.aclose()


async def test_a_stopped_chroma_server_degrades_then_recovers(
    tmp_path: Path, redis_client: Redis
) -> None:
    server = ChromaServer(tmp_path / "srv")
    server.start()
    store = ChromaStore(host="127.0.0.1", port=server.port, timeout_s=2.0)
    mem = build_memory(store, redis=redis_client, queue_stream="t:memq3")
    assert mem.queue is not None
    mem.queue.backoff_s = (0.05, 0.2)
    await mem.start()
    try:
        await mem.remember(scope(), turn("I love green tea."))
        assert await mem.flush(20)
        server.stop()
        mem.bank.mirrors.forget("alice")
        with capture_logs() as logs:
            assert await mem.recall(scope(), "tea", budget_tokens=300) == ()
        assert any(e["event"] == "memory_recall_unavailable" for e in logs)
        await mem.remember(scope(), turn("I also love oolong."))
        await asyncio.sleep(0.5)
        assert await mem.queue.depth() == 1
        server.start()  # same port, same data
        assert await mem.flush(30)
        got = await mem.recall(scope(), "oolong tea", budget_tokens=500)
        assert any("oolong" in r.text for r in got) and any("green" in r.text for r in got)
    finally:
        await mem.aclose()
        server.stop()


async def test_a_write_that_always_fails_is_dead_lettered(redis_client: Redis) -> None:
    store = FakeVectorStore()
    mem = build_memory(store, redis=redis_client, queue_stream="t:memq4")
    assert mem.queue is not None
    calls = 0

    async def broken(*args: object) -> None:
        nonlocal calls
        calls += 1
        raise KeyError("a bug, not an outage")

    async def broken_batch(*args: object) -> None:
        raise KeyError("the same bug, in a batch")

    mem.queue.apply, mem.queue.apply_many, mem.queue.max_attempts = broken, broken_batch, 3
    mem.queue.backoff_s = (0.01, 0.02)
    await mem.start()
    try:
        await mem.remember(scope(), turn("I love tea."))
        await mem.remember(scope(), turn("I love coffee."))
        assert await mem.flush(10)  # the queue moved on
        assert await redis_client.xlen("t:memq4:dead") == 2 and calls == 6
    finally:
        await mem.aclose()


async def test_two_workers_never_serve_a_stale_mirror(redis_client: Redis) -> None:
    store = FakeVectorStore()
    a = build_memory(store, redis=redis_client, queue_stream="t:memq5")
    b = build_memory(store, redis=redis_client, queue_stream="t:memq5", prefix=a.bank.prefix)
    await a.writer.apply(scope(), turn("I love green tea."))
    assert any("green" in r.text for r in await b.recall(scope(), "tea", budget_tokens=300))
    await a.writer.apply(scope(), turn("Also I adore the saxophone."))
    got = await b.recall(scope(), "saxophone", budget_tokens=300)
    assert any("saxophone" in r.text for r in got)
    assert b.bank.mirrors.loads == 2  # b reloaded its mirror: the generation moved
    await b.recall(scope(), "saxophone", budget_tokens=300)
    assert b.bank.mirrors.loads == 2  # and not again while nothing changed
    await a.aclose()
    await b.aclose()


async def test_queued_writes_are_batched_per_reader(redis_client: Redis) -> None:
    store = FakeVectorStore()
    mem = build_memory(store, redis=redis_client, queue_stream="t:memq6")
    assert mem.queue is not None
    for i in range(6):
        await mem.remember(scope("alice" if i % 2 else "bob"), turn(f"I love hobby number {i}."))
    await mem.queue._ensure_group()
    entries = await mem.queue._read(">", block_ms=None)
    assert await mem.queue._apply_all(entries) == 6
    upserts = [c for c in store.calls if c[0] == "upsert"]
    assert len(upserts) == 2  # one store call per reader for the whole batch
    assert len(await mem.control.list_memories("alice")) == len(
        await mem.control.list_memories("bob")
    )
    await mem.aclose()
