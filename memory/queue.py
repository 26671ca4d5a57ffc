"""A durable write queue in a Redis stream, drained into the vector store by a worker task.

``remember`` only appends to the stream (one fast Redis call), so memory writes
never delay a reply. The worker reads with a consumer group: an entry is
acknowledged only after the store accepted it, so entries survive a crash or a
store outage (a dead worker's pending entries are claimed by the next one).
While the store is down the worker retries the same entry with backoff; it
never skips ahead, because a later fact may supersede an earlier one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from memory.base import MemoryScope, TurnRecord
from memory.store import StoreUnavailableError

log = structlog.get_logger("memory.queue")
Apply = Callable[[MemoryScope, TurnRecord], Awaitable[object]]
ApplyMany = Callable[[Sequence[tuple[MemoryScope, TurnRecord]]], Awaitable[object]]


def encode(scope: MemoryScope, turn: TurnRecord) -> dict[str, str]:
    return {"scope": json.dumps(asdict(scope)), "turn": json.dumps(asdict(turn))}


def decode(fields: dict[str, str]) -> tuple[MemoryScope, TurnRecord]:
    return MemoryScope(**json.loads(fields["scope"])), TurnRecord(**json.loads(fields["turn"]))


class WriteQueue:
    def __init__(
        self,
        redis: Redis,
        apply: Apply,
        *,
        stream: str = "rp:memq",
        group: str = "memory-writers",
        consumer: str | None = None,
        backoff_s: tuple[float, float] = (0.2, 30.0),
        claim_idle_ms: int = 60_000,
        max_attempts: int = 5,
        apply_many: ApplyMany | None = None,
        batch: int = 128,
    ) -> None:
        self.redis = redis
        self.apply = apply
        self.stream, self.group = stream, group
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.backoff_s = backoff_s
        self.claim_idle_ms = claim_idle_ms
        self.max_attempts = max_attempts
        self.apply_many = apply_many
        # Entries read (and applied together) at once. A backlog mixes many readers, and the
        # store pays per call, one per reader: a wider window finds more of each reader's
        # entries to write in one call. Order is kept per reader, which is all that matters.
        self.batch = batch
        self._failures: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        # How long an idle read blocks in Redis: new entries wake it at once, so this
        # only bounds how soon a stop request is seen.
        self.idle_block_ms = 200

    async def put(self, scope: MemoryScope, turn: TurnRecord) -> None:
        await self.redis.xadd(self.stream, encode(scope, turn))  # type: ignore[arg-type]

    async def depth(self) -> int:
        """Entries not yet acknowledged (waiting or being retried)."""
        length = int(await self.redis.xlen(self.stream))
        return length

    async def start(self) -> None:
        if self._task is None:
            await self._ensure_group()
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name="memory-write-queue")

    async def aclose(self, timeout_s: float = 3.0) -> None:
        """Stop the worker between Redis calls. Cancelling it inside one (a blocked
        XREADGROUP) made redis-py's cleanup wait on a socket that never closed, and a
        shutdown hung; an entry being applied is simply applied again by the next worker."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
        if not done:
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=timeout_s)
        if not done:
            log.warning("memory_queue_stop_timeout", timeout_s=timeout_s)

    async def drained(self, timeout_s: float = 10.0) -> bool:
        """Wait until the stream is empty (tests, graceful shutdown)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            if await self.depth() == 0:
                return True
            await asyncio.sleep(0.05)
        return False

    async def _ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _run(self) -> None:
        delay = self.backoff_s[0]
        while not self._stop.is_set():
            try:
                done = await self.drain_once()
                delay = self.backoff_s[0]
                if not done:
                    await self._read_new(block_ms=self.idle_block_ms)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # store or Redis down: wait, then retry the same entry
                log.warning("memory_queue_retry", error=repr(exc), retry_in_s=round(delay, 2))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                delay = min(delay * 2, self.backoff_s[1])

    async def drain_once(self) -> int:
        """Apply this consumer's pending entries, then any claimed from dead consumers."""
        done = await self._apply_all(await self._read("0", block_ms=None))
        claimed = await self.redis.xautoclaim(
            self.stream, self.group, self.consumer, self.claim_idle_ms, "0-0", count=self.batch
        )
        if claimed and claimed[1]:
            done += await self._apply_all(claimed[1])
        return done

    async def _read_new(self, block_ms: int) -> int:
        await self._ensure_group()
        return await self._apply_all(await self._read(">", block_ms=block_ms))

    async def _read(self, start: str, block_ms: int | None) -> list[Any]:
        resp: Any = await self.redis.xreadgroup(
            self.group, self.consumer, {self.stream: start}, count=self.batch, block=block_ms
        )
        return list(resp[0][1]) if resp else []

    async def _apply_batch(self, entries: list[Any]) -> bool:
        """All entries in one batch (one store call per reader); False: go one by one."""
        if self.apply_many is None or len(entries) < 2 or not all(f for _, f in entries):
            return False
        try:
            await self.apply_many([decode(fields) for _, fields in entries])
        except (StoreUnavailableError, RedisError, OSError):
            raise
        except Exception as exc:  # find the culprit entry by entry
            log.warning("memory_batch_failed", error=repr(exc), entries=len(entries))
            return False
        await self._ack(*[entry_id for entry_id, _ in entries])
        return True

    async def _apply_all(self, entries: list[Any]) -> int:
        if await self._apply_batch(entries):
            return len(entries)
        done = 0
        for entry_id, fields in entries:
            if not fields:  # deleted while pending
                await self._ack(entry_id)
                continue
            try:
                scope, turn = decode(fields)
                await self.apply(scope, turn)
            except (StoreUnavailableError, RedisError, OSError):
                raise  # an outage: keep the entry, back off, retry it
            except Exception as exc:
                if not await self._give_up(entry_id, fields, exc):
                    raise
            await self._ack(entry_id)
            done += 1
        return done

    async def _give_up(self, entry_id: str, fields: dict[str, str], exc: Exception) -> bool:
        """A write that fails for its own reasons (not an outage) must not block the queue
        forever: after ``max_attempts`` it moves to the dead-letter stream for inspection."""
        self._failures[entry_id] = self._failures.get(entry_id, 0) + 1
        if self._failures[entry_id] < self.max_attempts:
            return False
        del self._failures[entry_id]
        dead: dict[Any, Any] = {**fields, "error": repr(exc)[:500]}
        await self.redis.xadd(f"{self.stream}:dead", dead)
        log.error("memory_write_dead_lettered", entry=entry_id, error=repr(exc))
        return True

    async def _ack(self, *entry_ids: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.xack(self.stream, self.group, *entry_ids)
        pipe.xdel(self.stream, *entry_ids)
        await pipe.execute()
