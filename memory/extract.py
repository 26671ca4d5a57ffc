"""Memorable facts from one exchange: by rules (English and Chinese), or by an LLM when configured.

A fact has a *slot* when it is a value that can change ("name", "likes:coffee",
"home"): a new value in the same slot supersedes the old one instead of piling up
next to it. Promises and shared events have no slot: they accumulate. The rules
are deliberately conservative (a wrong fact in a prompt is worse than a missing
one, and the turn itself is stored anyway).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

from memory.base import TurnRecord

log = structlog.get_logger("memory.extract")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class Fact:
    text: str
    slot: str | None = None
    value: str = ""
    importance: float = 0.6
    about: str = "user"  # "user" (the reader), "character", or "both" (the relationship)


class FactExtractor(Protocol):
    async def extract(self, turn: TurnRecord) -> Sequence[Fact]: ...


_MOODS = "happy|sad|angry|lonely|tired|excited|worried|scared|nervous|stressed"
_VALUE = r"([^.,!?;:\n]{1,40}?)"
_END = r"(?=\s*(?:[.,!?;:\n]|$| and | but | because | so ))"

# (pattern, slot template, fact template, importance); {v} is the value, {who} the speaker.
_EN_RULES: list[tuple[str, str | None, str, float]] = [
    (rf"\bmy name is {_VALUE}{_END}", "name", "{who}'s name is {v}", 0.9),
    (
        rf"\b(?:call me|i'm called|i am called) {_VALUE}{_END}",
        "name",
        "{who} wants to be called {v}",
        0.9,
    ),
    (r"\bi am (\d{1,3}) years old", "age", "{who} is {v} years old", 0.7),
    (
        rf"\bmy fav(?:ou|o)rite (\w+(?: \w+)?) is {_VALUE}{_END}",
        "fav:{k}",
        "{who}'s favourite {k} is {v}",
        0.8,
    ),
    (
        rf"\bi (?:really |truly )?(?:like|love|enjoy|adore) {_VALUE}{_END}",
        "pref:{v}",
        "{who} likes {v}",
        0.7,
    ),
    (
        rf"\bi (?:really )?(?:hate|dislike|can't stand|don't like|do not like) {_VALUE}{_END}",
        "pref:{v}",
        "{who} dislikes {v}",
        0.7,
    ),
    (rf"\bi (?:live|am living|'m living) in {_VALUE}{_END}", "home", "{who} lives in {v}", 0.7),
    (rf"\bi (?:just )?moved to {_VALUE}{_END}", "home", "{who} moved to {v}", 0.7),
    (rf"\bi work (?:as|at|for) {_VALUE}{_END}", "job", "{who} works as/at {v}", 0.7),
    (
        rf"\bi(?: will|'ll)? promise (?:you )?(?:to |that )?{_VALUE}{_END}",
        None,
        "{who} promised: {v}",
        0.9,
    ),
    (rf"\bpromise me {_VALUE}{_END}", None, "{who} asked for a promise: {v}", 0.8),
    (
        rf"\bi(?: am|'m) (?:so |very |really )?({_MOODS}){_END}",
        "mood",
        "{who} feels {v}",
        0.5,
    ),
]

_ZH_VALUE = r"([^，。！？；：,.!?;:\s]{1,20})"
_ZH_RULES: list[tuple[str, str | None, str, float]] = [
    (rf"我(?:的名字)?叫{_ZH_VALUE}", "name", "{who}的名字是{v}", 0.9),
    (rf"我的名字是{_ZH_VALUE}", "name", "{who}的名字是{v}", 0.9),
    (rf"(?:你)?(?:可以)?叫我{_ZH_VALUE}", "name", "{who}希望被称为{v}", 0.9),
    (r"我(?:今年)?(\d{1,3})岁", "age", "{who}{v}岁", 0.7),
    (rf"我最喜欢的([^是，。]{{1,6}})是{_ZH_VALUE}", "fav:{k}", "{who}最喜欢的{k}是{v}", 0.8),
    (rf"我(?:不喜欢|讨厌|不爱|受不了){_ZH_VALUE}", "pref:{v}", "{who}不喜欢{v}", 0.7),
    (rf"我(?:很|真|最|特别|非常)?(?:喜欢|爱|热爱){_ZH_VALUE}", "pref:{v}", "{who}喜欢{v}", 0.7),
    (rf"我(?:住在|家在|搬到了?){_ZH_VALUE}", "home", "{who}住在{v}", 0.7),
    (
        r"我(?:是(?:一名|一个|个)?|在)([^，。！？]{1,12}?)(?:工作|上班)",
        "job",
        "{who}的工作：{v}",
        0.7,
    ),
    (rf"我(?:答应|保证|发誓|承诺)(?:你)?{_ZH_VALUE}", None, "{who}答应：{v}", 0.9),
    (rf"(?:答应我|你要保证|约定好?){_ZH_VALUE}", None, "{who}请求约定：{v}", 0.8),
    (
        r"我(?:觉得|感到|感觉|很|好)(开心|高兴|难过|伤心|生气|孤独|累|害怕|紧张|兴奋)",
        "mood",
        "{who}感到{v}",
        0.5,
    ),
]
_ZH_NEGATIVE_PREF = re.compile(r"不喜欢|讨厌|不爱|受不了")
_EN = [(re.compile(p, re.IGNORECASE), s, t, i) for p, s, t, i in _EN_RULES]
_ZH = [(re.compile(p), s, t, i) for p, s, t, i in _ZH_RULES]


def _slot_key(value: str) -> str:
    return re.sub(r"\W+", " ", value.lower()).strip()


def rule_facts(text: str, who: str, about: str = "user") -> list[Fact]:
    """Facts ``who`` states about themselves in ``text``; English and Chinese rules both run."""
    out: list[Fact] = []
    seen_slots: set[str] = set()
    rules = _ZH + _EN if _CJK.search(text) else _EN
    for regex, slot_t, fact_t, importance in rules:
        for match in regex.finditer(text):
            groups = [g.strip() for g in match.groups()]
            k, v = (groups[0], groups[1]) if len(groups) == 2 else ("", groups[0])
            if not v or (slot_t or "").startswith("pref:") and _ZH_NEGATIVE_PREF.match(v):
                continue
            slot = slot_t.format(k=_slot_key(k), v=_slot_key(v)) if slot_t else None
            if slot is not None and slot in seen_slots:
                continue  # "我不喜欢X" also matches the 喜欢 rule; the first (negative) wins
            if slot is not None:
                seen_slots.add(slot)
            said = fact_t.format(who=who, k=k, v=v)
            out.append(Fact(said, slot, _slot_key(v), importance, about))
    return out


class RuleExtractor:
    """Deterministic extraction: the reader's self-statements, and promises on both sides."""

    async def extract(self, turn: TurnRecord) -> Sequence[Fact]:
        facts = rule_facts(turn.user_text, turn.user_name, "user")
        facts += [
            Fact(f.text, None, f.value, f.importance, "character")
            for f in rule_facts(turn.reply_text, turn.character_name, "character")
            if f.slot is None  # the character's promises matter; its "preferences" are the card's
        ]
        return facts


