"""An optional LLM judge, behind the same ``LLMBackend`` interface as the chat model.

It costs a model call per reply, so it only runs where an operator configures
it, and always within a budget: calls per minute, tokens per hour, a timeout.
Over budget, timed out, failed or unparseable, it says nothing (``None``) and
the deterministic checks stand alone: a judge must never block a turn.
Evidence it cites must be a quote of the reply; invented quotes are dropped.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from roleplay.consistency.report import PersonaContext, Problem, ProblemKind
from roleplay.errors import LLMError
from roleplay.llm.base import ChatMessage, LLMBackend, LLMRequest

log = structlog.get_logger("roleplay.consistency.judge")

_KINDS: set[str] = {
    "out_of_character",
    "anachronism",
    "self_address",
    "address",
    "spoiler",
    "card_contradiction",
    "reply_contradiction",
}
_JSON = re.compile(r"\{.*\}", re.DOTALL)

SYSTEM = (
    "You are a continuity editor for role-play chats with characters from novels. "
    "Decide whether the character's reply stays in character: no assistant talk or "
    "fourth-wall remarks, nothing foreign to the character's era, the character's own "
    "forms of address, nothing the reader has not reached yet, no contradiction of the "
    "character's facts. Answer with JSON only: "
    '{"ok": true|false, "problems": [{"kind": "<kind>", "evidence": "<exact quote from '
    'the reply>", "why": "<short reason>"}]}. Kinds: ' + ", ".join(sorted(_KINDS)) + "."
)


@dataclass(frozen=True, slots=True)
class JudgeBudget:
    calls_per_minute: int = 30
    tokens_per_hour: int = 300_000
    timeout_s: float = 8.0
    max_reply_tokens: int = 300
    sample_rate: float = 1.0  # share of eligible replies judged


@dataclass(slots=True)
class JudgeStats:
    calls: int = 0
    skipped_budget: int = 0
    skipped_sample: int = 0
    failures: int = 0
    tokens: int = 0
    _calls_at: deque[float] = field(default_factory=deque)
    _tokens_at: deque[tuple[float, int]] = field(default_factory=deque)


class LLMJudge:
    def __init__(
        self,
        llm: LLMBackend,
        budget: JudgeBudget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sample: Callable[[], float] = random.random,
    ) -> None:
        self.llm = llm
        self.budget = budget or JudgeBudget()
        self.stats = JudgeStats()
        self._clock = clock
        self._sample = sample

    async def judge(
        self, reply: str, context: PersonaContext, card_text: str
    ) -> list[Problem] | None:
        if self._sample() >= self.budget.sample_rate:
            self.stats.skipped_sample += 1
            return None
        messages = [
            ChatMessage("system", SYSTEM),
            ChatMessage("user", _brief(reply, context, card_text)),
        ]
        estimate = sum(len(m.content) for m in messages) // 2 + self.budget.max_reply_tokens
        if not self._admit(estimate):
            self.stats.skipped_budget += 1
            return None
        request = LLMRequest(messages, max_tokens=self.budget.max_reply_tokens, temperature=0.0)
        try:
            async with asyncio.timeout(self.budget.timeout_s):
                text, used = await self._collect(request)
        except (TimeoutError, LLMError) as exc:
            self.stats.failures += 1
            log.warning("judge_failed", error=repr(exc))
            return None
        self._spend(used or estimate)
        problems = parse_verdict(text, reply)
        if problems is None:
            self.stats.failures += 1
        return problems

    def _admit(self, estimate: int) -> bool:
        now = self._clock()
        while self.stats._calls_at and now - self.stats._calls_at[0] > 60:
            self.stats._calls_at.popleft()
        while self.stats._tokens_at and now - self.stats._tokens_at[0][0] > 3600:
            self.stats._tokens_at.popleft()
        spent = sum(n for _, n in self.stats._tokens_at)
        if len(self.stats._calls_at) >= self.budget.calls_per_minute:
            return False
        if spent + estimate > self.budget.tokens_per_hour:
            return False
        self.stats._calls_at.append(now)
        self.stats.calls += 1
        return True

    def _spend(self, tokens: int) -> None:
        self.stats.tokens += tokens
        self.stats._tokens_at.append((self._clock(), tokens))

    async def _collect(self, request: LLMRequest) -> tuple[str, int]:
        parts: list[str] = []
        used = 0
        async for chunk in self.llm.stream(request):
            parts.append(chunk.text)
            if chunk.usage is not None:
                used = chunk.usage.prompt_tokens + chunk.usage.completion_tokens
        return "".join(parts), used


def _brief(reply: str, context: PersonaContext, card_text: str) -> str:
    chapter = "unknown" if context.chapter is None else str(context.chapter)
    return (
        f"Character: {context.character_name}\n"
        f"Reader has read up to chapter: {chapter}\n"
        f"Character card (what the reader may know):\n{card_text[:2000]}\n\n"
        f"Reader's message:\n{context.user_message[:1000]}\n\n"
        f"Character's reply to judge:\n{reply[:2000]}"
    )


def parse_verdict(text: str, reply: str) -> list[Problem] | None:
    """The judge's problems, or None when its answer is not the JSON asked for."""
    match = _JSON.search(text)
    if match is None:
        return None
    try:
        raw: Any = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("problems", []), list):
        return None
    problems: list[Problem] = []
    for item in raw.get("problems", []):
        if not isinstance(item, dict):
            continue
        evidence = str(item.get("evidence", "")).strip()
        if not evidence or evidence not in reply:
            continue  # a quote the reply does not contain is the judge's invention
        problems.append(
            Problem(
                kind_of(str(item.get("kind", ""))),
                evidence,
                str(item.get("why", "the judge found it out of character"))[:300],
                checker="llm_judge",
            )
        )
    if raw.get("ok") is False and not problems:
        return []  # a verdict without a quotable reason is not evidence
    return problems


def kind_of(name: str) -> ProblemKind:
    return name if name in _KINDS else "judge"  # type: ignore[return-value]
