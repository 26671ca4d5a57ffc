"""``LongTermMemory``: the ``Memory`` the engine calls (recall before the prompt, remember after).

Recall is hybrid — e5 dense search in the store plus BM25 on the reader's
mirror, fused by reciprocal rank, re-ranked by importance and recency — and packs
canon passages (up to the reader's chapter) and memories into the token budget.
It is best-effort by design: a slow or dead store yields no memories and a
warning, never a failed turn. ``remember`` only enqueues (Redis stream); the
worker started by ``start()`` does the writing.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Sequence

import structlog
from redis.asyncio import Redis

from memory.bank import LocalGenerations, MemoryBank, RedisGenerations
from memory.base import MemoryScope, Recalled, TurnRecord
from memory.canon import CanonIndex
from memory.control import MemoryControl
from memory.embeddings import Embedder, Vectors, embed_query
from memory.extract import FactExtractor, RuleExtractor
from memory.items import MemoryItem
from memory.mirror import ReaderMirror
from memory.queue import WriteQueue
from memory.retrieval import RetrievalParams, fuse, pack, rerank
from memory.scopes import visible
from memory.store import VectorStore
from memory.summary import Summarizer
from memory.writer import MemoryWriter, SharePolicy, no_sharing

MIN_CANON_TOKENS = 40
log = structlog.get_logger("memory")
Count = Callable[[str], int]


def _default_count() -> Count:
    from roleplay.tokens import get_tokenizer

    return get_tokenizer().count


class LongTermMemory:
    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        redis: Redis | None = None,
        count_tokens: Count | None = None,
        extractor: FactExtractor | None = None,
        summarizer: Summarizer | None = None,
        share: SharePolicy = no_sharing,
        params: RetrievalParams | None = None,
        prefix: str = "rp",
        queue_stream: str = "rp:memq",
        mirror_capacity: int = 256,
        recall_timeout_s: float = 3.0,
        dense_budget_s: float = 0.25,
        query_tokens: int | None = 64,
    ) -> None:
        self.count = count_tokens or _default_count()
        # Memory lines are counted again and again across recalls; their counts never change.
        self._count_line = functools.lru_cache(maxsize=200_000)(self.count)
        gens = RedisGenerations(redis, prefix=f"{prefix}:memgen:") if redis else LocalGenerations()
        self.bank = MemoryBank(
            store, embedder, gens, prefix=prefix, mirror_capacity=mirror_capacity
        )
        self.canon = CanonIndex(store, embedder, gens, prefix=prefix)
        self.summarizer = summarizer or Summarizer(self.count)
        self.writer = MemoryWriter(self.bank, extractor or RuleExtractor(), self.summarizer, share)
        self.params = params or RetrievalParams()
        self.control = MemoryControl(self.bank, self.summarizer, self._search)
        self.queue = (
            WriteQueue(
                redis, self.writer.apply, stream=queue_stream, apply_many=self.writer.apply_many
            )
            if redis
            else None
        )
        self.recall_timeout_s = recall_timeout_s
        # A chat message rarely needs more; the lexical side still sees all of it.
        self.query_tokens = query_tokens
        self.dense_budget_s = dense_budget_s

    # -- lifecycle -----------------------------------------------------------

    async def start(self) -> None:
        """Start the write worker (call once per process, from the app's cleanup context)."""
        if self.queue is not None:
            await self.queue.start()

    async def aclose(self) -> None:
        if self.queue is not None:
            await self.queue.aclose()
        await self.bank.store.aclose()

    # -- Memory protocol -----------------------------------------------------

    async def remember(self, scope: MemoryScope, turn: TurnRecord) -> None:
        if self.queue is not None:
            await self.queue.put(scope, turn)
        else:  # no Redis (tools, tests): write now; the engine already runs this in the background
            await self.writer.apply(scope, turn)

    async def recall(
        self, scope: MemoryScope, query: str, *, budget_tokens: int
    ) -> Sequence[Recalled]:
        if not query.strip() or budget_tokens <= 0:
            return ()
        started = time.perf_counter()
        try:
            out = await asyncio.wait_for(
                self._recall(scope, query, budget_tokens), self.recall_timeout_s
            )
        except Exception as exc:  # memory is best-effort: the turn goes on without it
            log.warning("memory_recall_unavailable", error=repr(exc), reader_id=scope.reader_id)
            return ()
        log.info(
            "memory_recalled",
            reader_id=scope.reader_id,
            card_id=scope.card_id,
            used=[r.id for r in out],
            kinds=[r.kind for r in out],
            tokens=sum(int(str(r.meta.get("tokens", 0))) for r in out),
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return out

    async def _recall(self, scope: MemoryScope, query: str, budget: int) -> list[Recalled]:
        # The model embeds the query in a worker thread while the lexical side runs here.
        embedding = asyncio.create_task(self._embed(query))
        try:
            mirror, items, lexical = await self._lexical(scope, query)
            vector = await self._within_budget(embedding)
        finally:
            embedding.cancel()
        canon: list[Recalled] = []
        if scope.work_id and vector is not None:
            canon = await self._canon(scope, query, vector, int(budget * self.params.canon_share))
        used = sum(int(str(r.meta["tokens"])) for r in canon)
        ranked = await self._fused(scope, vector, items, lexical)
        memories = pack(
            ranked, mirror.neighbours, self.count, budget - used, self.params, self._count_line
        )
        return [*memories, *canon]

    async def _within_budget(self, embedding: asyncio.Task[Vectors]) -> Vectors | None:
        """The query vector, or None when the model is too busy to answer in time: under
        load a turn recalls by words alone rather than waiting (the reply matters more)."""
        try:
            return await asyncio.wait_for(asyncio.shield(embedding), self.dense_budget_s)
        except TimeoutError:
            log.warning("memory_dense_skipped", budget_s=self.dense_budget_s)
            return None

    async def _search(
        self, scope: MemoryScope, query: str, vector: Vectors | None = None
    ) -> list[tuple[MemoryItem, float]]:
        if vector is None:
            vector = await self._embed(query)
        _, items, lexical = await self._lexical(scope, query)
        return await self._fused(scope, vector, items, lexical)

    async def _embed(self, query: str) -> Vectors:
        return await embed_query(self.bank.embedder, query, self.query_tokens)

    async def _lexical(
        self, scope: MemoryScope, query: str
    ) -> tuple[ReaderMirror, dict[str, MemoryItem], list[tuple[str, float]]]:
        """The scope's items (from the reader's mirror) and their BM25 ranking for ``query``."""
        mirror = await self.bank.mirror(scope.reader_id)
        items = {
            i.id: i
            for i in mirror.items.values()
            if visible(scope, i.reader_id, i.card_id, i.shared, i.work_id)
        }
        return mirror, items, mirror.bm25.search(query, self.params.lexical_k, allowed=items)

    async def _fused(
        self,
        scope: MemoryScope,
        vector: Vectors | None,
        items: dict[str, MemoryItem],
        lexical: list[tuple[str, float]],
    ) -> list[tuple[MemoryItem, float]]:
        p = self.params
        # A hit missing from the mirror was written after it loaded (a race with another
        # worker); it is skipped here and present from the next recall on.
        dense = [] if vector is None else await self.bank.dense(scope, vector, p.dense_k)
        hits = [h for h in dense if h.id in items]
        scores = fuse(
            [[h.id for h in hits], [i for i, _ in lexical]],
            [p.dense_weight, p.lexical_weight],
            p.rrf_k,
        )
        return rerank(scores, items, p)

    async def _canon(
        self, scope: MemoryScope, query: str, vector: Vectors, budget: int
    ) -> list[Recalled]:
        assert scope.work_id is not None
        found = await self.canon.search(scope.work_id, scope.chapter, query, vector, limit=6)
        out, used = [], 0
        for passage, score in found:
            text = self._fit(f"[canon, ch. {passage.chapter}] {passage.text}", budget - used - 2)
            if text is None:
                continue
            cost = self.count(text) + 2
            used += cost
            meta: dict[str, object] = {
                "work_id": passage.work_id,
                "chapter": passage.chapter,
                "offset": passage.offset,
                "tokens": cost,
            }
            out.append(Recalled(id=passage.id, text=text, kind="canon", score=score, meta=meta))
        return out

    def _fit(self, text: str, budget: int) -> str | None:
        """``text``, or its head cut at a sentence end to fit ``budget`` tokens (CJK text
        costs about a token per character, so a whole passage may not fit the canon share)."""
        if self.count(text) <= budget:
            return text
        if budget < MIN_CANON_TOKENS:
            return None
        cut = text[: max(1, len(text) * budget // max(1, self.count(text)))]
        while cut and self.count(cut + "…") > budget:
            cut = cut[: int(len(cut) * 0.9)]
        end = max(cut.rfind(p) for p in "。！？.!?")
        if end >= len(cut) // 2:
            cut = cut[: end + 1]
        return cut + "…" if len(cut) > 20 else None

    # -- canon and queue helpers -------------------------------------------

    async def index_canon(self, work_id: str, chapters: Sequence[tuple[int, str]]) -> int:
        return await self.canon.index(work_id, chapters)

    async def forget_canon(self, work_id: str) -> int:
        return await self.canon.remove(work_id)

    async def flush(self, timeout_s: float = 30.0) -> bool:
        """Wait for queued writes to land (tests, benchmarks, graceful shutdown)."""
        return True if self.queue is None else await self.queue.drained(timeout_s)
