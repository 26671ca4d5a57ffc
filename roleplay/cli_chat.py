"""``roleplay chat``: a terminal client of the websocket protocol (also a worked example of it)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from roleplay.errors import InvalidInput, RoleplayError

TOKEN_DIR = Path.home() / ".config" / "novel-roleplay"


class ServerError(RoleplayError):
    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


async def _call(http: aiohttp.ClientSession, method: str, url: str, **kw: Any) -> Any:
    try:
        async with http.request(method, url, **kw) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 400:
                err = data.get("error", {}) if isinstance(data, dict) else {}
                message = err.get("message") or f"HTTP {resp.status} from {url}"
                raise ServerError(message, resp.status)
            return data
    except aiohttp.ClientConnectionError as exc:
        raise ServerError(
            f"Cannot reach the server at {url} ({exc}); is `roleplay serve` "
            "running? Pass --url if it runs elsewhere."
        ) from exc


async def _token(http: aiohttp.ClientSession, args: argparse.Namespace) -> str:
    if args.token:
        return str(args.token)
    path = TOKEN_DIR / f"token-{urlsplit(args.url).netloc.replace(':', '_')}"
    if path.exists():
        token = path.read_text().strip()
        try:
            auth = {"Authorization": f"Bearer {token}"}
            await _call(http, "GET", f"{args.url}/api/me", headers=auth)
            return token
        except ServerError as exc:
            if exc.status != 401:
                raise
        # A server at this address that does not know us (its data was reset, or it is
        # another one): sign up again instead of failing on every run.
        print(f"note: {args.url} does not know the saved sign-in; signing up again",
              file=sys.stderr)  # fmt: skip
        path.unlink(missing_ok=True)
    name = args.name or getpass.getuser() or "reader"
    data = await _call(http, "POST", f"{args.url}/api/readers", json={"name": name})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(data["token"])
    return str(data["token"])


async def _chat_id(
    http: aiohttp.ClientSession, args: argparse.Namespace, auth: dict[str, str], quiet: bool
) -> str:
    if args.chat_id:
        return str(args.chat_id)
    card_id = args.card
    if not card_id:
        cards = (await _call(http, "GET", f"{args.url}/api/cards"))["cards"]
        if not cards:
            raise InvalidInput("The server has no character cards yet.")
        card_id = cards[0]["id"]
    data = await _call(
        http,
        "POST",
        f"{args.url}/api/chats",
        headers=auth,
        json={"card_id": card_id, "chapter": args.chapter},
    )
    if not quiet:
        chat = data["chat"]
        print(f"[chat {chat['id']} with {chat['character_name']}]")
        for m in data["messages"]:
            print(f"{m['name']}: {m['content']}\n")
    return str(data["chat"]["id"])


async def run_chat(args: argparse.Namespace) -> int:
    args.url = args.url.rstrip("/")
    async with aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bearer {await _token(http, args)}"}
        chat_id = await _chat_id(http, args, auth, quiet=args.message is not None)
        ws_url = args.url.replace("http", "ws", 1) + "/ws"
        async with http.ws_connect(ws_url, headers=auth) as ws:
            if args.message is not None:
                return await _exchange(ws, chat_id, {"type": "send", "text": args.message})
            return await _interactive(ws, chat_id)


async def _interactive(ws: aiohttp.ClientWebSocketResponse, chat_id: str) -> int:
    print("Type a message and press Enter. /regen redoes the last reply, /quit leaves.")
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            return 0
        if line in ("/quit", "/exit"):
            return 0
        if not line:
            continue
        frame = {"type": "regenerate"} if line == "/regen" else {"type": "send", "text": line}
        await _exchange(ws, chat_id, frame)


async def _exchange(
    ws: aiohttp.ClientWebSocketResponse, chat_id: str, frame: dict[str, Any]
) -> int:
    """Send one frame and print the streamed reply; 0 on success, 1 on an error frame."""
    await ws.send_json({**frame, "id": "cli", "chat_id": chat_id})
    async for msg in ws:
        if msg.type != aiohttp.WSMsgType.TEXT:
            print("error: the server closed the connection", file=sys.stderr)
            return 1
        data = json.loads(msg.data)
        kind = data["type"]
        if kind == "chunk":
            print(data["text"], end="", flush=True)
        elif kind == "done":
            if data["message"]["status"] == "blocked":
                print(f"\r{data['message']['content']}", end="")
            print()
            return 0
        elif kind == "error" and data.get("id") in ("cli", None):
            print(f"\nerror: {data['message']}", file=sys.stderr)
            return 1
    return 1
