"""Out-of-character markers: assistant talk, disclaimers, breaking the fourth wall.

Patterns are deliberately narrow (a phrase, not a word): "novel" or "读者" alone
is normal speech for a letter-writer or a scholar, "in the original novel" or
"作为一个AI" is not. One compiled regex per group keeps a check in microseconds.
"""

from __future__ import annotations

import re

from roleplay.consistency.report import ConsistencyReport, PersonaContext, Problem

_GROUPS: dict[str, list[str]] = {
    "speaks as an AI assistant": [
        r"\bas an ai\b",
        r"\b(i am|i'm) (just |only )?(an? )?(ai|a\.i\.|language model|virtual assistant|"
        r"chatbot|assistant|large language model)\b",
        r"\blanguage model\b",
        r"\bopenai\b|\bchatgpt\b",
        r"\bhow (can|may) i (help|assist) you( today)?\b",
        r"\bi('m| am) (sorry|afraid),? but i (can(no|')t|am unable to)\b",
        r"\bi (cannot|can't|am not able to) (provide|assist|help) with\b",
        r"作为(一个|一名)?(人工智能|AI|ai|语言模型|AI助手|智能助手|助手)",
        r"我(只)?是(一个|一名)?(人工智能|AI|ai|语言模型|AI助手|智能助手|聊天机器人|虚拟助手)",
        r"有什么(我)?可以(帮|为)(您|你)",
        r"(很|非常)?抱歉[，,]?(但)?我(无法|不能)(提供|回答|协助|帮助)",
    ],
    "adds a disclaimer or a note outside the story": [
        r"\bdisclaimer\b",
        r"\b(please note|it'?s important to note|it is important to note)\b",
        r"\bfor (educational|entertainment) purposes\b",
        r"(^|\n)\s*[\(（\[]?\s*(ooc|note|disclaimer)\s*[:：]",
        r"\bout of character\b|\booc\b",
        r"免责声明|温馨提示|仅供参考|纯属虚构|请注意[，,]?这",
        r"(^|\n)\s*[\(（\[]?\s*(注|备注|说明|旁白)\s*[:：]",
        r"如果(您|你)(还)?有(任何)?其他问题",
    ],
    "breaks the fourth wall": [
        r"\brole-?play(ing)?\b",
        r"\bcharacter card\b|\bsystem prompt\b",
        r"\bin the (original )?(novel|book|story) i\b",
        r"\b(i'?m|i am) (just |only )?a (fictional |made-up )?character\b",
        r"\bas a fictional character\b",
        r"\bthe (author|writer) (wrote|made|created|has) me\b",
        r"\bdear reader\b",
        r"角色扮演|扮演(的)?角色|我扮演|人设|系统提示|提示词",
        r"(这部|本部|这本)(小说|书|作品)里|原著(中|里)|在小说(中|里)",
        r"(作者|编剧)(把我|让我|写我|安排|设定)",
        r"(虚构|小说)(的)?(角色|人物)",
        r"第[一二三四五六七八九十百千零两\d]+[回章]",
    ],
}

_COMPILED = [(why, re.compile("|".join(ps), re.IGNORECASE)) for why, ps in _GROUPS.items()]


def find_markers(reply: str) -> list[Problem]:
    """Every out-of-character phrase in ``reply``, first occurrence per group and phrase."""
    found: list[Problem] = []
    seen: set[str] = set()
    for why, pattern in _COMPILED:
        for match in pattern.finditer(reply):
            span = match.group(0).strip()
            if not span or span.lower() in seen:
                continue
            seen.add(span.lower())
            found.append(Problem("out_of_character", span, why, checker="markers"))
    return found


class MarkerChecker:
    """The deterministic out-of-character check on its own (the spine's default)."""

    async def check(self, reply: str, context: PersonaContext) -> ConsistencyReport:
        return ConsistencyReport.of(find_markers(reply))