_PROMPT = """Extract durable facts about the user ({user}) and their relationship with {char}
from this exchange. Answer with JSON lines only, one object per fact:
{{"text": "<one short sentence>",
 "slot": "<name|age|home|job|fav:<what>|pref:<thing>|mood or null>",
 "importance": <0..1>}}
Use a null slot for promises and shared events. If there are no facts, answer nothing.

{user}: {user_text}
{char}: {reply_text}"""


class LLMExtractor:
    """Asks a model for facts (``complete(prompt) -> text``); falls back to the rules on failure."""

    def __init__(self, complete: Callable[[str], Awaitable[str]]) -> None:
        self._complete = complete
        self._rules = RuleExtractor()

    async def extract(self, turn: TurnRecord) -> Sequence[Fact]:
        prompt = _PROMPT.format(
            user=turn.user_name,
            char=turn.character_name,
            user_text=turn.user_text,
            reply_text=turn.reply_text,
        )
        try:
            return _parse(await self._complete(prompt))
        except Exception as exc:  # a model that rambles must not cost the memory its facts
            log.warning("llm_extraction_failed", error=repr(exc))
            return await self._rules.extract(turn)


def _parse(answer: str) -> list[Fact]:
    facts = []
    for line in answer.splitlines():
        line = line.strip().rstrip(",")
        if not line.startswith("{"):
            continue
        obj = json.loads(line)
        text = str(obj.get("text", "")).strip()
        if not text:
            continue
        slot = obj.get("slot")
        importance = min(1.0, max(0.0, float(obj.get("importance", 0.6))))
        facts.append(Fact(text[:300], str(slot) if slot else None, "", importance, "both"))
    return facts
