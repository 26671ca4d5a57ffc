"""Memories without a vector store: ``NullMemory`` and an in-process ``InMemoryMemory``.

``NullMemory`` is the spine's default until the chromadb store lands: it keeps
nothing and says so in the logs at start. ``InMemoryMemory`` keeps the reader's
own lines per scope and recalls by character overlap; it exists for tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from memory.base import MemoryScope, Recalled, TurnRecord


class NullMemory:
    async def recall(
        self, scope: MemoryScope, query: str, *, budget_tokens: int
    ) -> Sequence[Recalled]:
        return ()

    async def remember(self, scope: MemoryScope, turn: TurnRecord) -> None:
        return None


class InMemoryMemory:
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], list[Recalled]] = defaultdict(list)
        self.remembered: list[tuple[MemoryScope, TurnRecord]] = []

    async def recall(
        self, scope: MemoryScope, query: str, *, budget_tokens: int
    ) -> Sequence[Recalled]:
        items = self._items[(scope.reader_id, scope.card_id)]
        wanted = set(query.lower())
        scored = [(len(wanted & set(r.text.lower())), r) for r in items]
        scored.sort(key=lambda pair: pair[0], reverse=True)
        out, used = [], 0
        for score, item in scored:
            if score == 0 or used + len(item.text) // 2 > budget_tokens:
                continue
            out.append(item)
            used += len(item.text) // 2
        return out

    async def remember(self, scope: MemoryScope, turn: TurnRecord) -> None:
        self.remembered.append((scope, turn))
        self._items[(scope.reader_id, scope.card_id)].append(
            Recalled(id=turn.user_message_id, text=f"{turn.user_name}: {turn.user_text}")
        )
