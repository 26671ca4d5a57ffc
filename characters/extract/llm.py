"""Optional LLM profiles: map over arcs, reduce per character, inside a hard token budget.

The deterministic pipeline gives every character lines, chapters and relations;
an LLM can turn those into prose (description, personality) per story arc. It
is optional and bounded: ``ProfileBudget`` allows at most ``ratio`` LLM tokens
(prompt + completion) per character of source text (0.3 by default, the issue's
limit), split evenly over characters and their arcs, and material is trimmed to
fit before a call is made, never after. The backend is the engine's own
``LLMBackend``, so tests use ``ScriptedLLM``.

Not wired into ``run_pipeline`` yet: the caller decides when to spend tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from characters.extract.errors import ExtractError
from characters.novel import Snapshot
from roleplay.llm.base import ChatMessage, LLMBackend, LLMRequest

COMPLETION_TOKENS = 200


class ProfileBudget:
    """Counts tokens spent; refuses any call that would pass ``ratio`` × source characters."""

    def __init__(self, source_chars: int, ratio: float = 0.3) -> None:
        if not 0 < ratio <= 0.3:
            raise ExtractError("the LLM budget ratio must be in (0, 0.3] tokens per character")
        self.limit = int(source_chars * ratio)
        self.spent = 0

    @property
    def remaining(self) -> int:
        return self.limit - self.spent

    def reserve(self, tokens: int) -> None:
        if tokens > self.remaining:
            raise ExtractError(f"LLM budget exhausted: {tokens} > {self.remaining} tokens left")
        self.spent += tokens


@dataclass(slots=True)
class ArcDigest:
    """What one character says and does within one arc: the map step's input."""

    name: str
    from_chapter: int
    to_chapter: int
    lines: list[str] = field(default_factory=list)
    narration: list[str] = field(default_factory=list)


class LLMProfiler:
    def __init__(
        self,
        llm: LLMBackend,
        count_tokens: Callable[[str], int],
        budget: ProfileBudget,
        *,
        language: str = "zh",
    ) -> None:
        self.llm = llm
        self.count = count_tokens
        self.budget = budget
        self.language = language

    async def profile(self, arcs: Sequence[ArcDigest], share: int) -> list[Snapshot]:
        """Map each arc to a snapshot, spending at most ``share`` tokens in total."""
        per_arc = share // max(1, len(arcs))
        snaps = []
        for arc in arcs:
            prompt = self._prompt(arc, per_arc - COMPLETION_TOKENS)
            if prompt is None:
                continue  # the share does not even hold the instructions: skip, do not overrun
            self.budget.reserve(self.count(prompt) + COMPLETION_TOKENS)
            text = await self._complete(prompt)
            description, _, personality = text.partition("\n")
            snaps.append(
                Snapshot(
                    from_chapter=arc.from_chapter,
                    to_chapter=arc.to_chapter,
                    description=description.strip(),
                    personality=personality.strip(),
                )
            )
        return snaps

    def _prompt(self, arc: ArcDigest, limit: int) -> str | None:
        head = (
            f"根据下面《{arc.name}》在第{arc.from_chapter}–{arc.to_chapter}章的台词和叙述，"
            "第一行写人物描述，第二行写性格，只依据材料。\n"
            if self.language == "zh"
            else f"From {arc.name}'s lines and narration in chapters {arc.from_chapter}-"
            f"{arc.to_chapter}, write a description (line 1) and personality (line 2); "
            "use only this material.\n"
        )
        if self.count(head) > limit:
            return None
        parts = [head]
        used = self.count(head)
        for piece in [*arc.lines, *arc.narration]:
            cost = self.count(piece) + 1
            if used + cost > limit:
                break
            parts.append(piece)
            used += cost
        return "\n".join(parts)

    async def _complete(self, prompt: str) -> str:
        request = LLMRequest(
            messages=[ChatMessage("user", prompt)], max_tokens=COMPLETION_TOKENS, temperature=0.2
        )
        out = []
        async for chunk in self.llm.stream(request):
            out.append(chunk.text)
        return "".join(out)
