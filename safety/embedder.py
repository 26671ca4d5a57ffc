"""Embeddings for the deep path: one model, batched across concurrent turns, cached.

The bundled multilingual-e5-small (``memory/e5_onnx.py``) embeds a chat line in a few
milliseconds on one thread, still the layer's dearest check, so every caller's texts
go into one queue that a single worker drains on a thread of its own: the event loop
keeps serving the hot path, and urgent texts (a waiting turn) go before audit-only
ones. Results are cached by text: regenerations, swipes and repeated sentences are free.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
DIM = 384
MAX_CHARS = 600  # a chat turn; longer texts are screened by their head (and clause by clause)


class Embedder(Protocol):
    async def embed(
        self, texts: Sequence[str], *, urgent: bool = True, first: bool = False
    ) -> F32: ...


class E5Embedder:
    def __init__(
        self, *, threads: int = 1, max_batch: int = 32, cache_size: int = 8192, model: Any = None
    ) -> None:
        self._threads = threads
        self._model = model
        self._max_batch = max_batch
        self._cache: OrderedDict[str, F32] = OrderedDict()
        self._cache_size = cache_size
        self._queue: list[tuple[str, asyncio.Future[F32]]] = []
        self._later: list[tuple[str, asyncio.Future[F32]]] = []  # audit-only checks
        self._worker: asyncio.Task[None] | None = None
        self.batches = 0
        self._inflight = 0
        self.seconds_per_text = 0.05  # running estimate, updated after every batch
        # One thread of our own, so the model's calls never queue behind other work in
        # asyncio's shared pool.
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="e5-safety")

    @property
    def backlog(self) -> int:
        """Texts waiting for or inside the model right now."""
        return len(self._queue) + self._inflight

    def expected_wait(self, extra: int = 0, *, first: bool = False) -> float:
        """Seconds until ``extra`` more urgent texts would be embedded, at recent speed
        (``first``: ahead of the queue, behind only the batch in the model)."""
        ahead = self._inflight if first else self.backlog
        return (ahead + extra + 1) * self.seconds_per_text

    def _load(self) -> Any:
        if self._model is None:
            from memory.e5_onnx import shared_model

            self._model = shared_model(self._threads)
        return self._model

    def embed_sync(self, texts: Sequence[str]) -> F32:
        """Blocking, for batch jobs and training: no queue, same cache."""
        out = np.zeros((len(texts), DIM), np.float32)
        todo = [i for i, t in enumerate(texts) if t[:MAX_CHARS] not in self._cache]
        model = self._load()
        for s in range(0, len(todo), self._max_batch):
            chunk = todo[s : s + self._max_batch]
            vecs = np.asarray(model.query([texts[i][:MAX_CHARS] for i in chunk]), np.float32)
            for i, v in zip(chunk, vecs.reshape(len(chunk), DIM), strict=True):
                self._remember(texts[i][:MAX_CHARS], v)
        for i, t in enumerate(texts):
            out[i] = self._cache[t[:MAX_CHARS]] if t[:MAX_CHARS] in self._cache else 0.0
        return out

    async def embed(self, texts: Sequence[str], *, urgent: bool = True, first: bool = False) -> F32:
        """``urgent=False``: only when nothing a reader is waiting for is queued;
        ``first``: ahead of every queued text (a reader is waiting on this one now)."""
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[F32]] = []
        for text in texts:
            key = text[:MAX_CHARS]
            fut: asyncio.Future[F32] = loop.create_future()
            if key in self._cache:
                self._cache.move_to_end(key)
                fut.set_result(self._cache[key])
            elif first:
                self._queue.insert(0, (key, fut))
            else:
                (self._queue if urgent else self._later).append((key, fut))
            futures.append(fut)
        if (self._queue or self._later) and (self._worker is None or self._worker.done()):
            self._worker = asyncio.create_task(self._drain())
        vecs = await asyncio.gather(*futures)
        return np.stack(vecs) if vecs else np.zeros((0, DIM), np.float32)

    async def _drain(self) -> None:
        while self._queue or self._later:
            if self._queue:
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            else:
                batch, self._later = self._later[: self._max_batch], self._later[self._max_batch :]
            keys = list(dict.fromkeys(k for k, _ in batch))
            self._inflight = len(keys)
            started = time.perf_counter()
            try:
                loop = asyncio.get_running_loop()
                vecs = await loop.run_in_executor(self._pool, self._embed_batch, keys)
                per_text = (time.perf_counter() - started) / len(keys)
                self.seconds_per_text = 0.8 * self.seconds_per_text + 0.2 * per_text
            except Exception as exc:  # the model failing must not hang every waiter
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            finally:
                self._inflight = 0
            self.batches += 1
            found = dict(zip(keys, vecs, strict=True))
            for key, fut in batch:
                self._remember(key, found[key])
                if not fut.done():
                    fut.set_result(found[key])

    def _embed_batch(self, keys: list[str]) -> list[F32]:
        vecs = np.asarray(self._load().query(keys), np.float32).reshape(len(keys), DIM)
        return list(vecs)

    def _remember(self, key: str, vec: F32) -> None:
        self._cache[key] = vec
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


class FakeEmbedder:
    """Deterministic pseudo-embeddings for tests of the plumbing (not of quality)."""

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.calls = 0

    def embed_sync(self, texts: Sequence[str]) -> F32:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows) if rows else np.zeros((0, DIM), np.float32)

    async def embed(self, texts: Sequence[str], *, urgent: bool = True, first: bool = False) -> F32:
        self.calls += 1
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return self.embed_sync(texts)


class PrecomputedEmbedder:
    """Serves vectors computed up front; anything else goes to the real model."""

    def __init__(self, vectors: dict[str, F32], fallback: E5Embedder) -> None:
        self.vectors = vectors
        self.fallback = fallback

    async def embed(self, texts: Sequence[str], *, urgent: bool = True, first: bool = False) -> F32:
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            for t, v in zip(missing, self.fallback.embed_sync(missing), strict=True):
                self.vectors[t] = v
        return np.stack([self.vectors[t] for t in texts])


def precompute(texts: Sequence[str], cache: Path | None, threads: int) -> PrecomputedEmbedder:
    """Embed a benchmark's texts once as the moderator would, disk-cached by content: a
    whole-list file (older caches) and a per-text store, so adding a few texts to a
    benchmark embeds only those."""
    from safety.normalize import normalize

    model = E5Embedder(threads=threads, max_batch=64)
    cleans = list(dict.fromkeys(normalize(t).clean for t in texts))
    if cache is None:
        return PrecomputedEmbedder(dict(zip(cleans, model.embed_sync(cleans), strict=True)), model)
    key = hashlib.sha1("\x00".join(cleans).encode("utf-8")).hexdigest()[:16]
    store = _TextStore(cache)
    path = cache / f"emb_{key}.npy"
    if path.exists():
        store.add(cleans, np.load(path))
    missing = [t for t in cleans if t not in store]
    if missing:
        print(f"embedding {len(missing)} of {len(cleans)} texts (cache: {cache})", file=sys.stderr)
        store.add(missing, model.embed_sync(missing))
    store.save()
    return PrecomputedEmbedder({t: store.get(t) for t in cleans}, model)


class _TextStore:
    """Vectors by sha1 of the text, in two files under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.keys_path = folder / "text_store_keys.npy"
        self.vecs_path = folder / "text_store_vecs.npy"
        keys = np.load(self.keys_path).tolist() if self.keys_path.exists() else []
        vecs = np.load(self.vecs_path) if self.vecs_path.exists() else np.zeros((0, DIM))
        self.rows: dict[str, F32] = dict(zip(keys, vecs.astype(np.float32), strict=True))
        self.dirty = False

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def __contains__(self, text: str) -> bool:
        return self._key(text) in self.rows

    def get(self, text: str) -> F32:
        return self.rows[self._key(text)]

    def add(self, texts: Sequence[str], vecs: F32) -> None:
        for t, v in zip(texts, vecs, strict=True):
            k = self._key(t)
            if k not in self.rows:
                self.rows[k] = np.asarray(v, np.float32)
                self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.keys_path.parent.mkdir(parents=True, exist_ok=True)
        np.save(self.keys_path, np.asarray(list(self.rows)))
        np.save(self.vecs_path, np.stack(list(self.rows.values())))
        self.dirty = False
