"""Spoilers by the reader's chapter: lorebook provenance, the extraction's roster, canon lines."""

from __future__ import annotations

import pytest

from characters.card import CharacterCard, parse_card_json
from roleplay.consistency import PersonaChecker, PersonaContext
from tests.roleplay.consistency.conftest import sample_json


@pytest.fixture(scope="module")
def card() -> CharacterCard:
    """孙悟空 with two lorebook entries whose subjects first appear late in the book."""
    raw = sample_json("sun-wukong")
    entries = raw["data"]["character_book"]["entries"]
    entries.append(
        {
            "keys": ["红孩儿", "圣婴大王"],
            "content": "红孩儿：牛魔王之子，号圣婴大王，会吐三昧真火。",
            "extensions": {"novel_roleplay": {"first_chapter": 40}},
        }
    )
    entries.append(
        {
            "keys": ["六耳猕猴"],
            "content": "六耳猕猴：假扮悟空的妖猴。",
            "extensions": {"novel_roleplay": {"chapter": 57}},
        }
    )
    return parse_card_json(raw)


def at(
    card: CharacterCard, chapter: int | None, user: str = "后来呢？", **kw: object
) -> PersonaContext:
    return PersonaContext(
        "孙悟空", chapter, card=card, card_key="wukong+late", user_message=user, **kw
    )  # type: ignore[arg-type]


async def test_an_entity_from_a_later_chapter_is_a_spoiler(card: CharacterCard) -> None:
    report = await PersonaChecker().check("前头那个红孩儿，火可厉害着哩！", at(card, 20))
    assert [(f.kind, f.evidence, f.chapter) for f in report.findings] == [("spoiler", "红孩儿", 40)]
    assert "not reached" in report.correction


async def test_the_same_entity_is_fine_once_the_reader_got_there(card: CharacterCard) -> None:
    assert (await PersonaChecker().check("那红孩儿的火可厉害着哩！", at(card, 45))).ok


async def test_a_reader_without_a_chapter_gets_no_spoiler_check(card: CharacterCard) -> None:
    assert (await PersonaChecker().check("六耳猕猴也敢冒充老孙？", at(card, None))).ok


async def test_what_the_reader_brought_up_is_not_a_spoiler(card: CharacterCard) -> None:
    ctx = at(card, 10, user="你认识红孩儿吗？")
    assert (await PersonaChecker().check("红孩儿？没听说过。", ctx)).ok


async def test_the_extraction_s_first_chapter_map_in_the_context(card: CharacterCard) -> None:
    first = {"女儿国": 54, "Bull Demon": 60, "花果山": 1}
    checker = PersonaChecker()
    report = await checker.check(
        "等到了女儿国，你就知道了。花果山可好玩。", at(card, 30, first_chapter=first)
    )
    assert [f.evidence for f in report.findings] == ["女儿国"]
    ok = await checker.check("Bull Demons are everywhere.", at(card, 30, first_chapter=first))
    assert ok.ok, "Latin names match whole words only"


async def test_a_later_canon_line_echoed_is_a_spoiler(card: CharacterCard) -> None:
    """The card's line about 火焰山 belongs to chapter 59."""
    report = await PersonaChecker().check("这算什么热？你去火焰山走一遭，那才叫热！", at(card, 14))
    assert len(report.findings) == 1
    finding = report.findings[0]
    assert finding.kind == "spoiler" and finding.chapter == 59
    assert "火焰山" in finding.source
    assert (
        await PersonaChecker().check("这算什么热？你去火焰山走一遭，那才叫热！", at(card, 60))
    ).ok


async def test_lines_the_reader_may_see_are_not_echo_spoilers(card: CharacterCard) -> None:
    report = await PersonaChecker().check(
        "一个筋斗，十万八千里！祖师传的口诀可不能乱说。", at(card, 14)
    )
    assert report.ok
