"""The websocket endpoint ``/ws`` (protocol in ``web.protocol``, documented in docs/protocol.md).

Only the handler task reads from the socket (aiohttp's rule); each turn runs in
its own task so the reader can cancel it or start another chat's turn meanwhile.
Closing the socket cancels its turns, which are then stored as incomplete.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import aclosing

import structlog
from aiohttp import WSMsgType, web
from pydantic import BaseModel, ValidationError

from roleplay.errors import Conflict, LLMError, RoleplayError, Unauthorized
from roleplay.models import Reader
from roleplay.turn import events as ev
from web import protocol as p
from web.errors import validation_message
from web.runtime import RUNTIME, Runtime

log = structlog.get_logger("web.ws")
MAX_TURNS_PER_CONNECTION = 4


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/ws", websocket)


async def websocket(request: web.Request) -> web.WebSocketResponse:
    runtime = request.app[RUNTIME]
    # No permessage-deflate: frames are small chat text and compressing each one costs
    # more CPU than the bytes it saves.
    ws = web.WebSocketResponse(
        heartbeat=30, max_msg_size=runtime.settings.ws_max_frame_bytes, compress=False
    )
    await ws.prepare(request)
    conn = Connection(ws, runtime)
    runtime.sockets.add(ws)
    try:
        await conn.start(request.headers.get("Authorization", ""))
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await conn.receive(msg.data)
            elif msg.type == WSMsgType.BINARY:
                await conn.error(
                    None, "invalid_frame", "Binary frames are not supported; send JSON text frames."
                )
            if conn.closing:
                break
    finally:
        await conn.stop()
        runtime.sockets.discard(ws)
    return ws


class Connection:
    def __init__(self, ws: web.WebSocketResponse, runtime: Runtime) -> None:
        self.ws = ws
        self.runtime = runtime
        self.reader: Reader | None = None
        self.turns: dict[str, asyncio.Task[None]] = {}
        self.closing = False
        self._bucket = _Bucket(runtime.settings.ws_frames_per_second)
        self._log = log.bind(conn=secrets.token_hex(4))

    async def start(self, authorization: str) -> None:
        s = self.runtime.settings
        await self.send(
            p.Hello(
                max_frame_bytes=s.ws_max_frame_bytes,
                backend=self.runtime.llm.name,
                canon_mode=self.runtime.llm.name == "canon",
            )
        )
        if authorization.startswith("Bearer "):
            await self._auth(authorization.removeprefix("Bearer ").strip())

    async def stop(self) -> None:
        for task in self.turns.values():
            task.cancel()
        if self.turns:
            await asyncio.wait(self.turns.values(), timeout=5)

    async def send(self, frame: BaseModel) -> None:
        if not self.ws.closed:
            try:
                await self.ws.send_str(frame.model_dump_json())
            except ConnectionResetError:
                pass

    async def error(self, rid: str | None, code: str, message: str, **extra: object) -> None:
        await self.send(p.Error(id=rid, code=code, message=message, **extra))  # type: ignore[arg-type]

    async def receive(self, data: str) -> None:
        flood = self._bucket.take()
        if flood == "close":
            self.closing = True
            await self.ws.close(code=p.CLOSE_FLOOD, message=b"too many frames")
            return
        if flood == "reject":
            await self.error(
                None,
                "flood",
                f"Too many frames; slow down (the limit is {self._bucket.rate:g} per second).",
            )
            return
        try:
            frame = p.client_frames.validate_json(data)
        except ValidationError as exc:
            await self.error(None, "invalid_frame", _frame_problem(exc))
            return
        try:
            await self._dispatch(frame)
        except RoleplayError as exc:
            await self.error(getattr(frame, "id", None), exc.code, exc.message)

    async def _dispatch(self, frame: p.ClientFrame) -> None:
        if isinstance(frame, p.Auth):
            await self._auth(frame.token)
            return
        if isinstance(frame, p.Ping):
            await self.send(p.Pong(id=frame.id))
            return
        reader = self.reader
        if reader is None:
            raise Unauthorized('Authenticate first: send {"type": "auth", "token": …}.')
        service = self.runtime.service
        if isinstance(frame, p.Send):
            self._spawn(frame.id, service.turn(reader, frame.chat_id, frame.text))
        elif isinstance(frame, p.Regenerate):
            self._spawn(frame.id, service.regenerate(reader, frame.chat_id))
        elif isinstance(frame, p.Continue):
            self._spawn(frame.id, service.continue_reply(reader, frame.chat_id))
        elif isinstance(frame, p.Edit):
            msg = await service.edit(reader, frame.chat_id, frame.message_id, frame.text)
            await self.send(p.Edited(id=frame.id, message=msg))
        elif isinstance(frame, p.Cancel):
            task = self.turns.get(frame.id)
            if task is not None:
                task.cancel()
        else:
            await self._memory(reader, frame)

    async def _memory(
        self, reader: Reader, frame: p.MemoryList | p.MemorySearch | p.MemoryEdit | p.MemoryDelete
    ) -> None:
        memories = self.runtime.memories
        if isinstance(frame, p.MemoryList):
            items = await memories.list_memories(
                reader, card_id=frame.card_id, history=frame.history
            )
        elif isinstance(frame, p.MemorySearch):
            items = await memories.search(reader, frame.card_id, frame.query, frame.limit)
        elif isinstance(frame, p.MemoryEdit):
            items = [await memories.edit(reader, frame.memory_id, frame.text)]
        else:
            deleted = await memories.delete(reader, frame.memory_ids)
            await self.send(p.MemoryDeleted(id=frame.id, deleted=deleted))
            return
        await self.send(p.Memories(id=frame.id, memories=items))

    async def _auth(self, token: str) -> None:
        try:
            self.reader, _ = await self.runtime.readers.authenticate(token)
        except Unauthorized as exc:
            await self.error(None, exc.code, exc.message)
            self.closing = True
            await self.ws.close(code=p.CLOSE_UNAUTHORIZED, message=b"unauthorized")
            return
        self._log = self._log.bind(reader_id=self.reader.id)
        await self.send(p.Ready(reader=self.reader))

    def _spawn(self, rid: str | None, events: AsyncGenerator[ev.TurnEvent, None]) -> None:
        rid = rid or secrets.token_hex(6)
        if rid in self.turns:
            raise Conflict(f"Request id {rid!r} is already running; use a new id.")
        if len(self.turns) >= MAX_TURNS_PER_CONNECTION:
            raise Conflict(f"At most {MAX_TURNS_PER_CONNECTION} replies at once per connection.")
        task = asyncio.create_task(self._run(rid, events))
        self.turns[rid] = task
        self.runtime.turns.add(task)
        task.add_done_callback(lambda t: self._forget(rid, t))

    def _forget(self, rid: str, task: asyncio.Task[None]) -> None:
        self.turns.pop(rid, None)
        self.runtime.turns.discard(task)

    async def _run(self, rid: str, events: AsyncGenerator[ev.TurnEvent, None]) -> None:
        structlog.contextvars.bind_contextvars(turn_id=rid)
        started: str | None = None
        try:
            async with aclosing(events) as stream:
                async for event in stream:
                    if isinstance(event, ev.Started):
                        started = event.message.id
                    await self.send(_frame(rid, event))
        except LLMError as exc:
            await self.error(
                rid,
                exc.code,
                exc.message + " The reply was saved as incomplete; regenerate to try again.",
                message_id=started,
            )
        except RoleplayError as exc:
            extra = (
                {"retry_after": exc.detail["retry_after"]}
                if isinstance(exc.detail, dict) and "retry_after" in exc.detail
                else {}
            )
            await self.error(rid, exc.code, exc.message, message_id=started, **extra)
        except asyncio.CancelledError:
            await asyncio.shield(
                self.error(
                    rid,
                    "cancelled",
                    "The reply was stopped and saved as incomplete.",
                    message_id=started,
                )
            )
            raise
        except Exception:
            self._log.exception("turn_failed", turn_id=rid)
            await self.error(
                rid,
                "internal",
                "Something went wrong on our side; it has been "
                "logged. The reply was saved as incomplete.",
                message_id=started,
            )


def _frame(rid: str, event: ev.TurnEvent) -> BaseModel:
    if isinstance(event, ev.Delta):
        return p.Chunk(id=rid, message_id=event.message_id, text=event.text)
    if isinstance(event, ev.Accepted):
        return p.Accepted(id=rid, message=event.message)
    if isinstance(event, ev.Started):
        return p.Start(id=rid, chat_id=event.message.chat_id, message=event.message)
    if isinstance(event, ev.Restarted):
        return p.Restart(id=rid, message_id=event.message_id, problems=event.problems)
    return p.Done(
        id=rid, message=event.message, usage=event.usage, timing=event.timing, notes=event.notes
    )


def _frame_problem(exc: ValidationError) -> str:
    for err in exc.errors():
        if err["type"] == "union_tag_invalid":
            return (
                f"Unknown frame type {err['input'].get('type')!r}; expected one of "
                "auth, send, regenerate, continue, edit, cancel, ping, "
                "memory.list, memory.search, memory.edit, memory.delete."
            )
        if err["type"] == "union_tag_not_found":
            return 'Every frame needs a "type" field (auth, send, regenerate, …).'
        if err["type"] in ("json_invalid", "model_type", "dict_type"):
            return 'Frames must be JSON objects, e.g. {"type": "ping"}.'
    return "Bad frame: " + validation_message(exc)


_FLOOD_WINDOW_S = 2.0


class _Bucket:
    """Token bucket: ``rate`` frames/s with a burst of 2 s; far over it, close.

    "Far over" is more refused frames within two seconds than twice the burst (a client at
    three times the rate or more). Counting them in a window rather than in a row keeps the
    close independent of how fast the server itself is: under load, a single token refilled
    while the refusals are being sent used to reset the count, and a flood was never closed.
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(rate * 2, 5.0)
        self.tokens = self.capacity
        self.refused: deque[float] = deque()
        self.at = time.monotonic()

    def take(self) -> str:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return "ok"
        self.refused.append(now)
        while self.refused[0] < now - _FLOOD_WINDOW_S:
            self.refused.popleft()
        return "close" if len(self.refused) > self.capacity * 2 else "reject"
