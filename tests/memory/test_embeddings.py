"""The e5 embedder: its own threads, and queries cut to a bounded number of tokens."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from memory.embeddings import (
    E5Embedder,
    ForeignLoad,
    HashEmbedder,
    embed_query,
    model_busy,
    tail,
)


def words(text: str) -> int:
    return len(text.split())


def test_tail_keeps_the_end_that_fits_and_starts_at_a_word() -> None:
    text = " ".join(f"w{i}" for i in range(100))
    cut = tail(text, 10, words)
    assert cut == " ".join(f"w{i}" for i in range(90, 100))
    assert tail("short message", 10, words) == "short message"
    chars = "你还记得我上次说的那本书吗" * 20
    assert tail(chars, 12, len) == chars[-12:]


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder(num_threads=2)


async def test_long_queries_are_embedded_by_their_last_tokens(e5: E5Embedder) -> None:
    long = "I sat by the fire for a long time and said nothing at all. " * 12
    question = long + "Do you remember the name of my sister?"
    clipped = await e5.query([question], max_tokens=32)
    kept = tail(question, 32, e5.query_tokens)
    assert kept.endswith("my sister?") and e5.query_tokens(kept) <= 32 < e5.query_tokens(question)
    assert np.allclose(clipped, await e5.query([kept]), atol=1e-5)
    short = "你还记得我上次说的那本书吗？"
    assert np.allclose(await embed_query(e5, short, 64), await e5.query([short]), atol=1e-5)


async def test_model_calls_run_on_the_embedders_own_threads(e5: E5Embedder) -> None:
    seen = {
        await e5._reader.run(lambda: threading.current_thread().name),
        await e5._writer.run(lambda: threading.current_thread().name),
    }
    assert {name.split("_")[0] for name in seen} == {"e5-query", "e5-passage"}
    assert e5.query_sync(["hi"]).shape == (1, 384)
    assert e5.passage_sync(["hi", "there"]).shape == (2, 384)


async def test_other_embedders_get_the_whole_query() -> None:
    fake = HashEmbedder()
    text = "a " * 500
    assert np.array_equal(await embed_query(fake, text, 8), await fake.query([text]))


class Busy:
    def __init__(self, cores: float | None) -> None:
        self.cores = cores

    def update(self) -> float | None:
        return self.cores


async def test_queries_use_fewer_threads_while_other_processes_are_busy() -> None:
    e5 = E5Embedder(num_threads=2)
    e5._reader._load = Busy(0.0)  # type: ignore[assignment]
    await e5.query(["hello"])
    e5._reader._load = Busy(1.2)  # type: ignore[assignment]
    await e5.query(["hello"])
    e5._reader._load = Busy(None)  # type: ignore[assignment]  # no /proc/stat: as configured
    await e5.query(["hello"])
    assert e5.query_threads == {2: 2, 1: 1}
    load = ForeignLoad(window_s=0.0)
    load.update()
    assert load.cores is None or load.cores >= 0.0


async def test_queries_leave_a_core_to_another_model_call_in_the_process() -> None:
    e5 = E5Embedder(num_threads=2)
    e5._reader._load = Busy(0.0)  # type: ignore[assignment]
    with model_busy():  # e.g. the moderation model screening the same turn's message
        await e5.query(["hello"])
    await e5.query(["hello"])
    assert e5.query_threads == {1: 1, 2: 1}
