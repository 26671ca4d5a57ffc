"""Canon: a novel's chapters as passages with provenance, searchable up to the reader's chapter.

The chapter filter is applied by the store (``scopes.canon_filter``) and again on
the lexical side, so a reader at chapter N never sees a passage from N+1 — a
spoiler is a leak too. Passages keep ``(work_id, chapter, offset)`` so a prompt
line can always be traced back to the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from memory.bank import Generations
from memory.embeddings import Embedder, Vectors
from memory.items import item_id
from memory.lexical import BM25
from memory.retrieval import fuse
from memory.scopes import canon_filter, canon_space, chapter_key
from memory.store import Record, VectorStore

_PARA = re.compile(r"\n\s*\n|\r?\n(?=\s)|\r?\n")
_SENT = re.compile(r"(?<=[。！？!?.…」”])")


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    work_id: str
    chapter: int
    offset: int
    text: str


def split_chapter(text: str, target_chars: int = 360) -> Iterator[tuple[int, str]]:
    """(offset, passage) pieces of about ``target_chars``, cut at paragraph or sentence ends."""
    start, buf = 0, ""
    pos = 0
    for piece in _pieces(text, target_chars):
        stripped = piece.strip()
        if stripped and not buf:
            start = pos + (len(piece) - len(piece.lstrip()))
        if stripped:
            buf = f"{buf}\n{stripped}" if buf else stripped
        pos += len(piece)
        if len(buf) >= target_chars:
            yield start, buf
            buf = ""
    if buf:
        yield start, buf


def _pieces(text: str, limit: int) -> Iterator[str]:
    last = 0
    for m in _PARA.finditer(text):
        yield from _sentences(text[last : m.end()], limit)
        last = m.end()
    yield from _sentences(text[last:], limit)


def _sentences(para: str, limit: int) -> Iterator[str]:
    if len(para) <= limit * 1.5:
        yield para
        return
    for sent in _SENT.split(para):
        while len(sent) > limit * 1.5:
            yield sent[:limit]
            sent = sent[limit:]
        yield sent


class CanonIndex:
    def __init__(
        self, store: VectorStore, embedder: Embedder, generations: Generations, prefix: str = "rp"
    ) -> None:
        self.store, self.embedder, self.generations = store, embedder, generations
        self.prefix = prefix
        self._lexical: dict[str, tuple[int | None, BM25, dict[str, Passage]]] = {}

    async def index(
        self, work_id: str, chapters: Sequence[tuple[int, str]], *, batch: int = 64
    ) -> int:
        """Index (or re-index) chapters; returns the number of passages written."""
        passages = [
            Passage(item_id(work_id, str(num), str(off)), work_id, num, off, text)
            for num, body in chapters
            for off, text in split_chapter(body)
        ]
        space = canon_space(self.prefix, work_id)
        for i in range(0, len(passages), batch):
            part = passages[i : i + batch]
            vectors = await self.embedder.passage([p.text for p in part])
            await self.store.upsert(space, [_record(p, vectors[n]) for n, p in enumerate(part)])
        await self._changed(work_id)
        return len(passages)

    async def remove(self, work_id: str, *, batch: int = 500) -> int:
        """Forget a work's passages (the work was deleted); returns how many went."""
        space = canon_space(self.prefix, work_id)
        ids = [r.id for r in await self.store.get(space, where=canon_filter(work_id, None))]
        for i in range(0, len(ids), batch):
            await self.store.delete(space, ids[i : i + batch])
        await self._changed(work_id)
        return len(ids)

    async def _changed(self, work_id: str) -> None:
        """Cached recall of the work (in every process, via the generation) is stale."""
        await self.generations.bump("canon:" + work_id)
        self._lexical.pop(work_id, None)

    async def search(
        self,
        work_id: str,
        chapter: int | None,
        query: str,
        vector: Vectors,
        *,
        limit: int = 8,
        rrf_k: int = 60,
    ) -> list[tuple[Passage, float]]:
        where = canon_filter(work_id, chapter)
        space = canon_space(self.prefix, work_id)
        dense = await self.store.query(space, vector, where=where, limit=limit * 3)
        bm25, passages = await self._mirror(work_id)
        allowed = [p.id for p in passages.values() if chapter is None or p.chapter <= chapter]
        lexical = bm25.search(query, limit * 3, allowed=allowed)
        found = {h.id: _passage(h.id, h.text, h.meta) for h in dense}
        found.update({i: passages[i] for i, _ in lexical})
        scores = fuse([[h.id for h in dense], [i for i, _ in lexical]], [1.0, 1.0], rrf_k)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        # The store already filtered dense hits; this re-check guards the lexical side too.
        return [(found[i], s) for i, s in ranked if chapter is None or found[i].chapter <= chapter][
            :limit
        ]

    async def _mirror(self, work_id: str) -> tuple[BM25, dict[str, Passage]]:
        gen = await self.generations.current("canon:" + work_id)
        cached = self._lexical.get(work_id)
        if cached is not None and gen is not None and cached[0] == gen:
            return cached[1], cached[2]
        space = canon_space(self.prefix, work_id)
        records = await self.store.get(space, where=canon_filter(work_id, None))
        passages = {r.id: _passage(r.id, r.text, r.meta) for r in records}
        bm25 = BM25()
        for p in passages.values():
            bm25.add(p.id, p.text)
        self._lexical[work_id] = (gen, bm25, passages)
        return bm25, passages


def _record(p: Passage, vector: Vectors) -> Record:
    meta: dict[str, str | int | float | bool] = {
        "kind": "canon",
        "work_id": p.work_id,
        "chapter": p.chapter,
        "work_chapter": chapter_key(p.work_id, p.chapter),
        "offset": p.offset,
    }
    return Record(p.id, p.text, meta, vector.tolist())


def _passage(pid: str, text: str, meta: dict[str, str | int | float | bool]) -> Passage:
    return Passage(pid, str(meta["work_id"]), int(meta["chapter"]), int(meta["offset"]), text)
