"""Stage 3: render the prompt within the model's token budget.

Card text is data, never template source: it is passed to a sandboxed jinja2
template as variables (jinja2 never evaluates the contents of a variable), and
the community macros ``{{char}}``/``{{user}}`` are substituted in Python first.
Each section has a share of the budget; what does not fit is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from roleplay.llm.base import ChatMessage
from roleplay.tokens import Tokenizer

_TEMPLATES = Path(__file__).parent / "templates"
_CHAR = re.compile(r"\{\{\s*char\s*\}\}|<BOT>", re.IGNORECASE)
_USER = re.compile(r"\{\{\s*user\s*\}\}|<USER>", re.IGNORECASE)


def fill_macros(text: str, *, char: str, user: str) -> str:
    return _USER.sub(lambda _: user, _CHAR.sub(lambda _: char, text))


@dataclass(frozen=True, slots=True)
class PromptCard:
    """The parts of a card (already resolved for the reader's chapter) that go in a prompt."""

    name: str
    description: str = ""
    personality: str = ""
    scenario: str = ""
    system_prompt: str = ""
    post_history_instructions: str = ""
    examples: str = ""


@dataclass(frozen=True, slots=True)
class Budget:
    total: int
    character: int
    lore: int
    memory: int


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str  # "user" | "character" | "system"
    text: str


@dataclass(slots=True)
class Prompt:
    messages: list[ChatMessage]
    tokens: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        return sum(self.tokens.values())


class PromptBuilder:
    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tok = tokenizer
        env = SandboxedEnvironment(
            loader=FileSystemLoader(_TEMPLATES), undefined=StrictUndefined, autoescape=False
        )
        self._system = env.get_template("system.j2")
        self._count = lru_cache(maxsize=20_000)(tokenizer.count)

    def build(  # noqa: PLR0913 - the sections of a prompt
        self,
        card: PromptCard,
        *,
        user: str,
        budget: Budget,
        history: Sequence[Turn],
        lore: Sequence[str] = (),
        memories: Sequence[str] = (),
        chapter: int | None = None,
    ) -> Prompt:
        prompt = Prompt(messages=[])
        system = self._render_system(card, user, budget, lore, memories, chapter, prompt)
        post = fill_macros(card.post_history_instructions, char=card.name, user=user)
        used = self._count(system) + self._count(post) + 8
        prompt.tokens["system"] = self._count(system)
        turns = self._fit_history(history, budget.total - used, prompt)
        prompt.messages = [ChatMessage("system", system), *turns]
        if post:
            prompt.messages.append(ChatMessage("system", post))
            prompt.tokens["post_history"] = self._count(post)
        return prompt

    def _render_system(  # noqa: PLR0913
        self,
        card: PromptCard,
        user: str,
        budget: Budget,
        lore: Sequence[str],
        memories: Sequence[str],
        chapter: int | None,
        prompt: Prompt,
    ) -> str:
        def fill(text: str) -> str:
            return fill_macros(text, char=card.name, user=user)

        share = budget.character
        description = self._cut(fill(card.description), int(share * 0.6), "description", prompt)
        personality = self._cut(fill(card.personality), int(share * 0.15), "personality", prompt)
        scenario = self._cut(fill(card.scenario), int(share * 0.1), "scenario", prompt)
        examples = self._cut(fill(card.examples), int(share * 0.15), "examples", prompt)
        lore_kept = self._take([fill(x) for x in lore], budget.lore, "lore", prompt)
        memories_kept = self._take(list(memories), budget.memory, "memory", prompt)
        return self._system.render(
            char=card.name,
            user=user,
            system_prompt=fill(card.system_prompt),
            description=description,
            personality=personality,
            scenario=scenario,
            examples=examples,
            lore=lore_kept,
            memories=memories_kept,
            chapter=chapter,
        ).strip()

    def _cut(self, text: str, max_tokens: int, section: str, prompt: Prompt) -> str:
        n = self._count(text)
        if n > max_tokens:
            prompt.dropped.append(f"{section}: cut from {n} to {max_tokens} tokens")
            text = self._tok.truncate(text, max_tokens)
        prompt.tokens[section] = min(n, max_tokens)
        return text

    def _take(self, items: list[str], max_tokens: int, section: str, prompt: Prompt) -> list[str]:
        kept, used = [], 0
        for i, item in enumerate(items):
            n = self._count(item) + 2
            if used + n > max_tokens:
                prompt.dropped.append(f"{section}: {len(items) - i} item(s) over the budget")
                break
            kept.append(item)
            used += n
        prompt.tokens[section] = used
        return kept

    def _fit_history(self, history: Sequence[Turn], room: int, prompt: Prompt) -> list[ChatMessage]:
        """Newest turns first until the room runs out; the newest always goes in."""
        kept: list[ChatMessage] = []
        used = 0
        for i, turn in enumerate(reversed(history)):
            n = self._count(turn.text) + 4
            if used + n > room and kept:
                prompt.dropped.append(f"history: {len(history) - i} older message(s)")
                break
            role = {"user": "user", "character": "assistant"}.get(turn.speaker, "system")
            text = turn.text if used + n <= room else self._tok.truncate(turn.text, room - used)
            kept.append(ChatMessage(role, text))  # type: ignore[arg-type]
            used += n
        prompt.tokens["history"] = used
        kept.reverse()
        return kept
