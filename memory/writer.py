"""Stage 8: turn one finished exchange into memories.

Both messages are kept as *turn* memories linked to their message ids (the
character remembers what it said too); facts are extracted and reconciled with
what is known: the same fact again is merged (one more mention, one more
source), a new value for the same slot supersedes the old one, which keeps its
validity interval so "what did I tell you before?" still has an answer.
Everything is idempotent per message id: a retried write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog

from memory.bank import MemoryBank
from memory.base import MemoryScope, TurnRecord
from memory.extract import Fact, FactExtractor
from memory.items import MemoryItem, line, new_item
from memory.lexical import terms
from memory.scopes import visible
from memory.summary import Summarizer

log = structlog.get_logger("memory.writer")
SharePolicy = Callable[[MemoryScope], bool]


def no_sharing(scope: MemoryScope) -> bool:
    return False


def turn_items(scope: MemoryScope, turn: TurnRecord) -> list[MemoryItem]:
    # Millisecond order within a chat; the reply sorts right after the message it answers.
    base = int(turn.at * 1000) * 2
    sides = [
        (turn.user_message_id, turn.user_name, turn.user_text, 0),
        (turn.reply_message_id, turn.character_name, turn.reply_text, 1),
    ]
    return [
        new_item(
            scope,
            "turn",
            text.strip(),
            key=msg_id,
            chat_id=turn.chat_id,
            speaker=who,
            sources=(msg_id,),
            seq=base + side,
            at=turn.at,
            importance=0.4,
        )
        for msg_id, who, text, side in sides
        if text.strip()
    ]


def _origin(turn: TurnRecord, fact: Fact) -> tuple[str, ...]:
    """The message(s) a fact was learned from: deleting that message deletes the fact."""
    if fact.about == "user":
        return (turn.user_message_id,)
    if fact.about == "character":
        return (turn.reply_message_id,)
    return (turn.user_message_id, turn.reply_message_id)


def _same(a: str, b: str) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta) and len(ta & tb) / len(ta | tb) >= 0.8


class MemoryWriter:
    def __init__(
        self,
        bank: MemoryBank,
        extractor: FactExtractor,
        summarizer: Summarizer,
        share: SharePolicy = no_sharing,
    ) -> None:
        self.bank = bank
        self.extractor = extractor
        self.summarizer = summarizer
        self.share = share

    async def apply_many(self, entries: Sequence[tuple[MemoryScope, TurnRecord]]) -> int:
        """Several exchanges in order, written together (one store call per reader)."""
        written = 0
        async with self.bank.batch():
            for scope, turn in entries:
                written += len(await self.apply(scope, turn))
        return written

    async def apply(self, scope: MemoryScope, turn: TurnRecord) -> list[MemoryItem]:
        mirror = await self.bank.mirror(scope.reader_id)
        turns = [t for t in turn_items(scope, turn) if t.id not in mirror.items]
        if not turns:
            return []  # already written: a retried queue entry
        known = [
            i
            for i in [*mirror.facts(), *mirror.chat(turn.chat_id)]
            if visible(scope, i.reader_id, i.card_id, i.shared, i.work_id)
        ]
        facts = await self.extractor.extract(turn)
        changed = self.reconcile(scope, turn, facts, known)
        summaries, dropped = await self.summarizer.update(scope, turn.chat_id, [*known, *turns])
        written = [*turns, *changed, *summaries]
        before = mirror.previous_turn(turn.chat_id, turns[0].seq)
        context = {b.id: line(a) for a, b in zip([before, *turns], turns, strict=False) if a}
        await self.bank.put(scope.reader_id, written, context)
        await self.bank.remove(scope.reader_id, dropped)
        log.info(
            "memory_written",
            reader_id=scope.reader_id,
            card_id=scope.card_id,
            turns=len(turns),
            facts=len(changed),
            summaries=len(summaries),
        )
        return written

    def reconcile(
        self,
        scope: MemoryScope,
        turn: TurnRecord,
        facts: Sequence[Fact],
        known: Sequence[MemoryItem],
    ) -> list[MemoryItem]:
        """New facts, merged duplicates and superseded old facts, ready to store."""
        out: dict[str, MemoryItem] = {}
        current = [i for i in known if i.kind == "fact" and i.current]
        for fact in facts:
            sources = _origin(turn, fact)
            pool = [out.get(i.id, i) for i in current]
            twin = next((i for i in pool if self._duplicate(i, fact)), None)
            if twin is not None:
                out[twin.id] = twin.with_(
                    mentions=twin.mentions + 1,
                    sources=tuple(dict.fromkeys([*twin.sources, *sources])),
                    importance=min(1.0, twin.importance + 0.05),
                )
                continue
            new = self._fact_item(scope, turn, fact, sources)
            for old in pool:
                if fact.slot is not None and old.slot == fact.slot:
                    out[old.id] = old.with_(valid_to=turn.at, superseded_by=new.id)
            out[new.id] = new
            current.append(new)
        return list(out.values())

    @staticmethod
    def _duplicate(item: MemoryItem, fact: Fact) -> bool:
        if fact.slot is not None and item.slot == fact.slot:
            return item.extra.get("value", "") == fact.value or _same(item.text, fact.text)
        return item.slot == fact.slot and _same(item.text, fact.text)

    def _fact_item(
        self, scope: MemoryScope, turn: TurnRecord, fact: Fact, sources: tuple[str, ...]
    ) -> MemoryItem:
        return new_item(
            scope,
            "fact",
            fact.text,
            key=f"{fact.slot}|{fact.text}|{turn.user_message_id}",
            chat_id=turn.chat_id,
            shared=fact.about == "user" and self.share(scope),
            sources=sources,
            seq=int(turn.at * 1000) * 2,
            at=turn.at,
            importance=fact.importance,
            slot=fact.slot,
            extra={"value": fact.value, "about": fact.about},
        )
