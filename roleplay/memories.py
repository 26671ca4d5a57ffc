"""What a reader may do with their own memories: list, search, edit, delete, export.

One service for the REST handlers and the websocket. The reader id always comes
from authentication; ``memory.control`` opens only that reader's collection, so
another reader's memory id is simply not found. Errors are translated into the
engine's exception tree, with what to do next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import structlog

from characters.store import CardStore
from memory.control import MemoryControl, MemoryNotFoundError
from memory.service import LongTermMemory
from memory.store import StoreUnavailableError
from roleplay.errors import InvalidInput, NotFound, StoreUnavailable
from roleplay.models import Reader

log = structlog.get_logger("roleplay.memories")
T = TypeVar("T")
Item = dict[str, Any]


class ReaderMemories:
    def __init__(self, memory: LongTermMemory | None, cards: CardStore) -> None:
        self.memory = memory
        self.cards = cards

    async def list_memories(
        self, reader: Reader, *, card_id: str | None = None, history: bool = True
    ) -> list[Item]:
        control = self._control()
        return await _call(
            control.list_memories(reader.id, card_id=card_id, include_history=history)
        )

    async def search(self, reader: Reader, card_id: str, query: str, limit: int = 20) -> list[Item]:
        query = query.strip()
        if not query:
            raise InvalidInput("Say what to search for: the query is empty.")
        stored = await self.cards.get(card_id)  # NotFound for an unknown character
        work = stored.card.novel.work
        work_id = (work.id or None) if work is not None else None
        control = self._control()
        return await _call(
            control.search(reader.id, card_id, query[:500], work_id=work_id, limit=limit)
        )

    async def edit(self, reader: Reader, memory_id: str, text: str) -> Item:
        return await _call(self._control().edit(reader.id, memory_id, text))

    async def delete(self, reader: Reader, memory_ids: Sequence[str]) -> int:
        if not memory_ids:
            raise InvalidInput("Name at least one memory to delete (memory_ids).")
        count = await _call(self._control().delete(reader.id, list(memory_ids)))
        if count == 0:
            raise NotFound("None of those memories exist (they may be deleted already).")
        log.info("memories_deleted", reader_id=reader.id, count=count)
        return count

    async def delete_all(self, reader: Reader, *, card_id: str | None = None) -> int:
        count = await _call(self._control().delete_all(reader.id, card_id=card_id))
        log.info("memories_deleted", reader_id=reader.id, count=count, card_id=card_id)
        return count

    async def export(self, reader: Reader) -> dict[str, object]:
        return await _call(self._control().export(reader.id))

    def _control(self) -> MemoryControl:
        if self.memory is None:
            raise StoreUnavailable(
                "Long-term memory is turned off on this server (ROLEPLAY_MEMORY_ENABLED=0)."
            )
        return self.memory.control


async def _call(call: Awaitable[T]) -> T:
    try:
        return await call
    except MemoryNotFoundError as exc:
        raise NotFound(
            "No such memory (it may have been deleted); list your memories to see their ids."
        ) from exc
    except ValueError as exc:
        raise InvalidInput(f"{exc}.") from exc
    except (StoreUnavailableError, OSError, TimeoutError) as exc:
        raise StoreUnavailable(
            "The memory store is not answering right now; your memories are safe, try again "
            "in a minute."
        ) from exc
