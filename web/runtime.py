"""What every handler can reach: the runtime built by the app factory, under one AppKey."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from redis.asyncio import Redis

from characters.store import CardStore
from memory.service import LongTermMemory
from roleplay.llm.base import LLMBackend
from roleplay.memories import ReaderMemories
from roleplay.settings import Settings
from roleplay.store.readers import ReaderStore
from roleplay.store.reviews import PersonaReviews
from roleplay.turn.service import ChatService
from safety.policystore import RedisPolicyBook
from safety.review import ReviewQueue


@dataclass(slots=True)
class Runtime:
    """Everything the handlers use, built once per app in the cleanup context."""

    settings: Settings
    service: ChatService
    readers: ReaderStore
    cards: CardStore
    redis: Redis
    llm: LLMBackend
    memory: LongTermMemory | None = None  # None: memory is off or a test fake is in use
    memories: ReaderMemories = field(init=False)
    reviews: ReviewQueue | None = None
    persona_reviews: PersonaReviews | None = None
    policies: RedisPolicyBook | None = None
    sockets: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)
    turns: set[asyncio.Task[None]] = field(default_factory=set)
    admin_token_file: Path | None = None

    def __post_init__(self) -> None:
        self.memories = ReaderMemories(self.memory, self.cards)


RUNTIME = web.AppKey("runtime", Runtime)
