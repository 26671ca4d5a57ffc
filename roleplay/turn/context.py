"""Stage 2: gather what the prompt needs, each part under its own token share.

The card snapshot for the reader's chapter, lorebook entries triggered by the
recent conversation (alias-aware and CJK-aware), and what the character
remembers about this reader. Memory is best-effort: if the store fails, the
turn goes on without it and says so in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog

from characters.card import CharacterCard
from characters.lore import Lorebook
from characters.lorebook import activate
from characters.store import StoredCard
from memory.base import Memory, MemoryScope, Recalled
from roleplay.consistency.profile import lore_chapter
from roleplay.llm.base import CanonLine, CharacterRef
from roleplay.models import Chat, Message
from roleplay.tokens import Tokenizer
from roleplay.turn.prompt import Budget, PromptCard, Turn

log = structlog.get_logger("roleplay.context")


@dataclass(slots=True)
class Context:
    card: PromptCard
    character: CharacterRef
    history: list[Turn]
    lore: list[str] = field(default_factory=list)
    memories: list[Recalled] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The card itself and "id@version": what the persona checks compare the reply with.
    source: CharacterCard | None = None
    card_key: str = ""


@dataclass(frozen=True, slots=True)
class _CardView:
    card: PromptCard
    character: CharacterRef
    aliases: dict[str, list[str]]
    lore: Lorebook | None  # only entries whose subject the reader has reached


def lore_until(book: Lorebook | None, chapter: int | None) -> Lorebook | None:
    """The lorebook without entries about people or things first met after ``chapter``
    (the extraction records where each subject first appears): lore must not spoil."""
    if book is None or chapter is None:
        return book
    keep = [e for e in book.entries if (lore_chapter(e) or 0) <= chapter]
    if len(keep) == len(book.entries):
        return book
    return book.model_copy(update={"entries": keep})


def prompt_card(card: CharacterCard, chapter: int | None) -> PromptCard:
    snap = card.snapshot_for(chapter)
    data = card.data
    return PromptCard(
        name=data.name,
        description=snap.description,
        personality=snap.personality,
        scenario=snap.scenario,
        system_prompt=data.system_prompt,
        post_history_instructions=data.post_history_instructions,
        examples=data.mes_example.replace("<START>", "").strip(),
    )


def character_ref(
    card_id: str, version: str, card: CharacterCard, chapter: int | None
) -> CharacterRef:
    """All the card's lines, with the reader's chapter as the limit on which may be spoken.

    The lines stay the same for every reader so the canon backend keeps one index per card.
    """
    lines: list[CanonLine] = card.canon_lines()
    return CharacterRef(
        card_id=card_id,
        name=card.data.name,
        version=version,
        lines=tuple(lines),
        chapter_limit=chapter,
    )


class ContextGatherer:
    def __init__(self, memory: Memory, tokenizer: Tokenizer) -> None:
        self._memory = memory
        self._tok = tokenizer
        self._views: dict[tuple[str, str, int | None], _CardView] = {}

    async def gather(
        self, stored: StoredCard, chat: Chat, history: Sequence[Message], budget: Budget
    ) -> Context:
        turns = [Turn(m.speaker, m.content) for m in history if m.content]
        view = self._view(stored, chat.chapter)
        ctx = Context(
            card=view.card,
            character=view.character,
            history=turns,
            source=stored.card,
            card_key=f"{stored.id}@{stored.version}",
        )
        ctx.lore = self._lore(view.lore, view.aliases, turns, budget.lore, ctx)
        query = next((t.text for t in reversed(turns) if t.speaker == "user"), "")
        ctx.memories = await self._recall(memory_scope(chat, stored), query, budget.memory)
        return ctx

    def _view(self, stored: StoredCard, chapter: int | None) -> _CardView:
        """What a card looks like at a chapter; computed once per card version and chapter."""
        key = (stored.id, stored.version, chapter)
        view = self._views.get(key)
        if view is None:
            card = stored.card
            view = _CardView(
                card=prompt_card(card, chapter),
                character=character_ref(stored.id, stored.version, card, chapter),
                aliases={card.data.name: list(card.novel.aliases)},
                lore=lore_until(card.data.character_book, chapter),
            )
            if len(self._views) >= 512:
                self._views.pop(next(iter(self._views)))
            self._views[key] = view
        return view

    def _lore(
        self,
        book: Lorebook | None,
        aliases: dict[str, list[str]],
        turns: list[Turn],
        budget: int,
        ctx: Context,
    ) -> list[str]:
        if book is None or not book.entries:
            return []
        result = activate(
            book,
            [t.text for t in turns],
            count_tokens=self._tok.count,
            budget_tokens=budget,
            aliases=aliases,
        )
        ctx.notes.extend(
            f"lore dropped: {d.entry.name or d.entry.keys[:1]} ({d.reason})" for d in result.dropped
        )
        return [e.body for e in result.entries]

    async def _recall(self, scope: MemoryScope, query: str, budget: int) -> list[Recalled]:
        if not query:
            return []
        try:
            return list(await self._memory.recall(scope, query, budget_tokens=budget))
        except Exception as exc:  # memory is best-effort by design
            log.warning("memory_recall_failed", error=repr(exc), reader_id=scope.reader_id)
            return []


def memory_scope(chat: Chat, stored: StoredCard) -> MemoryScope:
    """Built from the chat's owner, never from anything the reader typed."""
    work = stored.card.novel.work
    return MemoryScope(
        reader_id=chat.reader_id,
        card_id=chat.card_id,
        work_id=(work.id or None) if work is not None else None,
        chapter=chat.chapter,
    )
