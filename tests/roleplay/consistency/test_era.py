"""Anachronisms by era: the work's free-text era, the lexicon, and the reader's own words."""

from __future__ import annotations

import pytest

from characters.card import CharacterCard
from roleplay.consistency import PersonaChecker, PersonaContext
from roleplay.consistency.era import AnachronismLexicon, parse_era


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("ancient China, mythic", 1000),
        ("仙侠, ancient", 1000),
        ("Victorian London, 1890s", 1899),
        ("London, 1815", 1815),
        ("18th century France", 1799),
        ("民国上海", 1935),
        ("晚清", 1850),
        ("present-day Shanghai", None),
        ("现代都市", None),
        ("far future, space opera sci-fi", None),
        ("", None),
    ],
)
def test_era_text_becomes_the_latest_year_the_world_knows(text: str, year: int | None) -> None:
    assert parse_era(text).year == year


@pytest.mark.parametrize(
    ("reply", "term"),
    [
        ("老孙拿手机给你瞧瞧。", "手机"),
        ("这事你上互联网一查便知。", "互联网"),
        ("此处可有WiFi？", "WiFi"),
        ("OK，老孙这就去！", "OK"),
        ("师父，咱们坐飞机去西天罢。", "飞机"),
        ("八戒这呆子又在刷抖音。", "抖音"),
    ],
)
def test_modern_words_from_an_ancient_character(reply: str, term: str) -> None:
    lexicon = AnachronismLexicon(parse_era("ancient China, mythic"), "zh")
    assert [p.evidence for p in lexicon.find(reply)] == [term]


def test_the_same_words_are_fine_in_a_present_day_story() -> None:
    lexicon = AnachronismLexicon(parse_era("现代都市"), "zh")
    assert lexicon.find("我用手机连上WiFi，OK。") == []


def test_a_victorian_knows_the_telephone_but_not_the_internet() -> None:
    lexicon = AnachronismLexicon(parse_era("Victorian London, 1890s"), "en")
    assert lexicon.find("I shall send a telegraph, or ring him on the telephone.") == []
    found = lexicon.find("Look it up on the Internet, or email the Inspector from your laptop.")
    assert sorted(p.evidence.lower() for p in found) == ["email", "internet", "laptop"]


def test_latin_terms_need_word_boundaries() -> None:
    lexicon = AnachronismLexicon(parse_era("Victorian London, 1890s"), "en")
    # "tv" inside a word, "ok" inside "book": not the modern words.
    assert lexicon.find("Hand me the book; the Brass Kettle's tvorog is excellent.") == []


def test_a_word_the_reader_used_may_be_puzzled_over() -> None:
    lexicon = AnachronismLexicon(parse_era("ancient China, mythic"), "zh")
    assert lexicon.find("手机？那是什么宝贝？", "你知道手机吗？") == []
    assert lexicon.find("手机？那是什么宝贝？", "你好") != []


@pytest.mark.parametrize("fixture", ["wukong", "ada", "qingyu"])
async def test_the_sample_cards_own_lines_pass_every_check(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """Canon lines said at their own chapter, in reply to their own context, break nothing.

    That covers every check at once: no marker, era, address or spoiler false alarm.
    """
    card: CharacterCard = request.getfixturevalue(fixture)
    checker = PersonaChecker()
    flagged = []
    for line in card.canon_lines():
        chapter = line.chapter if line.chapter is not None else 1
        ctx = PersonaContext(
            card.data.name, chapter, card=card, card_key=fixture, user_message=line.context
        )
        report = await checker.check(line.text, ctx)
        if not report.ok:
            flagged.append((line.text, report.problems))
    assert flagged == []
