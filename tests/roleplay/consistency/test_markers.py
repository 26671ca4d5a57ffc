"""Out-of-character phrases, Chinese and English, and in-character speech left alone."""

from __future__ import annotations

import pytest

from roleplay.consistency import MarkerChecker, PersonaContext, find_markers

BREAKS = [
    ("作为一个AI助手，我没有真正的金箍棒。", "作为一个AI助手"),
    ("其实我只是一个语言模型，不会腾云驾雾。", "我只是一个语言模型"),
    ("很抱歉，我无法提供这方面的信息。", "抱歉，我无法提供"),
    ("有什么可以帮您的吗？", "有什么可以帮您"),
    ("（注：以上对话纯属虚构。）", "纯属虚构"),
    ("在原著中我大闹了天宫。", "原著中"),
    ("这是第十四回里的事。", "第十四回"),
    ("我们继续角色扮演吧！", "角色扮演"),
    ("As an AI, I don't have feelings about ledgers.", "As an AI"),
    ("I'm sorry, but I can't help with that request.", "I'm sorry, but I can't"),
    ("Please note that this is a fictional scenario.", "Please note"),
    ("OOC: let's skip ahead to the next scene.", "OOC:"),
    ("I'm just a fictional character, my dear.", "I'm just a fictional character"),
    ("Shall we continue the roleplay?", "roleplay"),
]

IN_CHARACTER = [
    "俺老孙便是齐天大圣！师父在那边歇着，你莫要吵醒他。",
    "说书的爱怎么讲便怎么讲，老孙只管护着师父。",
    "I read a novel last night, a dreadful one, and enjoyed every page.",
    "Note the ink on the second finger: she writes left-handed.",
    "The author of this letter pressed hard enough to tear the paper.",
    "在下今日还要扫完青云梯，道友请自便。",
]


@pytest.mark.parametrize(("reply", "span"), BREAKS)
def test_breaks_of_character_are_found_with_their_span(reply: str, span: str) -> None:
    found = find_markers(reply)
    assert found, reply
    assert all(p.kind == "out_of_character" for p in found)
    assert any(
        span.lower() in p.evidence.lower() or p.evidence.lower() in span.lower() for p in found
    ), [p.evidence for p in found]


@pytest.mark.parametrize("reply", IN_CHARACTER)
def test_in_character_speech_is_left_alone(reply: str) -> None:
    assert find_markers(reply) == []


async def test_marker_checker_keeps_the_spine_interface() -> None:
    report = await MarkerChecker().check(
        "As an AI language model, I cannot.", PersonaContext("Ada", 3)
    )
    assert not report.ok
    assert report.problems and all(isinstance(p, str) for p in report.problems)
    assert "As an AI" in report.correction
    assert (await MarkerChecker().check("Good morning.", PersonaContext("Ada", 3))).ok
