"""An app on real Redis with the scripted LLM, and helpers to sign readers in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from memory.simple import InMemoryMemory
from roleplay.llm.scripted import ScriptedLLM
from roleplay.settings import Settings
from web.app import create_app

SAMPLE = "lin-qingyu"


@pytest.fixture
def llm() -> ScriptedLLM:
    return ScriptedLLM(default="在下林清羽，见过道友。")


@pytest.fixture
def memory() -> InMemoryMemory:
    return InMemoryMemory()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, turns_per_minute=1000, ws_frames_per_second=50)


def real_memory_settings(tmp_path: Path) -> Settings:
    """For an app on the real long-term memory. Generous recall budgets: on a loaded 2-core
    CI box the query vector can miss the 0.25 s default (the turn then recalls by words
    alone, and canon needs the vector); these tests are about what is recalled, not when."""
    return Settings(
        data_dir=tmp_path,
        turns_per_minute=1000,
        ws_frames_per_second=50,
        memory_timeout_s=30,
        memory_dense_budget_s=30,
    )


@pytest.fixture
async def client(
    redis_client: Redis, llm: ScriptedLLM, memory: InMemoryMemory, settings: Settings
) -> AsyncIterator[TestClient[Any, Any]]:
    app = create_app(settings, redis=redis_client, llm=llm, memory=memory)
    async with TestClient(TestServer(app)) as c:
        yield c


SignIn = Callable[[str], Awaitable[tuple[str, dict[str, str]]]]


@pytest.fixture
def sign_in(client: TestClient[Any, Any]) -> SignIn:
    async def _sign_in(name: str) -> tuple[str, dict[str, str]]:
        resp = await client.post("/api/readers", json={"name": name})
        assert resp.status == 201, await resp.text()
        token = (await resp.json())["token"]
        return token, {"Authorization": f"Bearer {token}"}

    return _sign_in


async def new_chat(
    client: TestClient[Any, Any], headers: dict[str, str], card_id: str = SAMPLE, **extra: Any
) -> dict[str, Any]:
    resp = await client.post("/api/chats", json={"card_id": card_id, **extra}, headers=headers)
    assert resp.status == 201, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data
