"""Chats and their messages in Redis.

Ownership is enforced here, not by callers: the only way to obtain a ``Chat``
is ``get_chat(reader_id, chat_id)``, which refuses chats of other readers with
the same NotFound as a missing chat, and every other method takes that Chat.

Keys: ``rp:chat:{id}`` (JSON), ``rp:chat:{id}:order`` (list of message ids),
``rp:chat:{id}:msgs`` (hash id → JSON), ``rp:reader:{id}:chats`` (zset by
update time), ``rp:inflight`` (zset of streaming replies by heartbeat).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from roleplay.errors import Conflict, NotFound
from roleplay.models import Chat, Message, now


@dataclass(slots=True)
class Lease:
    """Proof that this task holds a chat's turn lock (see ``begin_turn``)."""

    chat: Chat
    token: str
    held: bool = True


class ChatStore:
    def __init__(self, redis: Redis, *, lease_s: float = 15.0) -> None:
        self._r = redis
        self.lease_s = lease_s

    async def create_chat(self, chat: Chat, messages: Sequence[Message] = ()) -> Chat:
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.set(f"rp:chat:{chat.id}", chat.model_dump_json())
            pipe.zadd(f"rp:reader:{chat.reader_id}:chats", {chat.id: chat.updated_at})
            for m in messages:
                pipe.hset(f"rp:chat:{chat.id}:msgs", m.id, m.model_dump_json())
                pipe.rpush(f"rp:chat:{chat.id}:order", m.id)
            await pipe.execute()
        return chat

    async def get_chat(self, reader_id: str, chat_id: str) -> Chat:
        raw = await self._r.get(f"rp:chat:{chat_id}")
        chat = Chat.model_validate_json(raw) if raw else None
        if chat is None or chat.reader_id != reader_id:
            raise NotFound("No such chat for this reader. List your chats with GET /api/chats.")
        return chat

    async def list_chats(self, reader_id: str, limit: int = 100) -> list[Chat]:
        ids = await self._r.zrevrange(f"rp:reader:{reader_id}:chats", 0, limit - 1)
        if not ids:
            return []
        raws = await self._r.mget([f"rp:chat:{i!s}" for i in ids])
        chats = [Chat.model_validate_json(r) for r in raws if r]
        return [c for c in chats if c.reader_id == reader_id]

    async def update_chat(self, chat: Chat) -> Chat:
        chat = chat.model_copy(update={"updated_at": now()})
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.set(f"rp:chat:{chat.id}", chat.model_dump_json())
            pipe.zadd(f"rp:reader:{chat.reader_id}:chats", {chat.id: chat.updated_at})
            await pipe.execute()
        return chat

    async def delete_chat(self, chat: Chat) -> None:
        await self._r.delete(
            f"rp:chat:{chat.id}", f"rp:chat:{chat.id}:order", f"rp:chat:{chat.id}:msgs"
        )
        await self._r.zrem(f"rp:reader:{chat.reader_id}:chats", chat.id)

    async def messages(self, chat: Chat, last: int | None = None) -> list[Message]:
        start = -last if last else 0
        ids = await self._r.lrange(f"rp:chat:{chat.id}:order", start, -1)
        if not ids:
            return []
        raws = await self._r.hmget(f"rp:chat:{chat.id}:msgs", ids)
        msgs = [Message.model_validate_json(r) for r in raws if r]
        return msgs

    async def message(self, chat: Chat, message_id: str) -> Message:
        raw = await self._r.hget(f"rp:chat:{chat.id}:msgs", message_id)
        if raw is None:
            raise NotFound(f"No message {message_id!r} in this chat.")
        return Message.model_validate_json(raw)

    async def count(self, chat: Chat) -> int:
        return int(await self._r.llen(f"rp:chat:{chat.id}:order"))

    async def append(self, chat: Chat, message: Message) -> Message:
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(f"rp:chat:{chat.id}:msgs", message.id, message.model_dump_json())
            pipe.rpush(f"rp:chat:{chat.id}:order", message.id)
            pipe.zadd(f"rp:reader:{chat.reader_id}:chats", {chat.id: message.created_at})
            if message.status == "streaming":
                pipe.zadd("rp:inflight", {f"{chat.id}/{message.id}": time.time()})
            await pipe.execute()
        return message

    async def save(self, chat: Chat, message: Message) -> Message:
        """Write a message that already exists (edits, streaming progress, completion)."""
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(f"rp:chat:{chat.id}:msgs", message.id, message.model_dump_json())
            if message.status == "streaming":
                pipe.zadd("rp:inflight", {f"{chat.id}/{message.id}": time.time()})
            else:
                pipe.zrem("rp:inflight", f"{chat.id}/{message.id}")
            await pipe.execute()
        return message

    async def remove(self, chat: Chat, message_id: str) -> None:
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.lrem(f"rp:chat:{chat.id}:order", 0, message_id)
            pipe.hdel(f"rp:chat:{chat.id}:msgs", message_id)
            pipe.zrem("rp:inflight", f"{chat.id}/{message_id}")
            removed, _, _ = await pipe.execute()
        if not removed:
            raise NotFound(f"No message {message_id!r} in this chat.")

    async def truncate_after(self, chat: Chat, message_id: str) -> list[str]:
        """Drop every message after ``message_id`` (used when editing history)."""
        ids = [str(i) for i in await self._r.lrange(f"rp:chat:{chat.id}:order", 0, -1)]
        if message_id not in ids:
            raise NotFound(f"No message {message_id!r} in this chat.")
        later = ids[ids.index(message_id) + 1 :]
        if later:
            async with self._r.pipeline(transaction=True) as pipe:
                pipe.ltrim(f"rp:chat:{chat.id}:order", 0, ids.index(message_id))
                pipe.hdel(f"rp:chat:{chat.id}:msgs", *later)
                await pipe.execute()
        return later

    async def begin_turn(
        self, chat: Chat, *, append: Sequence[Message] = (), last: int = 80
    ) -> tuple[Lease, list[Message]]:
        """Take the chat's turn lock, append messages, and read the recent history.

        One round trip (a Lua script, atomic): a turn's fixed Redis cost is what limits
        how many turns a worker carries, so the lock, the writes and the read go together.
        """
        token = secrets.token_hex(8)
        args: list[str | int | float] = [token, int(self.lease_s * 1000), last, time.time()]
        for m in append:
            args += [m.id, m.model_dump_json(), int(m.status == "streaming"), m.created_at]
        keys = [
            f"rp:chat:{chat.id}:lock",
            f"rp:chat:{chat.id}:order",
            f"rp:chat:{chat.id}:msgs",
            f"rp:reader:{chat.reader_id}:chats",
            "rp:inflight",
        ]
        raws = await self._r.eval(_BEGIN, len(keys), *keys, chat.id, *args)
        if raws is None:
            raise Conflict("A reply is still being written in this chat; wait for it or cancel.")
        history = [Message.model_validate_json(r) for r in raws if r]
        return Lease(chat, token), history

    async def finish_turn(self, lease: Lease, message: Message) -> Message:
        """Store the reply's final state, announce it and release the lock, in one round trip.

        The announcement on ``rp:chat:{id}:events`` lets other workers (another tab, a bot
        connected elsewhere) follow the chat without polling.
        """
        chat = lease.chat
        body = message.model_dump_json()
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(f"rp:chat:{chat.id}:msgs", message.id, body)
            pipe.publish(f"rp:chat:{chat.id}:events", body)
            pipe.zrem("rp:inflight", f"{chat.id}/{message.id}")
            pipe.eval(_RELEASE, 1, f"rp:chat:{chat.id}:lock", lease.token)
            await pipe.execute()
        lease.held = False
        return message

    async def heartbeat(self, lease: Lease, message_id: str) -> None:
        """Keep the lock and the reply's "still streaming" mark alive while the model works.

        Both expire ``lease_s`` after the last beat, so a crashed worker frees the chat and
        its reply is swept to incomplete within seconds, not minutes.
        """
        chat = lease.chat
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.eval(_EXTEND, 1, f"rp:chat:{chat.id}:lock", lease.token, int(self.lease_s * 1000))
            pipe.zadd("rp:inflight", {f"{chat.id}/{message_id}": time.time()})
            await pipe.execute()

    async def release(self, lease: Lease) -> None:
        if lease.held:
            lease.held = False
            await self._r.eval(_RELEASE, 1, f"rp:chat:{lease.chat.id}:lock", lease.token)

    async def sweep_stale(self) -> int:
        """Mark replies whose writer died (no heartbeat within the lease) as incomplete."""
        cutoff = time.time() - self.lease_s
        stale = await self._r.zrangebyscore("rp:inflight", 0, cutoff)
        for member in map(str, stale):
            chat_id, _, msg_id = member.partition("/")
            raw = await self._r.hget(f"rp:chat:{chat_id}:msgs", msg_id)
            if raw:
                msg = Message.model_validate_json(raw)
                if msg.status == "streaming":
                    msg = msg.model_copy(
                        update={"status": "incomplete", "error": "interrupted: the server stopped"}
                    )
                    await self._r.hset(f"rp:chat:{chat_id}:msgs", msg_id, msg.model_dump_json())
            await self._r.zrem("rp:inflight", member)
        return len(stale)


# KEYS: lock, order, msgs, reader's chats, inflight.
# ARGV: chat id, token, lease ms, last n, now, then per message: id, json, streaming?, time.
_BEGIN = """
if not redis.call('set', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return nil end
local i = 6
while i <= #ARGV do
  redis.call('hset', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('rpush', KEYS[2], ARGV[i])
  redis.call('zadd', KEYS[4], ARGV[i + 3], ARGV[1])
  if ARGV[i + 2] == '1' then redis.call('zadd', KEYS[5], ARGV[5], ARGV[1] .. '/' .. ARGV[i]) end
  i = i + 4
end
local ids = redis.call('lrange', KEYS[2], -tonumber(ARGV[4]), -1)
if #ids == 0 then return {} end
return redis.call('hmget', KEYS[3], unpack(ids))
"""

_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
