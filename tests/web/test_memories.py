"""Long-term memory through the real server: embedded chromadb, the bundled e5 model,
the Redis write queue; reader control over REST and the websocket; canon by chapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from roleplay.llm.scripted import ScriptedLLM
from tests.characters.extract.conftest import ZH_STORY
from web.app import create_app
from web.editor import EDITOR
from web.runtime import RUNTIME

from .conftest import new_chat, real_memory_settings

pytestmark = pytest.mark.slow  # loads the embedding model and chromadb


@pytest.fixture
async def real(
    redis_client: Redis, llm: ScriptedLLM, tmp_path: Path
) -> AsyncIterator[TestClient[Any, Any]]:
    await redis_client.flushdb()  # the write queue stream must not see other tests' entries
    settings = real_memory_settings(tmp_path)
    app = create_app(settings, redis=redis_client, llm=llm)
    async with TestClient(TestServer(app)) as c:
        yield c


async def _reader(c: TestClient[Any, Any], name: str) -> dict[str, str]:
    resp = await c.post("/api/readers", json={"name": name})
    assert resp.status == 201, await resp.text()
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def _say(c: TestClient[Any, Any], headers: dict[str, str], chat_id: str, text: str) -> None:
    resp = await c.post(f"/api/chats/{chat_id}/messages", json={"text": text}, headers=headers)
    assert resp.status == 200, await resp.text()


async def _flush(c: TestClient[Any, Any]) -> None:
    memory = c.server.app[RUNTIME].memory
    assert memory is not None
    assert await memory.flush(60)


async def _memories(c: TestClient[Any, Any], headers: dict[str, str]) -> list[dict[str, Any]]:
    resp = await c.get("/api/memories", headers=headers)
    assert resp.status == 200, await resp.text()
    items: list[dict[str, Any]] = (await resp.json())["memories"]
    return items


async def test_a_character_remembers_the_reader_in_a_new_chat_and_forgets_on_request(
    real: TestClient[Any, Any], llm: ScriptedLLM
) -> None:
    alice = await _reader(real, "Alice")
    chat = await new_chat(real, alice)
    await _say(real, alice, chat["chat"]["id"], "我叫小雪，我最喜欢吃桂花糕。")
    await _flush(real)

    facts = [m for m in await _memories(real, alice) if "桂花糕" in m["text"]]
    assert facts, "the preference was not remembered"

    second = await new_chat(real, alice)
    await _say(real, alice, second["chat"]["id"], "你还记得我喜欢吃什么吗？")
    prompt = "\n".join(m.content for m in llm.requests[-1].messages)
    assert "桂花糕" in prompt

    ids = [m["id"] for m in await _memories(real, alice) if "桂花糕" in m["text"]]
    for memory_id in ids:
        resp = await real.delete(f"/api/memories/{memory_id}", headers=alice)
        assert resp.status in (200, 404)  # a fact may go with the turn it came from
    assert not [m for m in await _memories(real, alice) if "桂花糕" in m["text"]]
    await _say(real, alice, second["chat"]["id"], "我喜欢吃什么来着？")
    prompt = "\n".join(m.content for m in llm.requests[-1].messages)
    assert "桂花糕" not in prompt


async def test_one_reader_never_sees_or_touches_anothers_memories(
    real: TestClient[Any, Any],
) -> None:
    alice, bob = await _reader(real, "Alice"), await _reader(real, "Bob")
    chat = await new_chat(real, alice)
    await _say(real, alice, chat["chat"]["id"], "我叫小雪，我的生日是三月初七。")
    await _flush(real)
    mine = await _memories(real, alice)
    assert mine

    assert await _memories(real, bob) == []
    search = await real.get(
        "/api/memories/search",
        params={"card_id": "lin-qingyu", "q": "小雪 生日 三月初七"},
        headers=bob,
    )
    assert (await search.json())["memories"] == []
    for m in mine:
        assert (await real.delete(f"/api/memories/{m['id']}", headers=bob)).status == 404
        patch = await real.patch(f"/api/memories/{m['id']}", json={"text": "x"}, headers=bob)
        assert patch.status == 404
    assert len(await _memories(real, alice)) == len(mine)


async def test_edit_export_and_websocket_control(real: TestClient[Any, Any]) -> None:
    alice = await _reader(real, "Alice")
    chat = await new_chat(real, alice)
    await _say(real, alice, chat["chat"]["id"], "我叫小雪。")
    await _flush(real)
    [fact] = [m for m in await _memories(real, alice) if m["kind"] == "fact"]

    resp = await real.patch(
        f"/api/memories/{fact['id']}", json={"text": "她叫小雪儿"}, headers=alice
    )
    assert resp.status == 200 and (await resp.json())["memory"]["text"] == "她叫小雪儿"
    export = await (await real.get("/api/memories/export", headers=alice)).json()
    assert any(m["text"] == "她叫小雪儿" for m in export["memories"])
    bad = await real.delete("/api/memories", headers=alice)
    assert bad.status == 400 and "confirm=true" in (await bad.json())["error"]["message"]

    async with real.ws_connect("/ws", headers=alice) as ws:
        assert (await ws.receive_json())["type"] == "hello"
        assert (await ws.receive_json())["type"] == "ready"
        await ws.send_json({"type": "memory.list", "id": "m1", "card_id": "lin-qingyu"})
        listed = await ws.receive_json()
        assert listed["type"] == "memories" and listed["id"] == "m1"
        assert any(m["text"] == "她叫小雪儿" for m in listed["memories"])
        await ws.send_json({"type": "memory.delete", "id": "m2", "memory_ids": [fact["id"]]})
        assert (await ws.receive_json()) == {"type": "memory.deleted", "id": "m2", "deleted": 1}
        await ws.send_json({"type": "memory.delete", "id": "m3", "memory_ids": ["nope"]})
        error = await ws.receive_json()
        assert error["type"] == "error" and error["code"] == "not_found"


async def test_canon_passages_stop_at_the_readers_chapter(
    real: TestClient[Any, Any], llm: ScriptedLLM, tmp_path: Path
) -> None:
    admin = {"Authorization": "Bearer " + (tmp_path / "admin-token").read_text().strip()}
    chapters = [
        {"chapter": 1, "text": "第一章。林清羽在青云山下的竹林里练剑，剑名叫做秋水。"},
        {
            "chapter": 9,
            "text": "第九章。林清羽得知师父其实是魔教的旧日护法，剑名叫做秋水的那柄剑断了。",
        },
    ]
    resp = await real.post(
        "/api/works/qingyun-wenjian/canon", json={"chapters": chapters}, headers=admin
    )
    assert resp.status == 201, await resp.text()
    reader = await _reader(real, "Reader")
    forbidden = await real.post(
        "/api/works/qingyun-wenjian/canon", json={"chapters": chapters}, headers=reader
    )
    assert forbidden.status == 403

    chat = await new_chat(real, reader, chapter=1)
    await _say(real, reader, chat["chat"]["id"], "你的剑叫什么名字？秋水剑后来怎样了？")
    prompt = "\n".join(m.content for m in llm.requests[-1].messages)
    assert "竹林里练剑" in prompt
    assert "魔教" not in prompt


async def test_an_extracted_work_becomes_canon_up_to_the_readers_chapter(
    real: TestClient[Any, Any], llm: ScriptedLLM, tmp_path: Path
) -> None:
    admin = {"Authorization": "Bearer " + (tmp_path / "admin-token").read_text().strip()}
    form = aiohttp.FormData()
    form.add_field("file", ZH_STORY.encode(), filename="qingshi.txt", content_type="text/plain")
    resp = await real.post("/api/works", data=form, headers=admin, params={"work": "qingshi"})
    assert resp.status == 202, await resp.text()
    job_id = (await resp.json())["job"]["id"]
    for _ in range(600):
        job = (await (await real.get(f"/api/jobs/{job_id}", headers=admin)).json())["job"]
        if job["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "done", job
    canon = real.server.app[EDITOR].canon
    assert canon is not None
    await canon.wait("qingshi")
    assert (await real.post("/api/works/qingshi/publish", headers=admin)).status == 200

    reader = await _reader(real, "Reader")
    chat = await new_chat(real, reader, "qingshi-c0", chapter=1)
    await _say(real, reader, chat["chat"]["id"], "黑风寨的寨主赵铁臂是谁？茶棚里的老张头呢？")
    prompt = "\n".join(m.content for m in llm.requests[-1].messages)
    assert "[canon, ch. 1]" in prompt and "茶棚" in prompt
    assert "ch. 2]" not in prompt and "黑风寨的寨主名叫" not in prompt

    # Deleting the work takes its canon with it: no recall quotes a book that is gone.
    assert (await real.delete("/api/works/qingshi", headers=admin)).status == 200
    memory = real.server.app[RUNTIME].memory
    assert memory is not None and await memory.forget_canon("qingshi") == 0
