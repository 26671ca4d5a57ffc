from __future__ import annotations

import time

import pytest
from redis.asyncio import Redis

from roleplay.errors import Conflict, NotFound
from roleplay.models import Chat, Message, new_id
from roleplay.store.chats import ChatStore


def _chat(reader_id: str = "r_a") -> Chat:
    return Chat(
        id=new_id("c"), reader_id=reader_id, card_id="card", character_name="甲", user_name="乙"
    )


def _msg(chat: Chat, text: str, **kw: object) -> Message:
    return Message(id=new_id("m"), chat_id=chat.id, speaker="user", name="乙", swipes=[text], **kw)  # type: ignore[arg-type]


async def test_other_readers_cannot_open_a_chat(redis_client: Redis) -> None:
    store = ChatStore(redis_client)
    chat = await store.create_chat(_chat("r_a"), [])
    assert (await store.get_chat("r_a", chat.id)).id == chat.id
    with pytest.raises(NotFound):
        await store.get_chat("r_b", chat.id)
    assert await store.list_chats("r_b") == []


async def test_messages_keep_order_and_support_edit_delete_truncate(redis_client: Redis) -> None:
    store = ChatStore(redis_client)
    chat = await store.create_chat(_chat())
    msgs = [await store.append(chat, _msg(chat, f"第{i}句")) for i in range(4)]
    assert [m.content for m in await store.messages(chat)] == ["第0句", "第1句", "第2句", "第3句"]
    assert [m.content for m in await store.messages(chat, last=2)] == ["第2句", "第3句"]
    await store.save(chat, msgs[1].with_content("改过"))
    await store.remove(chat, msgs[0].id)
    assert [m.content for m in await store.messages(chat)] == ["改过", "第2句", "第3句"]
    assert await store.truncate_after(chat, msgs[1].id) == [msgs[2].id, msgs[3].id]
    assert await store.count(chat) == 1
    with pytest.raises(NotFound):
        await store.remove(chat, msgs[0].id)


async def test_one_reply_at_a_time_per_chat(redis_client: Redis) -> None:
    store = ChatStore(redis_client)
    chat = await store.create_chat(_chat())
    first = _msg(chat, "你好")
    lease, history = await store.begin_turn(chat, append=[first])
    assert [m.id for m in history] == [first.id]
    with pytest.raises(Conflict, match="still being written"):
        await store.begin_turn(chat, append=[_msg(chat, "插队")])
    assert [m.content for m in await store.messages(chat)] == ["你好"]  # nothing half-written
    await store.finish_turn(lease, first.with_content("你好呀"))
    lease2, history = await store.begin_turn(chat, last=1)  # released after finishing
    assert [m.content for m in history] == ["你好呀"]
    await store.release(lease2)
    await store.release(lease2)  # idempotent


async def test_replies_of_a_dead_worker_become_incomplete(redis_client: Redis) -> None:
    store = ChatStore(redis_client, lease_s=0.05)
    chat = await store.create_chat(_chat())
    reply = await store.append(chat, _msg(chat, "写到一半", status="streaming"))
    time.sleep(0.1)
    assert await store.sweep_stale() == 1
    stored = await store.message(chat, reply.id)
    assert stored.status == "incomplete" and stored.content == "写到一半"


async def test_finishing_a_turn_announces_the_message(redis_client: Redis) -> None:
    store = ChatStore(redis_client)
    chat = await store.create_chat(_chat())
    pubsub = redis_client.pubsub()
    await pubsub.subscribe(f"rp:chat:{chat.id}:events")
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    reply = _msg(chat, "写好了")
    lease, _ = await store.begin_turn(chat, append=[reply])
    await store.finish_turn(lease, reply)
    event = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2)
    assert event is not None and Message.model_validate_json(event["data"]).id == reply.id
    await pubsub.aclose()


async def test_heartbeats_keep_a_turn_alive_and_a_dead_one_frees_the_chat(
    redis_client: Redis,
) -> None:
    store = ChatStore(redis_client, lease_s=0.3)
    chat = await store.create_chat(_chat())
    reply = _msg(chat, "", status="streaming")
    lease, _ = await store.begin_turn(chat, append=[reply])
    for _ in range(4):  # 0.6 s in all, twice the lease: alive only thanks to the beats
        time.sleep(0.15)
        await store.heartbeat(lease, reply.id)
    assert await store.sweep_stale() == 0
    with pytest.raises(Conflict):
        await store.begin_turn(chat)
    time.sleep(0.4)  # the worker "died": no more beats
    assert await store.sweep_stale() == 1
    lease2, history = await store.begin_turn(chat)  # the chat is free again
    assert history[-1].status == "incomplete"
    await store.release(lease2)
