"""``MemoryBank``: one reader's memories in the vector store, plus their local mirror.

The writer, the retriever and the reader-control service all go through it, so
the layout (a collection per reader, see ``memory.scopes``) and the mirror's
freshness rule live in one place. Every write bumps the reader's generation
counter; mirrors in every worker reload when it moved.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis

from memory.base import MemoryScope
from memory.embeddings import Embedder, Vectors
from memory.items import MemoryItem, embed_text
from memory.mirror import MirrorCache, ReaderMirror
from memory.scopes import memory_space, reader_filter, visible_filter
from memory.store import Hit, Record, VectorStore


class Generations(Protocol):
    async def current(self, reader_id: str) -> int | None: ...

    async def bump(self, reader_id: str) -> int: ...


class LocalGenerations:
    """For a single process without Redis (tests, tools)."""

    def __init__(self) -> None:
        self._gen: dict[str, int] = {}

    async def current(self, reader_id: str) -> int | None:
        return self._gen.get(reader_id, 0)

    async def bump(self, reader_id: str) -> int:
        self._gen[reader_id] = self._gen.get(reader_id, 0) + 1
        return self._gen[reader_id]


class RedisGenerations:
    """Shared by all workers; if Redis is unreachable the mirror is simply reloaded."""

    def __init__(self, redis: Redis, prefix: str = "rp:memgen:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def current(self, reader_id: str) -> int | None:
        try:
            value = await self._redis.get(self._prefix + reader_id)
        except Exception:  # unknown generation means "reload", which is always correct
            return None
        return int(value) if value is not None else 0

    async def bump(self, reader_id: str) -> int:
        return int(await self._redis.incr(self._prefix + reader_id))


@dataclass(slots=True)
class _Pending:
    items: dict[str, tuple[MemoryItem, str]] = field(default_factory=dict)
    drops: set[str] = field(default_factory=set)
    records: list[Record] = field(default_factory=list)


class MemoryBank:
    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        generations: Generations,
        *,
        prefix: str = "rp",
        mirror_capacity: int = 256,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.generations = generations
        self.prefix = prefix
        self.mirrors = MirrorCache(mirror_capacity)
        self._batch: dict[str, _Pending] | None = None

    def space(self, reader_id: str) -> str:
        return memory_space(self.prefix, reader_id)

    async def mirror(self, reader_id: str) -> ReaderMirror:
        async def load() -> list[MemoryItem]:
            records = await self.store.get(self.space(reader_id), where=reader_filter(reader_id))
            return [MemoryItem.from_record(r) for r in records]

        gen = await self.generations.current(reader_id)
        return await self.mirrors.get(reader_id, gen, load)

    async def dense(self, scope: MemoryScope, vector: Vectors, limit: int) -> list[Hit]:
        """Ids and distances only: the texts are in the mirror."""
        where = visible_filter(scope)
        space = self.space(scope.reader_id)
        return await self.store.query(space, vector, where=where, limit=limit, payload=False)

    async def put(
        self,
        reader_id: str,
        items: Sequence[MemoryItem],
        context: Mapping[str, str] | None = None,
    ) -> None:
        """Store new or changed items, all of one reader (re-embedding is simpler than tracking
        which texts changed, and writes are off the reply's path). ``context`` maps a turn's
        id to the line before it, embedded with it."""
        if not items:
            return
        if any(i.reader_id != reader_id for i in items):
            raise ValueError("items of another reader in this write")
        ctx = context or {}
        texts = {i.id: embed_text(i, ctx.get(i.id)) for i in items}
        if self._batch is not None:
            pending = self._batch.setdefault(reader_id, _Pending())
            for item in items:
                pending.items[item.id] = (item, texts[item.id])
                pending.drops.discard(item.id)
            self._patch(reader_id, put=items)
            return
        await self._write({reader_id: _Pending({i.id: (i, texts[i.id]) for i in items})})

    async def remove(self, reader_id: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        if self._batch is not None:
            pending = self._batch.setdefault(reader_id, _Pending())
            for item_id in ids:
                pending.items.pop(item_id, None)
                pending.drops.add(item_id)
            self._patch(reader_id, drop=ids)
            return
        await self._write({reader_id: _Pending(drops=set(ids))})

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Collect puts and removes (mirrors see them at once) and write them on exit with one
        embedding call and one store call per reader: chromadb's per-call overhead dominates
        small writes. If anything fails, the touched mirrors are dropped (they reload)."""
        if self._batch is not None:
            yield
            return
        self._batch = {}
        try:
            yield
            await self._write(self._batch, patched=True)
        except BaseException:
            for reader_id in self._batch:
                self.mirrors.forget(reader_id)
            raise
        finally:
            self._batch = None

    async def _write(self, pending: Mapping[str, _Pending], *, patched: bool = False) -> None:
        """Embed and store; ``patched``: the mirrors already hold these changes (a batch)."""
        flat = [(r, item, text) for r, p in pending.items() for item, text in p.items.values()]
        vectors = await self.embedder.passage([text for _, _, text in flat]) if flat else None
        for n, (reader_id, item, _) in enumerate(flat):
            assert vectors is not None
            pending[reader_id].records.append(
                Record(item.id, item.text, item.to_meta(), vectors[n].tolist())
            )
        for reader_id, p in pending.items():
            if p.drops:
                await self.store.delete(self.space(reader_id), sorted(p.drops))
            await self.store.upsert(self.space(reader_id), p.records)
            puts = [] if patched else [item for item, _ in p.items.values()]
            await self._after_write(reader_id, put=puts, drop=[] if patched else sorted(p.drops))

    def _patch(
        self, reader_id: str, put: Sequence[MemoryItem] = (), drop: Sequence[str] = ()
    ) -> None:
        mirror = self.mirrors.peek(reader_id)
        if mirror is not None:
            for item in put:
                mirror.put(item)
            for item_id in drop:
                mirror.drop(item_id)

    async def _after_write(
        self, reader_id: str, put: Sequence[MemoryItem] = (), drop: Sequence[str] = ()
    ) -> None:
        try:
            after = await self.generations.bump(reader_id)
        except Exception:
            self.mirrors.forget(reader_id)  # cannot tell others; at least never trust our own
            return
        if self.mirrors.advance(reader_id, after) is not None:
            self._patch(reader_id, put, drop)
