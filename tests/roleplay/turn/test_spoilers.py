"""Canon mode never speaks lines from chapters the reader has not reached."""

from __future__ import annotations

import dataclasses
import json

from redis.asyncio import Redis

from characters.card import parse_card_json
from characters.store import SAMPLES
from memory.embeddings import HashEmbedder
from roleplay.llm.canon import CanonBackend
from roleplay.llm.scripted import ScriptedLLM
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


async def test_lore_about_later_chapters_stays_out_of_the_prompt(
    parts: tuple[Services, Settings], redis_client: Redis
) -> None:
    services, settings = parts
    card = json.loads((SAMPLES / "lin-qingyu.json").read_text("utf-8"))
    entries = card["data"]["character_book"]["entries"]
    entries.append(
        {
            "keys": ["沈星河"],
            "content": "沈星河：第十二回才出场的魔教少主，林清羽后来的死敌。",
            "extensions": {"novel_roleplay": {"kind": "character", "first_chapter": 12}},
        }
    )
    entries[0]["extensions"] = {"novel_roleplay": {"kind": "technique", "first_chapter": 1}}
    await services.cards.put(parse_card_json(card), card_id="lin-late-lore")
    llm = ScriptedLLM(default="嗯。")
    service = ChatService(dataclasses.replace(services, llm=llm), settings)
    reader = await ReaderStore(redis_client).create("读者")

    early, _ = await service.start_chat(reader, "lin-late-lore", chapter=3)
    [e async for e in service.turn(reader, early.id, "沈星河是谁？清心诀难练吗？")]
    prompt = "\n".join(m.content for m in llm.requests[-1].messages)
    assert "青云宗发给每个外门弟子" in prompt and "魔教少主" not in prompt

    late, _ = await service.start_chat(reader, "lin-late-lore", chapter=12)
    [e async for e in service.turn(reader, late.id, "沈星河是谁？")]
    assert "魔教少主" in "\n".join(m.content for m in llm.requests[-1].messages)
