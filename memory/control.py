"""Reader control: list, search, edit, delete and export one's own memories.

Every method takes the *authenticated* reader id (from the web layer, never from
the request body) and only ever opens that reader's collection, so an id that
belongs to someone else simply is not found. Deleting is thorough: the item
goes, facts derived only from a deleted message go, and every summary quoting a
deleted message is rewritten without it; mirrors reload, so no future prompt
sees it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from memory.bank import MemoryBank
from memory.base import MemoryScope
from memory.embeddings import Vectors
from memory.items import MemoryItem, line
from memory.mirror import ReaderMirror
from memory.summary import Summarizer

Search = Callable[[MemoryScope, str, Vectors | None], Awaitable[list[tuple[MemoryItem, float]]]]


class MemoryNotFoundError(LookupError):
    """No such memory for this reader (or it belongs to someone else: we do not say which)."""


class MemoryControl:
    def __init__(self, bank: MemoryBank, summarizer: Summarizer, search: Search) -> None:
        self.bank = bank
        self.summarizer = summarizer
        self._search = search

    async def list_memories(
        self, reader_id: str, *, card_id: str | None = None, include_history: bool = True
    ) -> list[dict[str, object]]:
        mirror = await self.bank.mirror(reader_id)
        items = [
            i
            for i in mirror.items.values()
            if (card_id is None or i.card_id == card_id) and (include_history or i.current)
        ]
        items.sort(key=lambda i: (i.at, i.seq), reverse=True)
        return [i.public() for i in items]

    async def search(
        self,
        reader_id: str,
        card_id: str,
        query: str,
        *,
        work_id: str | None = None,
        limit: int = 20,
    ) -> list[dict[str, object]]:
        scope = MemoryScope(reader_id=reader_id, card_id=card_id, work_id=work_id)
        ranked = await self._search(scope, query, None)
        return [{**item.public(), "score": round(score, 6)} for item, score in ranked[:limit]]

    async def edit(self, reader_id: str, memory_id: str, text: str) -> dict[str, object]:
        text = text.strip()
        if not text:
            raise ValueError("a memory cannot be empty; delete it instead")
        mirror = await self.bank.mirror(reader_id)
        item = mirror.items.get(memory_id)
        if item is None:
            raise MemoryNotFoundError(memory_id)
        edited = item.with_(text=text[:2000], edited=True)
        await self.bank.put(reader_id, [edited], _context(mirror, [edited]))
        return edited.public()

    async def delete(self, reader_id: str, memory_ids: Sequence[str]) -> int:
        """Delete memories and everything that quotes them; returns how many items went."""
        mirror = await self.bank.mirror(reader_id)
        targets = [mirror.items[i] for i in memory_ids if i in mirror.items]
        if not targets:
            return 0
        gone = {t.id for t in targets}
        dead_turns = {s for t in targets if t.kind == "turn" for s in t.sources}
        quoted = {s for t in targets if t.kind in ("turn", "fact") for s in t.sources}
        for item in mirror.items.values():
            # A fact learned from a deleted message would keep the deleted content alive;
            # privacy wins over keeping a fact that was also said elsewhere.
            if item.kind == "fact" and set(item.sources) & dead_turns:
                gone.add(item.id)
        remaining = [i for i in mirror.items.values() if i.id not in gone]
        rewritten: list[MemoryItem] = []
        for summary in [i for i in remaining if i.kind == "summary"]:
            if not quoted & set(summary.sources):
                continue
            lines = [i for i in remaining if not (set(i.sources) & quoted)]
            rebuilt = await self.summarizer.rebuild(summary, lines)
            if rebuilt is None:
                gone.add(summary.id)
            else:
                rewritten.append(rebuilt)
        # A turn's vector also encodes the line before it: re-embed the turns that followed
        # a deleted one, so the deleted words leave no trace in any vector either.
        followers = [
            after
            for t in targets
            if t.kind == "turn"
            for after in mirror.neighbours(t, 1)[-1:]
            if after.id not in gone and after.seq > t.seq
        ]
        await self.bank.remove(reader_id, sorted(gone))
        for item_id in gone:
            mirror.drop(item_id)
        await self.bank.put(reader_id, [*rewritten, *followers], _context(mirror, followers))
        self.bank.mirrors.forget(reader_id)
        return len(gone)

    async def delete_all(self, reader_id: str, *, card_id: str | None = None) -> int:
        mirror = await self.bank.mirror(reader_id)
        ids = [i.id for i in mirror.items.values() if card_id is None or i.card_id == card_id]
        await self.bank.remove(reader_id, ids)
        self.bank.mirrors.forget(reader_id)
        return len(ids)

    async def export(self, reader_id: str) -> dict[str, object]:
        """Everything remembered about the reader, history included, as plain JSON."""
        return {
            "reader_id": reader_id,
            "exported_at": time.time(),
            "memories": await self.list_memories(reader_id, include_history=True),
        }


def _context(mirror: ReaderMirror, turns: Sequence[MemoryItem]) -> dict[str, str]:
    out = {}
    for t in turns:
        before = mirror.previous_turn(t.chat_id, t.seq) if t.kind == "turn" else None
        if before is not None:
            out[t.id] = line(before)
    return out
