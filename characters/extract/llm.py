"""LLM profiles: map one call per (character, arc) to a snapshot, reduce per character.

Optional and bounded. ``ProfileBudget`` allows at most ``ratio`` LLM tokens (prompt +
completion) per character of source text (0.3 by default, the issue's limit): every
call reserves its prompt, counted with our tokenizer, plus its completion cap before
it is made, and gives back what the reply did not use. Material is trimmed to the
caller's limit before a call, never after. The backend is the engine's own
``LLMBackend``, so tests use ``ScriptedLLM``. Orchestration (who gets how much,
checkpoints, the report) is ``llmstage``; parsing the replies is ``llmreply``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from characters.extract.errors import ExtractError
from characters.extract.llmreply import arc_snapshot, base_fields, parse_object
from characters.novel import Snapshot
from roleplay.errors import LLMError
from roleplay.llm.base import ChatMessage, LLMBackend, LLMRequest

MAP_TOKENS = 500  # completion cap of a map call: one JSON snapshot
REDUCE_TOKENS = 600
MESSAGE_OVERHEAD = 4  # tokens the chat format adds around each message
MIN_MATERIAL = 150  # a call with less to read than this is not worth its instructions
T = TypeVar("T")


class ProfileBudget:
    """Counts tokens spent; refuses any call that would pass ``ratio`` × source characters."""

    def __init__(self, source_chars: int, ratio: float = 0.3) -> None:
        if not 0 < ratio <= 0.3:
            raise ExtractError("the LLM budget ratio must be in (0, 0.3] tokens per character")
        self.source_chars = source_chars
        self.ratio = ratio
        self.limit = int(source_chars * ratio)
        self.spent = 0

    @property
    def remaining(self) -> int:
        return self.limit - self.spent

    def reserve(self, tokens: int) -> None:
        if tokens > self.remaining:
            raise ExtractError(f"LLM budget exhausted: {tokens} > {self.remaining} tokens left")
        self.spent += tokens

    def release(self, tokens: int) -> None:
        """Give back the part of a reservation a call did not use."""
        self.spent -= max(0, tokens)

    def charge(self, tokens: int) -> None:
        """Count tokens this run already spent before it was interrupted (resume)."""
        self.spent += tokens


@dataclass(slots=True)
class ArcDigest:
    """What one character says and does within one arc: the map step's input."""

    name: str
    from_chapter: int
    to_chapter: int
    lines: list[str] = field(default_factory=list)
    narration: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    title: str = ""  # the volume, when the arc is one


@dataclass(slots=True)
class Outcome:
    """One call's result: a snapshot (map) or base fields (reduce), or why there is none."""

    tokens: int = 0  # charged to the budget
    snapshot: Snapshot | None = None
    base: tuple[str, str] | None = None  # description, personality
    reason: str = ""  # why the caller must fall back


