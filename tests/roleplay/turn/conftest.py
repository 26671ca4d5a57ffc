"""A ChatService's parts on real Redis with the sample cards, the scripted LLM and fakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from redis.asyncio import Redis

from characters.store import CardStore
from memory.simple import InMemoryMemory
from roleplay.llm.scripted import ScriptedLLM
from roleplay.settings import Settings
from roleplay.store.chats import ChatStore
from roleplay.store.ratelimit import RateLimiter
from roleplay.tokens import get_tokenizer
from roleplay.turn.consistency import MarkerChecker
from roleplay.turn.service import Services
from safety.patterns import PatternModerator


@pytest.fixture
async def parts(redis_client: Redis, tmp_path: Path) -> tuple[Services, Settings]:
    settings = Settings(data_dir=tmp_path)
    cards = CardStore(redis_client)
    await cards.seed()
    services = Services(
        chats=ChatStore(redis_client),
        cards=cards,
        llm=ScriptedLLM(default="好。"),
        moderator=PatternModerator(),
        memory=InMemoryMemory(),
        consistency=MarkerChecker(),
        limiter=RateLimiter(redis_client, per_minute=100),
        tokenizer=get_tokenizer(),
    )
    return services, settings
