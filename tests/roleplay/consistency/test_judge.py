"""The optional LLM judge, driven by the scripted backend: verdicts, budget, failures."""

from __future__ import annotations

import json

from characters.card import CharacterCard
from roleplay.consistency import JudgeBudget, LLMJudge, PersonaChecker, PersonaContext
from roleplay.consistency.judge import parse_verdict
from roleplay.errors import LLMError
from roleplay.llm.scripted import Fail, ScriptedLLM

REPLY = "老孙最爱用那面照妖镜打电玩。"


def verdict(*problems: dict[str, str], ok: bool = False) -> str:
    return json.dumps({"ok": ok, "problems": list(problems)}, ensure_ascii=False)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def ctx(card: CharacterCard | None = None) -> PersonaContext:
    return PersonaContext("孙悟空", 14, card=card, card_key="wukong", user_message="你平时玩什么？")


async def test_the_judge_s_problems_become_findings(wukong: CharacterCard) -> None:
    llm = ScriptedLLM()
    llm.enqueue(verdict({"kind": "anachronism", "evidence": "电玩", "why": "no games consoles"}))
    checker = PersonaChecker(judge=LLMJudge(llm))
    report = await checker.check(REPLY, ctx(wukong))
    assert [(f.kind, f.evidence, f.checker) for f in report.findings] == [
        ("anachronism", "电玩", "llm_judge")
    ]
    request = llm.requests[0]
    assert request.temperature == 0.0
    assert "孙悟空" in request.messages[1].content and REPLY in request.messages[1].content
    assert "judge" in report.timings_ms


async def test_invented_quotes_and_unknown_kinds_are_handled() -> None:
    text = "Sure! " + verdict(
        {"kind": "spoiler", "evidence": "not in the reply", "why": "x"},
        {"kind": "vibes", "evidence": "照妖镜", "why": "odd"},
    )
    problems = parse_verdict(text, REPLY)
    assert problems is not None
    assert [(p.kind, p.evidence) for p in problems] == [("judge", "照妖镜")]
    assert parse_verdict("I think it is fine.", REPLY) is None
    assert parse_verdict(verdict(ok=True), REPLY) == []


async def test_the_judge_stays_within_calls_per_minute() -> None:
    llm = ScriptedLLM(default=verdict(ok=True))
    clock = Clock()
    judge = LLMJudge(llm, JudgeBudget(calls_per_minute=2), clock=clock)
    results = [await judge.judge(REPLY, ctx(), "card") for _ in range(3)]
    assert results == [[], [], None]
    assert len(llm.requests) == 2 and judge.stats.skipped_budget == 1
    clock.now = 61.0
    assert await judge.judge(REPLY, ctx(), "card") == []
    assert len(llm.requests) == 3


async def test_the_judge_stays_within_tokens_per_hour() -> None:
    llm = ScriptedLLM(default=verdict(ok=True))
    judge = LLMJudge(llm, JudgeBudget(tokens_per_hour=1200, max_reply_tokens=100), clock=Clock())
    assert await judge.judge(REPLY, ctx(), "card") == []
    assert await judge.judge(REPLY, ctx(), "card" * 400) is None  # would overspend
    assert judge.stats.tokens > 0 and len(llm.requests) == 1


async def test_a_slow_or_failing_judge_says_nothing_and_blocks_nothing(
    wukong: CharacterCard,
) -> None:
    slow = ScriptedLLM(ttft_s=1.0, default=verdict(ok=True))
    judge = LLMJudge(slow, JudgeBudget(timeout_s=0.05))
    assert await judge.judge(REPLY, ctx(), "card") is None
    failing = ScriptedLLM()
    failing.enqueue(Fail(LLMError("endpoint down")))
    checker = PersonaChecker(judge=LLMJudge(failing))
    report = await checker.check("俺老孙去去就来！", ctx(wukong))
    assert report.ok


async def test_sampling_and_clean_mode_save_calls(wukong: CharacterCard) -> None:
    llm = ScriptedLLM(default=verdict(ok=True))
    sampled = LLMJudge(llm, JudgeBudget(sample_rate=0.5), sample=lambda: 0.9)
    assert await sampled.judge(REPLY, ctx(), "card") is None
    assert sampled.stats.skipped_sample == 1 and not llm.requests
    checker = PersonaChecker(judge=LLMJudge(llm))  # "clean": failing replies are not judged
    report = await checker.check("作为一个AI，我不会七十二变。", ctx(wukong))
    assert not report.ok and not llm.requests
