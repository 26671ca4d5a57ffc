from __future__ import annotations

import pytest

from characters.extract.errors import ExtractError
from characters.extract.llm import ArcDigest, LLMProfiler, ProfileBudget
from roleplay.llm.scripted import ScriptedLLM


def count(text: str) -> int:
    return len(text)  # one token per character: the strictest honest count for Chinese


async def test_profiles_stay_inside_the_budget() -> None:
    llm = ScriptedLLM()
    llm.enqueue("下山历练的少年剑客。\n直爽，重诺。", "回山的剑客。\n沉稳。")
    budget = ProfileBudget(source_chars=10_000)
    profiler = LLMProfiler(llm, count, budget)
    arcs = [
        ArcDigest("林青石", 1, 10, lines=["我放心不下你。"] * 200, narration=["青石拔剑。"] * 50),
        ArcDigest("林青石", 11, 20, lines=["师父！"]),
    ]
    snaps = await profiler.profile(arcs, share=1200)
    assert [s.from_chapter for s in snaps] == [1, 11]
    assert snaps[0].description == "下山历练的少年剑客。" and snaps[0].personality == "直爽，重诺。"
    assert budget.spent <= 1200 <= budget.limit
    assert all(count(r.messages[0].content) <= 600 for r in llm.requests)


async def test_budget_is_never_overrun() -> None:
    budget = ProfileBudget(source_chars=1000)  # 300 tokens
    profiler = LLMProfiler(ScriptedLLM(default="a\nb"), count, budget)
    arcs = [ArcDigest("X", i, i, lines=["台词"] * 50) for i in range(1, 4)]
    with pytest.raises(ExtractError, match="budget"):
        await profiler.profile(arcs, share=2000)
    assert budget.spent <= budget.limit


def test_ratio_above_the_limit_is_refused() -> None:
    with pytest.raises(ExtractError):
        ProfileBudget(1000, ratio=0.5)
