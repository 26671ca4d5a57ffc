"""Per-reader mirrors of the store: item metadata and a BM25 index, kept in process memory.

chromadb (embedded) has no lexical ranking, and neighbouring-turn windows need
the conversation order; both are cheap on one reader's few thousand items held
locally. A mirror is loaded from the store on first use and trusted only while
its *generation* matches the shared counter bumped by every write (in Redis), so
several workers never serve a stale mirror after another one wrote.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from memory.items import MemoryItem
from memory.lexical import BM25


class ReaderMirror:
    """Every memory of one reader (all characters), in conversation order per chat."""

    def __init__(self, items: Iterable[MemoryItem], generation: int) -> None:
        self.generation = generation
        self.items: dict[str, MemoryItem] = {}
        self.bm25 = BM25()
        self._chats: dict[str, list[str]] | None = None
        # What every write consults (facts to reconcile, a chat's summaries), kept apart so
        # a write does not scan all of a reader's memories.
        self._facts: dict[str, MemoryItem] = {}
        self._summaries: dict[str, dict[str, MemoryItem]] = {}
        for item in items:
            self.put(item)

    def put(self, item: MemoryItem) -> None:
        known = item.id in self.items
        if known:
            self._unindex(self.items[item.id])
        self.items[item.id] = item
        self.bm25.add(item.id, lexical_text(item))
        if item.kind == "fact":
            self._facts[item.id] = item
        elif item.kind == "summary":
            self._summaries.setdefault(item.chat_id, {})[item.id] = item
        if self._chats is None or item.kind != "turn":
            return
        if known:
            self._chats = None  # an edited turn may have moved; rare, so rebuild
            return
        # New turns arrive at the end of their chat almost always: insert, don't re-sort.
        order = self._chats.setdefault(item.chat_id, [])
        bisect.insort(order, item.id, key=lambda i: (self.items[i].seq, self.items[i].at))

    def drop(self, item_id: str) -> None:
        item = self.items.pop(item_id, None)
        if item is not None:
            self._unindex(item)
            self.bm25.remove(item_id)
            self._chats = None

    def _unindex(self, item: MemoryItem) -> None:
        self._facts.pop(item.id, None)
        self._summaries.get(item.chat_id, {}).pop(item.id, None)

    def facts(self) -> list[MemoryItem]:
        return list(self._facts.values())

    def chat(self, chat_id: str) -> list[MemoryItem]:
        """The turns of ``chat_id`` in order, then its summaries."""
        turns = [self.items[i] for i in self._order().get(chat_id, [])]
        return [*turns, *self._summaries.get(chat_id, {}).values()]

    def previous_turn(self, chat_id: str, seq: int) -> MemoryItem | None:
        """The last turn of ``chat_id`` before position ``seq`` (what a new message answers)."""
        order = self._order().get(chat_id, [])
        earlier = [self.items[i] for i in order if self.items[i].seq < seq]
        return earlier[-1] if earlier else None

    def _order(self) -> dict[str, list[str]]:
        if self._chats is None:
            chats: dict[str, list[MemoryItem]] = {}
            for it in self.items.values():
                if it.kind == "turn":
                    chats.setdefault(it.chat_id, []).append(it)
            self._chats = {
                c: [i.id for i in sorted(v, key=lambda i: (i.seq, i.at))] for c, v in chats.items()
            }
        return self._chats

    def neighbours(self, item: MemoryItem, radius: int) -> list[MemoryItem]:
        """The turns around ``item`` in its chat (itself included), oldest first."""
        if item.kind != "turn" or radius <= 0:
            return [item]
        order = self._order().get(item.chat_id, [item.id])
        pos = order.index(item.id) if item.id in order else 0
        picked = order[max(0, pos - radius) : pos + radius + 1]
        return [self.items[i] for i in picked if i in self.items]


def lexical_text(item: MemoryItem) -> str:
    # The speaker's name is searchable: questions name people ("what did Anna say about...").
    return f"{item.speaker} {item.text}" if item.speaker else item.text


Loader = Callable[[], Awaitable[list[MemoryItem]]]


class MirrorCache:
    """A bounded LRU of reader mirrors; capacity bounds memory (≈ 1–2 kB per item)."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._mirrors: OrderedDict[str, ReaderMirror] = OrderedDict()
        self.loads = 0

    async def get(self, reader_id: str, generation: int | None, load: Loader) -> ReaderMirror:
        mirror = self._mirrors.get(reader_id)
        if mirror is None or generation is None or mirror.generation != generation:
            mirror = ReaderMirror(await load(), generation if generation is not None else -1)
            self.loads += 1
            self._mirrors[reader_id] = mirror
            while len(self._mirrors) > self.capacity:
                self._mirrors.popitem(last=False)
        self._mirrors.move_to_end(reader_id)
        return mirror

    def peek(self, reader_id: str) -> ReaderMirror | None:
        return self._mirrors.get(reader_id)

    def forget(self, reader_id: str) -> None:
        self._mirrors.pop(reader_id, None)

    def advance(self, reader_id: str, after: int) -> ReaderMirror | None:
        """After our own write moved the counter to ``after``: keep the mirror only if no other
        writer slipped in since it was loaded (then the caller patches it in place)."""
        mirror = self._mirrors.get(reader_id)
        if mirror is None:
            return None
        if mirror.generation != after - 1:
            self.forget(reader_id)
            return None
        mirror.generation = after
        return mirror
