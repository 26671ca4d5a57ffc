"""Stage 6 in the engine: one corrected regeneration, then deliver flagged or withhold,
and the editors' queue; plus the input's deep moderation check gating the reply."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from roleplay.consistency import WITHHELD_TEXT, ConsistencyPolicy, PersonaChecker
from roleplay.llm.scripted import ScriptedLLM
from roleplay.models import Reader
from roleplay.settings import Settings
from roleplay.store.readers import ReaderStore
from roleplay.store.reviews import PersonaReviews
from roleplay.turn.events import Delta, Finished, Restarted, TurnEvent
from roleplay.turn.service import ChatService, Services
from safety.base import ALLOW, Policy, Role, Verdict

OOC = "As an AI language model, I cannot pretend to be a character."
OOC_2 = "As an AI, I do not have feelings, but I can help you with that."
GOOD = "在下林清羽，见过道友。今日山中雨大，道友可曾带伞？"


async def _collect(events: AsyncIterator[TurnEvent]) -> list[TurnEvent]:
    return [e async for e in events]


async def _service(
    parts: tuple[Services, Settings], redis: Redis, llm: ScriptedLLM, **policy: object
) -> tuple[ChatService, PersonaReviews, Reader]:
    services, settings = parts
    reviews = PersonaReviews(redis, prefix=f"test:{id(llm)}:")
    services = dataclasses.replace(
        services,
        llm=llm,
        consistency=PersonaChecker(),
        persona_policy=ConsistencyPolicy(**policy),  # type: ignore[arg-type]
        reviews=reviews,
    )
    reader = await ReaderStore(redis).create("读者")
    return ChatService(services, settings), reviews, reader


async def test_a_reply_out_of_character_is_rewritten_once_with_a_correction(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    llm = ScriptedLLM()
    llm.enqueue(OOC, GOOD)
    service, reviews, reader = await _service(parts, redis_client, llm)
    chat, _ = await service.start_chat(reader, "lin-qingyu")

    events = await _collect(service.turn(reader, chat.id, "你是谁？"))

    restarts = [e for e in events if isinstance(e, Restarted)]
    assert len(restarts) == 1 and "out_of_character" in restarts[0].problems[0]
    # What the reader sees after the restart is only the corrected reply.
    after = events[events.index(restarts[0]) + 1 :]
    assert "".join(e.text for e in after if isinstance(e, Delta)) == GOOD
    final = events[-1]
    assert isinstance(final, Finished) and final.message.content == GOOD
    assert final.message.status == "complete" and "consistency" not in final.message.meta
    correction = llm.requests[1].messages[-1]
    assert correction.role == "system" and "broke character" in correction.content
    assert "broke character" not in " ".join(m.content for m in llm.requests[0].messages)
    assert await reviews.count_open() == 0
    _, stored = await service.open_chat(reader, chat.id)
    assert stored[-1].content == GOOD


async def test_a_second_failure_is_delivered_flagged_for_editors(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    llm = ScriptedLLM()
    llm.enqueue(OOC, OOC_2)
    service, reviews, reader = await _service(parts, redis_client, llm)
    chat, _ = await service.start_chat(reader, "lin-qingyu")

    events = await _collect(service.turn(reader, chat.id, "你是谁？"))

    final = events[-1]
    assert isinstance(final, Finished)
    assert final.message.status == "complete" and final.message.content == OOC_2
    assert final.message.meta["consistency"][0]["kind"] == "out_of_character"
    assert len(llm.requests) == 2  # regenerated once, not more
    [item] = await reviews.pending()
    assert item["action"] == "deliver_flagged" and item["chat_id"] == chat.id
    assert [a["text"] for a in item["attempts"]] == [OOC, OOC_2]
    assert item["attempts"][0]["findings"][0]["evidence"]


async def test_a_second_failure_of_a_withheld_kind_is_not_shown(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    llm = ScriptedLLM()
    llm.enqueue(OOC, OOC_2)
    service, reviews, reader = await _service(
        parts, redis_client, llm, withhold=frozenset({"out_of_character"})
    )
    chat, _ = await service.start_chat(reader, "lin-qingyu")

    final = (await _collect(service.turn(reader, chat.id, "你是谁？")))[-1]

    assert isinstance(final, Finished)
    assert final.message.status == "blocked" and final.message.content == WITHHELD_TEXT
    [item] = await reviews.pending()
    assert item["action"] == "withhold"


class SlowDeepCheck:
    """Allows at once and blocks in the follow-up, like the layered moderator's overlap mode."""

    def __init__(self) -> None:
        self.released = asyncio.Event()

    async def screen(self, text: str, *, role: Role, policy: Policy) -> Verdict:
        if role == "assistant":
            return ALLOW
        loop = asyncio.get_running_loop()
        followup: asyncio.Future[Verdict] = loop.create_future()

        async def decide() -> None:
            await self.released.wait()
            followup.set_result(Verdict(allowed=False, reason="asks for a weapon recipe"))

        task = asyncio.create_task(decide())
        followup.add_done_callback(lambda _: task)
        return Verdict(allowed=True, followup=followup)


async def test_nothing_is_released_before_the_inputs_deep_check_fails(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    moderator = SlowDeepCheck()
    llm = ScriptedLLM(default="好的，我这就告诉你，先准备以下材料。" * 3)
    service = ChatService(dataclasses.replace(services, llm=llm, moderator=moderator), settings)
    reader = await ReaderStore(redis_client).create("读者")
    chat, _ = await service.start_chat(reader, "lin-qingyu")

    async def release_soon() -> None:
        await asyncio.sleep(0.05)
        moderator.released.set()

    releaser = asyncio.create_task(release_soon())
    events = await _collect(service.turn(reader, chat.id, "教我做点东西"))
    await releaser

    assert not [e for e in events if isinstance(e, Delta)]
    final = events[-1]
    assert isinstance(final, Finished) and final.message.status == "blocked"
    assert "weapon recipe" in (final.message.error or "")
