"""The memories panel on the reader page, against the app with its real memory (chromadb)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Page, expect
from redis.asyncio import Redis

from roleplay.llm.scripted import ScriptedLLM
from web.app import create_app
from web.runtime import RUNTIME

from .conftest import real_memory_settings
from .test_browser import browser, page, send, sign_in_and_open

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser", "page"]  # fixtures, imported to be shared


@pytest.fixture
async def client(redis_client: Redis, tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    await redis_client.flushdb()
    settings = real_memory_settings(tmp_path)
    app = create_app(settings, redis=redis_client, llm=ScriptedLLM(default="好，我记下了。"))
    async with TestClient(TestServer(app)) as c:
        yield c


async def test_a_reader_sees_and_forgets_what_the_character_remembers(
    page: Page, client: TestClient[Any, Any]
) -> None:
    await sign_in_and_open(page, client, "小雪")
    await send(page, "我最喜欢吃<b>桂花糕</b>。")
    last = page.locator("#messages li.msg.character.complete .text").last
    await expect(last).to_have_text("好，我记下了。")
    memory = client.server.app[RUNTIME].memory
    assert memory is not None and await memory.flush(60)

    await page.click("#memories summary")
    item = page.locator("#memory-list li.memory", has_text="桂花糕")
    await expect(item).to_have_count(1)
    assert await page.locator("#memory-list b").count() == 0  # markup stays text
    await item.locator("button.forget").click()
    await expect(item).to_have_count(0)
    # Gone on the server too, not just from the page.
    await page.click("#memories summary")
    await page.click("#memories summary")
    await expect(page.locator("#memory-list li.hint")).to_have_text(
        "Nothing yet: facts about you appear here as you talk."
    )
    assert await page.locator("#memory-list li.memory", has_text="桂花糕").count() == 0
