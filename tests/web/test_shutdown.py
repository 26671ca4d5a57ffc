"""Graceful shutdown: replies in flight finish within the grace period or are stored incomplete."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import unused_port
from redis.asyncio import Redis

from roleplay.llm.scripted import ScriptedLLM
from roleplay.settings import Settings
from web.app import create_app


async def _start_turn(url: str, http: aiohttp.ClientSession, text: str) -> tuple[Any, str, str]:
    token = (await (await http.post(f"{url}/api/readers", json={"name": "x"})).json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    chat = (
        await (
            await http.post(f"{url}/api/chats", json={"card_id": "lin-qingyu"}, headers=auth)
        ).json()
    )["chat"]
    ws = await http.ws_connect(f"{url}/ws", headers=auth)
    await ws.receive_json()
    await ws.receive_json()
    await ws.send_json({"type": "send", "id": "t", "chat_id": chat["id"], "text": text})
    while (await ws.receive_json())["type"] != "chunk":
        pass
    return ws, chat["id"], token


async def test_shutdown_finishes_short_replies_and_stops_long_ones(
    redis_client: Redis, tmp_path: Path
) -> None:
    llm = ScriptedLLM(tokens_per_s=20)
    llm.enqueue("短 " * 15, "长 " * 2000)
    settings = Settings(data_dir=tmp_path, shutdown_grace_s=2.0)
    runner = web.AppRunner(create_app(settings, redis=redis_client, llm=llm))
    await runner.setup()
    port = unused_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        short_ws, short_chat, short_token = await _start_turn(url, http, "短的")
        long_ws, long_chat, long_token = await _start_turn(url, http, "长的")
        await runner.cleanup()
        close = await long_ws.receive()
        while close.type == aiohttp.WSMsgType.TEXT:
            close = await long_ws.receive()
        assert close.type == aiohttp.WSMsgType.CLOSE and close.data == 1001  # going away
        await short_ws.close()
        await long_ws.close()
    # The server is gone; read what it left in Redis.
    replies = {}
    for chat_id in (short_chat, long_chat):
        ids = await redis_client.lrange(f"rp:chat:{chat_id}:order", 0, -1)
        replies[chat_id] = [await redis_client.hget(f"rp:chat:{chat_id}:msgs", i) for i in ids]
    assert '"status":"complete"' in replies[short_chat][-1]
    assert '"status":"incomplete"' in replies[long_chat][-1]
    assert '"长的"' in replies[long_chat][-2]
    assert not await redis_client.exists(f"rp:chat:{long_chat}:lock")
    await asyncio.sleep(0)
