"""The chromadb store keeps texts in the metadata, and still reads records written before."""

from __future__ import annotations

import numpy as np

from memory.chroma import TEXT_KEY, ChromaStore
from memory.store import Record


async def test_texts_round_trip_and_old_records_still_read(chroma_store: ChromaStore) -> None:
    vec = np.ones(8, dtype=np.float32) / np.sqrt(8)
    await chroma_store.upsert("t-chroma", [Record("new", "你好 hello", {"k": "v"}, vec.tolist())])
    old = {"ids": ["old"], "documents": ["written before"], "metadatas": [{"k": "v"}]}
    await chroma_store._call(
        "upsert", "t-chroma", lambda c: c.upsert(**old, embeddings=[vec.tolist()])
    )
    got = {r.id: r for r in await chroma_store.get("t-chroma", where={"k": "v"})}
    assert (got["new"].text, got["new"].meta) == ("你好 hello", {"k": "v"})
    assert (got["old"].text, got["old"].meta) == ("written before", {"k": "v"})
    hits = await chroma_store.query("t-chroma", vec, where={"k": "v"}, limit=5)
    assert {h.id: h.text for h in hits} == {"new": "你好 hello", "old": "written before"}
    raw = await chroma_store._call("get", "t-chroma", lambda c: c.get(ids=["new"]))
    assert raw["documents"] == [None] and raw["metadatas"][0][TEXT_KEY] == "你好 hello"
