"""ChatService directly: screening, gating, persistence on every exit path, memory scope."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from memory.simple import InMemoryMemory
from roleplay.errors import InvalidInput
from roleplay.llm.scripted import ScriptedLLM
from roleplay.models import Reader
from roleplay.settings import Settings
from roleplay.store.readers import ReaderStore
from roleplay.tokens import get_tokenizer
from roleplay.turn.events import Accepted, Delta, Finished, Started, TurnEvent
from roleplay.turn.service import ChatService, Services
from safety.base import ALLOW, Policy, Role, Verdict


class BlockWord:
    """Blocks assistant text containing a word, to test the output gate."""

    def __init__(self, word: str) -> None:
        self.word = word

    async def screen(self, text: str, *, role: Role, policy: Policy) -> Verdict:
        if role == "assistant" and self.word in text:
            return Verdict(
                allowed=False, categories={"violence/graphic": True}, reason="graphic detail"
            )
        return ALLOW


async def _reader(redis_client: Redis, name: str = "读者") -> Reader:
    return await ReaderStore(redis_client).create(name)


async def _collect(events: AsyncIterator[TurnEvent]) -> list[TurnEvent]:
    return [e async for e in events]


async def test_output_gate_never_streams_blocked_text(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    llm = ScriptedLLM()
    llm.enqueue("他拔出剑来，" + "慢慢地" * 20 + "鲜血四溅，" + "后来" * 30)
    services = dataclasses.replace(services, llm=llm, moderator=BlockWord("鲜血"))
    service = ChatService(services, settings)
    reader = await _reader(redis_client)
    chat, _ = await service.start_chat(reader, "lin-qingyu")
    events = await _collect(service.turn(reader, chat.id, "讲个故事"))
    streamed = "".join(e.text for e in events if isinstance(e, Delta))
    assert "鲜血" not in streamed
    final = events[-1]
    assert isinstance(final, Finished) and final.message.status == "blocked"
    assert "鲜血" not in final.message.content
    stored = (await services.chats.messages(chat))[-1]
    assert stored.status == "blocked" and "鲜血" not in stored.content


async def test_cancelling_a_turn_stores_the_reply_incomplete(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    llm = ScriptedLLM(tokens_per_s=50)
    llm.enqueue("一 " * 200)
    services = dataclasses.replace(services, llm=llm)
    service = ChatService(services, settings)
    reader = await _reader(redis_client)
    chat, _ = await service.start_chat(reader, "lin-qingyu")
    seen: list[TurnEvent] = []

    async def run() -> None:
        async for event in service.turn(reader, chat.id, "数到两百"):
            seen.append(event)

    task = asyncio.create_task(run())
    while not any(isinstance(e, Delta) for e in seen):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    user, reply = (await services.chats.messages(chat))[-2:]
    assert user.content == "数到两百" and reply.status == "incomplete"
    assert reply.content.startswith("一")
    # The lock is released: the reader can go on.
    events = await _collect(service.regenerate(reader, chat.id))
    assert isinstance(events[-1], Finished) and events[-1].message.status == "complete"


async def test_continue_extends_the_last_reply(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    llm = ScriptedLLM()
    llm.enqueue("前半句，", "后半句。")
    services = dataclasses.replace(services, llm=llm)
    service = ChatService(services, settings)
    reader = await _reader(redis_client)
    chat, _ = await service.start_chat(reader, "lin-qingyu")
    await _collect(service.turn(reader, chat.id, "说吧"))
    events = await _collect(service.continue_reply(reader, chat.id))
    assert isinstance(events[0], Started)
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "后半句。"
    final = events[-1]
    assert isinstance(final, Finished) and final.message.content == "前半句，后半句。"


async def test_memory_is_written_after_the_reply_with_the_readers_scope(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    service = ChatService(services, settings)
    alice, bob = await _reader(redis_client, "Alice"), await _reader(redis_client, "Bob")
    chat_a, _ = await service.start_chat(alice, "ada-lockwood")
    chat_b, _ = await service.start_chat(bob, "ada-lockwood")
    await _collect(service.turn(alice, chat_a.id, "My secret is the blue key."))
    await service.aclose()
    memory = services.memory
    assert isinstance(memory, InMemoryMemory)
    scope, record = memory.remembered[-1]
    assert scope.reader_id == alice.id and record.user_text == "My secret is the blue key."
    llm = services.llm
    assert isinstance(llm, ScriptedLLM)
    await _collect(service.turn(bob, chat_b.id, "What is the secret key?"))
    assert "blue key" not in llm.requests[-1].messages[0].content
    await _collect(service.turn(alice, chat_a.id, "What is my secret key?"))
    assert "blue key" in llm.requests[-1].messages[0].content


async def test_long_histories_fit_the_budget(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, _ = parts
    settings = Settings(context_tokens=1200, max_reply_tokens=200)
    service = ChatService(services, settings)
    reader = await _reader(redis_client)
    chat, _ = await service.start_chat(reader, "sun-wukong")
    for i in range(30):
        await _collect(service.turn(reader, chat.id, f"第{i}个问题：" + "很长的话" * 20))
    llm = services.llm
    assert isinstance(llm, ScriptedLLM)
    request = llm.requests[-1]
    tok = get_tokenizer()
    total = sum(tok.count(m.content) + 4 for m in request.messages)
    assert total <= 1000 + 20
    assert request.messages[-1].content.startswith("第29个问题")
    events = await _collect(service.turn(reader, chat.id, "再问"))
    assert isinstance(events[-1], Finished)
    assert any("history" in note for note in events[-1].notes)


async def test_bad_messages_are_refused_before_anything_is_stored(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    service = ChatService(services, settings)
    reader = await _reader(redis_client)
    chat, _ = await service.start_chat(reader, "lin-qingyu")
    with pytest.raises(InvalidInput, match="empty"):
        await _collect(service.turn(reader, chat.id, "   "))
    with pytest.raises(InvalidInput, match="limit is 4000"):
        await _collect(service.turn(reader, chat.id, "长" * 5000))
    assert len(await services.chats.messages(chat)) == 1
    events = await _collect(service.turn(reader, chat.id, "好"))
    assert isinstance(events[0], Accepted)
