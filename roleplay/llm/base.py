"""The one interface every language-model backend implements.

A backend turns an ``LLMRequest`` (the rendered prompt plus a reference to the
character) into a stream of ``LLMChunk``s. Backends do no persistence and know
nothing about chats: the engine owns that.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class CanonLine:
    """A line the character really says, with what was said just before it (if known)."""

    text: str
    context: str = ""
    chapter: int | None = None


@dataclass(frozen=True, slots=True)
class CharacterRef:
    """Who is speaking. Remote models ignore it; the canon backend speaks its lines."""

    card_id: str
    name: str
    version: str
    lines: Sequence[CanonLine] = ()
    # The reader's chapter: lines from later chapters must not be spoken (spoilers).
    chapter_limit: int | None = None


@dataclass(frozen=True, slots=True)
class LLMRequest:
    messages: Sequence[ChatMessage]
    max_tokens: int = 512
    temperature: float = 0.8
    stop: Sequence[str] = ()
    character: CharacterRef | None = None
    user_name: str = ""


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class LLMChunk:
    """A piece of the reply. The last chunk of a stream carries ``usage`` and ``finish_reason``."""

    text: str = ""
    usage: Usage | None = None
    finish_reason: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class LLMBackend(Protocol):
    """Streams a reply. Raises ``roleplay.errors.LLMError`` subclasses, nothing else."""

    name: str

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMChunk]: ...

    async def aclose(self) -> None: ...
