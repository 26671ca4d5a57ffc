"""Rolling summaries: the gist of a long chat in a fixed number of tokens.

Turns are summarised in chunks once they are old enough; when a chat has more
than ``max_summaries`` summaries, the two oldest are merged into one, so a chat
of any length costs at most ``max_summaries × summary_tokens``. Without an LLM a
summary is *extractive*: it quotes the most informative lines, and each quote
keeps its source message id, which is how deleting a memory also removes the
lines that quote it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from memory.base import MemoryScope
from memory.extract import rule_facts
from memory.items import MemoryItem, new_item
from memory.lexical import terms

Count = Callable[[str], int]
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")


@dataclass(frozen=True, slots=True)
class SummaryPolicy:
    chunk: int = 24
    keep_recent: int = 12
    summary_tokens: int = 160
    max_summaries: int = 8


def _salience(item: MemoryItem) -> float:
    """Lines that state facts, name things or say something substantial are worth keeping."""
    words = terms(item.text)
    score = min(len(set(words)), 20) / 20
    score += 0.8 * bool(rule_facts(item.text, item.speaker))
    score += 0.2 * sum(1 for w in item.text.split()[1:] if w[:1].isupper()) / 5
    return score


def extractive(lines: Sequence[MemoryItem], count: Count, budget: int) -> tuple[str, list[str]]:
    """The most salient lines, in conversation order, under ``budget`` tokens."""
    ranked = sorted(lines, key=_salience, reverse=True)
    chosen: list[MemoryItem] = []
    used = 0
    for item in ranked:
        sentence = _SENTENCE.split(item.text.strip())[0][:240]
        line = f"{item.speaker}: {sentence}"
        cost = count(line) + 1
        if used + cost > budget:
            continue
        chosen.append(item.with_(text=sentence))
        used += cost
    chosen.sort(key=lambda i: (i.seq, i.at))
    text = "\n".join(f"{i.speaker}: {i.text}" for i in chosen)
    return text, [s for i in chosen for s in i.sources]


Summarise = Callable[[Sequence[MemoryItem]], Awaitable[tuple[str, list[str]]]]


def llm_summary(complete: Callable[[str], Awaitable[str]], count: Count, budget: int) -> Summarise:
    """An abstractive summary by a model; it quotes every line it was given, so its sources
    are all of them (deleting any one rewrites it). Falls back to extractive on failure."""

    async def summarise(lines: Sequence[MemoryItem]) -> tuple[str, list[str]]:
        convo = "\n".join(f"{i.speaker}: {i.text}" for i in lines)
        prompt = (
            f"Summarise this conversation in at most {budget} tokens, keeping names, facts, "
            f"promises, feelings and dates. Plain text, no preamble.\n\n{convo}"
        )
        try:
            text = (await complete(prompt)).strip()
        except Exception:  # the summary is a nicety; the extractive one is always available
            return extractive(lines, count, budget)
        sources = [s for i in lines for s in i.sources]
        return (text if count(text) <= budget else extractive(lines, count, budget)[0]), sources

    return summarise


class Summarizer:
    def __init__(
        self, count: Count, policy: SummaryPolicy | None = None, llm: Summarise | None = None
    ) -> None:
        self.count = count
        self.policy = policy or SummaryPolicy()
        self._llm = llm

    async def summarise(self, lines: Sequence[MemoryItem]) -> tuple[str, list[str]]:
        if self._llm is not None:
            return await self._llm(lines)
        return extractive(lines, self.count, self.policy.summary_tokens)

    async def update(
        self, scope: MemoryScope, chat_id: str, items: Sequence[MemoryItem]
    ) -> tuple[list[MemoryItem], list[str]]:
        """New or changed summaries for one chat, and ids of summaries merged away."""
        p = self.policy
        turns = sorted(
            (i for i in items if i.kind == "turn" and i.chat_id == chat_id),
            key=lambda i: (i.seq, i.at),
        )
        summaries = sorted(
            (i for i in items if i.kind == "summary" and i.chat_id == chat_id), key=lambda i: i.seq
        )
        done = max((int(s.extra.get("covers_to", "0")) for s in summaries), default=-1)
        pending = [t for t in turns if t.seq > done]
        if len(pending) < p.chunk + p.keep_recent:
            return [], []
        chunk = pending[: p.chunk]
        made = await self._make(scope, chat_id, chunk, chunk[0].seq, chunk[-1].seq)
        changed, dropped = [made], []
        if len(summaries) + 1 > p.max_summaries:
            a, b = summaries[0], summaries[1]
            lo, hi = int(a.extra["covers_from"]), int(b.extra["covers_to"])
            covered = [t for t in turns if lo <= t.seq <= hi]
            changed.append(await self._make(scope, chat_id, covered, lo, hi, key=a.id))
            dropped.append(b.id)
        return changed, dropped

    async def rebuild(self, summary: MemoryItem, items: Sequence[MemoryItem]) -> MemoryItem | None:
        """The same summary made again from the turns that remain (after a deletion)."""
        lo, hi = int(summary.extra["covers_from"]), int(summary.extra["covers_to"])
        lines = [
            i
            for i in items
            if i.kind == "turn" and i.chat_id == summary.chat_id and lo <= i.seq <= hi
        ]
        if not lines:
            return None
        text, sources = await self.summarise(sorted(lines, key=lambda i: (i.seq, i.at)))
        return summary.with_(text=text or "(nothing kept)", sources=tuple(sources))

    async def _make(
        self,
        scope: MemoryScope,
        chat_id: str,
        lines: Sequence[MemoryItem],
        lo: int,
        hi: int,
        key: str | None = None,
    ) -> MemoryItem:
        text, sources = await self.summarise(lines)
        item = new_item(
            scope,
            "summary",
            text or "(small talk)",
            key=key or f"{chat_id}:{lo}",
            chat_id=chat_id,
            sources=tuple(sources),
            seq=lo,
            at=lines[-1].at,
            importance=0.6,
            extra={"covers_from": str(lo), "covers_to": str(hi)},
        )
        return item.with_(id=key) if key else item
