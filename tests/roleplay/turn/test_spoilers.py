"""Canon mode never speaks lines from chapters the reader has not reached."""

from __future__ import annotations

import dataclasses
import json

from redis.asyncio import Redis

from characters.store import SAMPLES
from memory.embeddings import HashEmbedder
from roleplay.llm.canon import CanonBackend
from roleplay.settings import Settings
from roleplay.store.readers import ReaderStore
from roleplay.turn.events import Finished
from roleplay.turn.service import ChatService, Services

QUESTIONS = [
    "你赢了问剑大会吗？",
    "你的剑叫什么名字？",
    "你师父云崖子以前是什么人？",
    "你现在是内门弟子了吗？",
    "沈星河是谁？",
    "后来怎么样了？",
]


async def test_a_reader_at_chapter_10_hears_no_later_lines(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    canon = CanonBackend(HashEmbedder())
    service = ChatService(dataclasses.replace(services, llm=canon), settings)
    card = json.loads((SAMPLES / "lin-qingyu.json").read_text("utf-8"))
    lines = card["data"]["extensions"]["novel_roleplay"]["lines"]
    late = {x["text"] for x in lines if (x["chapter"] or 0) > 10}
    assert late, "the sample card should have late-chapter lines"
    reader = await ReaderStore(redis_client).create("新读者")
    chat, _ = await service.start_chat(reader, "lin-qingyu", chapter=10)
    for question in QUESTIONS:
        events = [e async for e in service.turn(reader, chat.id, question)]
        final = events[-1]
        assert isinstance(final, Finished)
        assert final.message.content not in late, question
    await canon.aclose()
