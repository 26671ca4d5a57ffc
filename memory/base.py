"""The interface the turn pipeline calls: recall before the prompt (stage 2), remember after (8).

A ``MemoryScope`` is built by the engine from the authenticated reader, never
from anything the reader typed; stores must filter every query by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

Kind = Literal["fact", "summary", "canon", "turn"]


@dataclass(frozen=True, slots=True)
class MemoryScope:
    reader_id: str
    card_id: str
    work_id: str | None = None
    chapter: int | None = None


@dataclass(frozen=True, slots=True)
class Recalled:
    id: str
    text: str
    kind: Kind = "fact"
    score: float = 0.0
    meta: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One finished exchange, handed to the memory writer after the reply."""

    chat_id: str
    user_message_id: str
    reply_message_id: str
    user_name: str
    character_name: str
    user_text: str
    reply_text: str
    at: float


class Memory(Protocol):
    async def recall(
        self, scope: MemoryScope, query: str, *, budget_tokens: int
    ) -> Sequence[Recalled]: ...

    async def remember(self, scope: MemoryScope, turn: TurnRecord) -> None: ...
