"""Kill the server outright mid-reply: the reader's message survives, the reply is incomplete."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
from aiohttp.test_utils import unused_port

REPO = Path(__file__).resolve().parents[2]


def _start(port: int, data: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "tests.helpers.slow_server", str(port), str(data)]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        try:
            async with http.get(f"{url}/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("server did not start")


async def test_sigkill_mid_reply_loses_nothing_accepted(tmp_path: Path) -> None:
    port = unused_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(port, tmp_path)
    async with aiohttp.ClientSession() as http:
        try:
            await _wait_up(http, url)
            signup = await (await http.post(f"{url}/api/readers", json={"name": "甲"})).json()
            auth = {"Authorization": f"Bearer {signup['token']}"}
            body = {"card_id": "lin-qingyu"}
            chat = await (await http.post(f"{url}/api/chats", json=body, headers=auth)).json()
            chat_id = chat["chat"]["id"]
            async with http.ws_connect(f"{url}/ws", headers=auth) as ws:
                await ws.send_json(
                    {"type": "send", "id": "1", "chat_id": chat_id, "text": "教我剑法"}
                )
                seen = ""
                while len(seen) < 20:  # well into the reply, past one progress save
                    frame = await ws.receive_json()
                    seen += frame.get("text", "") if frame["type"] == "chunk" else ""
                await asyncio.sleep(1.2)
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        proc = _start(port, tmp_path)  # same data directory: its private Redis comes back
        try:
            await _wait_up(http, url)
            await asyncio.sleep(2.5)  # two sweeps with a 1 s lease
            got = await (await http.get(f"{url}/api/chats/{chat_id}", headers=auth)).json()
            user, reply = got["messages"][-2:]
            assert user["content"] == "教我剑法" and user["status"] == "complete"
            assert reply["status"] == "incomplete" and reply["content"].startswith("你问我的剑法")
            async with http.ws_connect(f"{url}/ws", headers=auth) as ws:
                await ws.send_json({"type": "regenerate", "id": "2", "chat_id": chat_id})
                while (frame := await ws.receive_json())["type"] not in ("start", "error"):
                    pass
                assert frame["type"] == "start"  # the chat is free again
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Graceful shutdown can take a while on a loaded box (a reply in flight, then the
    stores); this test is about SIGKILL, so a slow exit is cut short rather than leaked
    (a Popen still running when collected fails whichever test is running then)."""
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
