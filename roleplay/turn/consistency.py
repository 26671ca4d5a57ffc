"""Stage 6: does the reply stay in character?

The spine ships the interface and a deterministic check for the most blatant
breaks (assistant talk, disclaimers, fourth-wall remarks). The full persona
checker (spoilers, anachronisms, address forms, contradictions) plugs in here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ConsistencyReport:
    ok: bool
    problems: list[str] = field(default_factory=list)

    @property
    def correction(self) -> str:
        return "Stay in character. Avoid: " + "; ".join(self.problems)


@dataclass(frozen=True, slots=True)
class PersonaContext:
    character_name: str
    chapter: int | None
    previous_replies: Sequence[str] = ()


class ConsistencyChecker(Protocol):
    async def check(self, reply: str, context: PersonaContext) -> ConsistencyReport: ...


_OUT_OF_CHARACTER = re.compile(
    "|".join(
        [
            r"\bas an ai\b",
            r"\b(i am|i'm) (just )?(an? )?(ai|language model|assistant|chatbot)\b",
            r"\blanguage model\b",
            r"\bopenai\b",
            r"作为(一个)?(人工智能|AI|语言模型|AI助手)",
            r"我(只)?是(一个)?(人工智能|AI|语言模型|AI助手|聊天机器人)",
        ]
    ),
    re.IGNORECASE,
)


class MarkerChecker:
    async def check(self, reply: str, context: PersonaContext) -> ConsistencyReport:
        hits = [m.group(0) for m in _OUT_OF_CHARACTER.finditer(reply)]
        if not hits:
            return ConsistencyReport(ok=True)
        return ConsistencyReport(
            ok=False, problems=[f"out-of-character phrase {h!r}" for h in hits]
        )