class LLMProfiler:
    def __init__(
        self,
        llm: LLMBackend,
        count_tokens: Callable[[str], int],
        budget: ProfileBudget,
        *,
        language: str = "zh",
        title: str = "",
        map_tokens: int = MAP_TOKENS,
        reduce_tokens: int = REDUCE_TOKENS,
    ) -> None:
        self.llm = llm
        self.count = count_tokens
        self.budget = budget
        self.zh = language == "zh"
        self.title = title
        self.map_tokens = map_tokens
        self.reduce_tokens = reduce_tokens
        self.calls = 0
        self.backend_tokens = 0  # what the endpoint says it counted, when it says

    # -- sizes -------------------------------------------------------------------

    def map_cost(self, arc: ArcDigest) -> tuple[int, int]:
        """(least useful, most useful) tokens for ``arc``'s call, completion included."""
        head = self._tokens(self._map_messages(arc, [], []))
        material = sum(self.count(x) + 1 for x in [*arc.lines, *arc.narration])
        least = head + min(material, MIN_MATERIAL) + self.map_tokens
        return least, head + material + self.map_tokens

    def reduce_cost(self, arcs: int) -> int:
        """Tokens a reduce over ``arcs`` snapshots is given (about 150 tokens each)."""
        return self._tokens(self._reduce_messages("", [])) + 150 * arcs + self.reduce_tokens

    # -- calls -------------------------------------------------------------------

    async def map_arc(self, arc: ArcDigest, limit: int) -> Outcome:
        """``arc`` -> a snapshot, spending at most ``limit`` tokens (completion included)."""
        room = limit - self.map_tokens - self._tokens(self._map_messages(arc, [], []))
        if room < min(MIN_MATERIAL, len(arc.lines) + len(arc.narration)):
            return Outcome(reason="budget")
        line_room = int(room * 0.6) if arc.narration else room
        lines = spread(arc.lines, line_room, self._piece)
        told = spread(arc.narration, room - sum(map(self._piece, lines)), self._piece)
        text, tokens, error = await self._call(self._map_messages(arc, lines, told),
                                               self.map_tokens)  # fmt: skip
        if text is None:
            return Outcome(tokens, reason=error)
        snap = arc_snapshot(parse_object(text), arc.from_chapter, arc.to_chapter, self.zh)
        if snap is None:
            return Outcome(tokens, reason="unparsable reply")
        return Outcome(tokens, snapshot=snap)

    async def reduce(self, name: str, snaps: Sequence[Snapshot], limit: int) -> Outcome:
        """Arc snapshots -> the card's base description and personality."""
        room = limit - self.reduce_tokens - self._tokens(self._reduce_messages(name, []))
        if room <= 0 or not snaps:
            return Outcome(reason="budget")
        each = room // len(snaps)
        parts = [self._fit(self._arc_text(s), each) for s in snaps]
        text, tokens, error = await self._call(self._reduce_messages(name, parts),
                                               self.reduce_tokens)  # fmt: skip
        if text is None:
            return Outcome(tokens, reason=error)
        base = base_fields(parse_object(text))
        if base is None:
            return Outcome(tokens, reason="unparsable reply")
        return Outcome(tokens, base=base)

    async def _call(
        self, messages: list[ChatMessage], max_tokens: int
    ) -> tuple[str | None, int, str]:
        """One completion inside the budget: (reply or None, tokens charged, why not)."""
        prompt = self._tokens(messages)
        try:
            self.budget.reserve(prompt + max_tokens)
        except ExtractError:
            return None, 0, "budget"
        self.calls += 1
        request = LLMRequest(messages=messages, max_tokens=max_tokens, temperature=0.2)
        pieces = []
        try:
            async for chunk in self.llm.stream(request):
                pieces.append(chunk.text)
                if chunk.usage is not None:
                    self.backend_tokens += chunk.usage.prompt_tokens
                    self.backend_tokens += chunk.usage.completion_tokens
        except LLMError as err:
            self.budget.release(max_tokens)  # the prompt was sent: it stays counted
            return None, prompt, f"LLM error: {err.message}"[:200]
        text = "".join(pieces)
        used = min(max_tokens, self.count(text))
        self.budget.release(max_tokens - used)
        return text, prompt + used, ""

    # -- prompts -----------------------------------------------------------------

    def _map_messages(self, arc: ArcDigest, lines: list[str], told: list[str]) -> list[ChatMessage]:
        span = f"{arc.from_chapter}–{arc.to_chapter}"
        also = "、".join(arc.aliases) if self.zh else ", ".join(arc.aliases)
        if self.zh:
            who = f"人物：{arc.name}" + (f"（又称{also}）" if also else "")
            part = f"（{arc.title}）" if arc.title else ""
            ask = (
                f"小说《{self.title}》，{who}。下面是此人在第{span}章{part}"
                "的台词和相关叙述，方括号里是章节号。\n"
                "只根据这些材料，写此人在这一阶段的档案，只输出一个 JSON 对象：\n"
                '{"summary": "身份与处境，一两句", "personality": "性格", '
                '"speech_style": "说话方式", "goals": "此阶段的目标与动机", '
                '"relationships": [{"with": "人物", "relation": "关系与态度"}], '
                '"key_events": [{"chapter": 章节号, "event": "此人经历或做的事"}]}\n'
                "材料里没有依据的字段留空。"
            )
            body = ["台词：", *lines, "叙述：", *told]
        else:
            who = arc.name + (f" (also {also})" if also else "")
            ask = (
                f"Novel: {self.title}. Character: {who}. Below are their lines and narration "
                f"about them in chapters {span}{' (' + arc.title + ')' if arc.title else ''}; "
                "the chapter is in brackets.\nFrom this material only, write their profile for "
                "this stretch of the story as one JSON object:\n"
                '{"summary": "who they are and their situation, 1-2 sentences", '
                '"personality": "...", "speech_style": "how they talk", '
                '"goals": "what they want here", '
                '"relationships": [{"with": "name", "relation": "relation and attitude"}], '
                '"key_events": [{"chapter": 12, "event": "what they do or undergo"}]}\n'
                "Leave a field empty when the material says nothing about it."
            )
            body = ["Lines:", *lines, "Narration:", *told]
        user = ask + "\n\n" + "\n".join(body)
        return [ChatMessage("system", self._system()), ChatMessage("user", user)]

    def _reduce_messages(self, name: str, parts: list[str]) -> list[ChatMessage]:
        if self.zh:
            ask = (
                f"小说《{self.title}》人物{name}在各阶段的档案如下（按章节顺序）。把它们合并成人物卡"
                '的基础设定，只输出一个 JSON 对象：{"description": "身份与经历主线，三四句", '
                '"personality": "贯穿始终的性格与说话方式，两三句"}'
            )
        else:
            ask = (
                f"Below are {name}'s profiles for successive stretches of the novel {self.title}"
                ". Merge them into the base of a character card, as one JSON object: "
                '{"description": "who they are and their arc, 3-4 sentences", '
                '"personality": "lasting traits and way of speaking, 2-3 sentences"}'
            )
        user = ask + "\n\n" + "\n".join(parts)
        return [ChatMessage("system", self._system()), ChatMessage("user", user)]

    def _system(self) -> str:
        if self.zh:
            return "你是小说人物分析助手。只依据给出的材料，只输出 JSON，不加任何其他文字。"
        return (
            "You analyse characters in novels. Use only the material given; answer with JSON "
            "only, nothing else."
        )

    def _arc_text(self, snap: Snapshot) -> str:
        span = f"{snap.from_chapter}–{snap.to_chapter}"
        if self.zh:
            return f"第{span}章：{snap.description} {snap.personality}"
        return f"Chapters {span}: {snap.description} {snap.personality}"

    # -- counting ----------------------------------------------------------------

    def _tokens(self, messages: list[ChatMessage]) -> int:
        return sum(self.count(m.content) + MESSAGE_OVERHEAD for m in messages)

    def _piece(self, text: str) -> int:
        return self.count(text) + 1  # and its newline

    def _fit(self, text: str, limit: int) -> str:
        while text and self.count(text) > limit:
            text = text[: max(0, min(len(text) - 1, len(text) * limit // self.count(text)))]
        return text


def spread(items: list[T], limit: int, cost: Callable[[T], int]) -> list[T]:
    """As many of ``items`` as fit in ``limit``, evenly spread over the list, in order."""
    total = sum(cost(x) for x in items)
    if total <= limit:
        return items
    k = max(0, min(len(items), len(items) * limit // max(1, total)))
    while k > 0:
        picked = [items[i * len(items) // k] for i in range(k)]
        if sum(cost(x) for x in picked) <= limit:
            return picked
        k -= 1
    return []
