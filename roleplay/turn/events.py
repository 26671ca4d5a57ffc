"""What a turn yields as it runs; the web layer turns each into a protocol frame."""

from __future__ import annotations

from dataclasses import dataclass, field

from roleplay.models import Message, TokenUsage


@dataclass(frozen=True, slots=True)
class Accepted:
    """The reader's message is stored: from here on it cannot be lost."""

    message: Message


@dataclass(frozen=True, slots=True)
class Started:
    """The character's reply exists (status "streaming") and text will follow."""

    message: Message


@dataclass(frozen=True, slots=True)
class Delta:
    message_id: str
    text: str


@dataclass(frozen=True, slots=True)
class Restarted:
    """The text sent so far broke character: drop it, a corrected reply follows."""

    message_id: str
    problems: list[str]


@dataclass(frozen=True, slots=True)
class Finished:
    """The reply is stored with its final status (complete, incomplete or blocked)."""

    message: Message
    usage: TokenUsage
    timing: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


TurnEvent = Accepted | Started | Delta | Restarted | Finished
