"""The LLM profile stage: who gets profiled, with how many tokens, and what the cards get.

Characters with a card are ranked by importance (``arcs.importance``); the top
``characters`` are profiled in that order, map over their arcs, then reduce. Each
one's share of the remaining budget is proportional to its weight among those left,
but never less than the least a useful run costs, so a tight budget is spent on
the most important people first and the rest keep the deterministic profile; one
whose arcs cannot all be afforded gets its richest arcs. An arc whose reply cannot
be read, or whose call failed, keeps its deterministic snapshot and is reported.
Three failed calls in a row stop the stage (the endpoint is down, not one reply bad).
Without a backend, answers an earlier extraction paid for are still applied.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from characters.card import CharacterCard
from characters.extract.arcs import (
    MAX_ARCS,
    Arc,
    arc_digests,
    importance,
    mentions_by_entity,
    split_arcs,
)
from characters.extract.cards import hold_until_next, rule_snapshot
from characters.extract.chapters import Chapter
from characters.extract.llm import (
    MAP_TOKENS,
    REDUCE_TOKENS,
    ArcDigest,
    LLMProfiler,
    Outcome,
    ProfileBudget,
)
from characters.extract.model import Entity, Mention
from characters.extract.profile import Profile
from characters.extract.profilecache import ProfileCache, digest
from characters.novel import Provenance, Snapshot
from roleplay.llm.base import LLMBackend

if TYPE_CHECKING:
    from characters.extract.pipeline import Progress
    from roleplay.settings import Settings

STOP_AFTER_ERRORS = 3
REPORT_FALLBACKS = 50


@dataclass(frozen=True, slots=True)
class LLMEndpoint:
    """An OpenAI-compatible endpoint, as settings describe it; the key never prints."""

    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout_s: float = 120.0
    max_retries: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMEndpoint | None:
        if settings.resolved_backend != "openai" or not settings.openai_base_url:
            return None
        return cls(settings.openai_base_url, settings.llm_model, settings.openai_api_key,
                   max(settings.llm_timeout_s, 120.0), settings.llm_max_retries)  # fmt: skip

    def backend(self) -> LLMBackend:
        from roleplay.llm.openai_backend import OpenAIBackend

        return OpenAIBackend(self.base_url, self.api_key, self.model, timeout_s=self.timeout_s,
                             max_retries=self.max_retries)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LLMOptions:
    """How to profile with an LLM. ``backend`` is called inside the stage's event loop."""

    backend: Callable[[], LLMBackend]
    model: str = ""
    ratio: float = 0.3
    characters: int = 30
    max_arcs: int = MAX_ARCS
    concurrency: int = 4
    count_tokens: Callable[[str], int] | None = None  # default: the engine's tiktoken
    map_tokens: int = MAP_TOKENS
    reduce_tokens: int = REDUCE_TOKENS

    @classmethod
    def for_endpoint(cls, endpoint: LLMEndpoint, **options: Any) -> LLMOptions:
        return cls(endpoint.backend, endpoint.model, **options)


@dataclass(slots=True)
class ProfileRun:
    """Where the stage checkpoints, what it may reuse, and what it is measured against."""

    options: LLMOptions | None
    checkpoints: Path
    source_chars: int
    reuse: Path | None = None  # state/profiles of an earlier extraction
    publish: Path | None = None  # copy the kept entries here (when not the checkpoints)


@dataclass(slots=True)
class Book:
    text: str  # as read: lines and narration are quoted as written
    language: str
    title: str
    chapters: list[Chapter]
    entities: dict[str, Entity]
    profiles: dict[str, Profile]
    mentions: list[Mention]


@dataclass(slots=True)
class _Person:
    """One character's results in this run: snapshots by arc, base fields, notes."""

    entity: Entity
    snaps: dict[tuple[int, int], Snapshot] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # arc -> why rules
    base: tuple[str, str] | None = None


@dataclass(slots=True)
class _Tally:
    calls: int = 0
    resumed: int = 0
    reused: int = 0
    fallbacks: list[dict[str, Any]] = field(default_factory=list)
    over_budget: int = 0
    errors_in_row: int = 0
    stopped: str = ""


def refine_cards(
    cards: dict[str, CharacterCard], book: Book, run: ProfileRun, progress: Progress
) -> dict[str, Any] | None:
    """Apply LLM profiles to ``cards`` in place; the spend report (None without an LLM)."""
    arcs = split_arcs(book.chapters, run.options.max_arcs if run.options else MAX_ARCS)
    cache = ProfileCache(run.checkpoints, run.reuse)
    stage = _Stage(book, arcs, cache, run)
    ranked = sorted(cards, key=lambda e: -importance(book.entities[e], book.profiles[e]))
    report = asyncio.run(stage.run(ranked, progress)) if run.options is not None else None
    for eid in ranked:
        stage.apply_cached(eid)
    cache.finish(run.publish)
    names = {e.id: e.name for e in book.entities.values()}
    for eid, person in stage.people.items():
        _apply(cards[eid], person, book, arcs, names, run.options)
    return report


class _Stage:
    def __init__(self, book: Book, arcs: list[Arc], cache: ProfileCache, run: ProfileRun) -> None:
        self.book, self.arcs, self.cache, self.run_ = book, arcs, cache, run
        self.people: dict[str, _Person] = {}
        self.tally = _Tally()
        self.budget = ProfileBudget(run.source_chars, run.options.ratio if run.options else 0.3)
        self.model = run.options.model if run.options else ""
        self._named: dict[str, list[Mention]] | None = None
        self.want = self.model if run.options else None  # the model cached answers must be by

    async def run(self, ranked: list[str], progress: Progress) -> dict[str, Any]:
        from characters.extract.pipeline import ProgressEvent

        opts = self.run_.options
        assert opts is not None
        count = opts.count_tokens or _tiktoken()
        chosen = ranked[: opts.characters]
        weights = [math.sqrt(max(1, importance(self.book.entities[e], self.book.profiles[e])))
                   for e in chosen]  # fmt: skip
        llm = opts.backend()
        profiler = LLMProfiler(llm, count, self.budget, language=self.book.language,
                               title=self.book.title, map_tokens=opts.map_tokens,
                               reduce_tokens=opts.reduce_tokens)  # fmt: skip
        progress(ProgressEvent("profiles", 0, len(chosen), message="LLM profiles"))
        try:
            for i, eid in enumerate(chosen):
                if not self.tally.stopped:
                    await self._profile(eid, profiler, weights[i] / sum(weights[i:]), opts)
                name = self.book.entities[eid].name
                progress(ProgressEvent("profiles", i + 1, len(chosen), message=f"LLM: {name}"))
        finally:
            await llm.aclose()
        self.tally.calls += profiler.calls
        return self._report(len(chosen), len(ranked), profiler.backend_tokens)

    async def _profile(
        self, eid: str, profiler: LLMProfiler, weight: float, opts: LLMOptions
    ) -> None:
        person = self._person(eid)
        digests = self._digests(eid)
        wanted = [(k, d) for k, d in digests if not self._cached_arc(person, k, d)]
        reduce_need = profiler.reduce_cost(len(digests)) if len(digests) > 1 else 0
        costs = [profiler.map_cost(d) for _, d in wanted]
        todo, picked_costs = _affordable(wanted, costs, self.budget.remaining - reduce_need)
        if wanted and not todo:  # arc snapshots first: a tight budget gives up the base text
            reduce_need = 0
            todo, picked_costs = _affordable(wanted, costs, self.budget.remaining)
        costs = picked_costs
        picked = {k for k, _ in todo}
        for key, dig in wanted:
            if key not in picked:
                person.notes[(dig.from_chapter, dig.to_chapter)] = "budget"
        if wanted and not todo:
            self.tally.over_budget += 1
            return
        least = sum(c[0] for c in costs) + reduce_need
        most = sum(c[1] for c in costs) + reduce_need
        share = min(most, max(int(self.budget.remaining * weight), least), self.budget.remaining)
        start = self.budget.spent
        await self._map(person, profiler, todo, costs, share - reduce_need, opts.concurrency)
        if len(person.snaps) > 1 and not self.tally.stopped:  # one arc needs no merging
            room = max(reduce_need, share - (self.budget.spent - start))
            await self._reduce(person, profiler, min(room, self.budget.remaining), digests)

    async def _map(
        self,
        person: _Person,
        profiler: LLMProfiler,
        todo: list[tuple[str, ArcDigest]],
        costs: list[tuple[int, int]],
        room: int,
        concurrency: int,
    ) -> None:
        """The arcs' calls, a few at a time; each arc's limit in proportion to its material."""
        gate = asyncio.Semaphore(max(1, concurrency))
        total = max(1, sum(c[1] for c in costs))

        async def one(key: str, dig: ArcDigest, cost: tuple[int, int]) -> None:
            limit = max(cost[0], min(cost[1], max(0, room) * cost[1] // total))
            async with gate:
                if self.tally.stopped:
                    return
                out = await profiler.map_arc(dig, limit)
            self._record_arc(person, key, dig, out)

        await asyncio.gather(*(one(k, d, c) for (k, d), c in zip(todo, costs, strict=True)))

    def _digests(self, eid: str) -> list[tuple[str, ArcDigest]]:
        b = self.book
        if self._named is None:
            self._named = mentions_by_entity(b.mentions)
        digs = arc_digests(b.entities[eid], b.profiles[eid], self.arcs, b.text, b.chapters,
                           self._named.get(eid, []), b.language)  # fmt: skip
        return [(self._arc_key(d), d) for d in digs]

    def _arc_key(self, d: ArcDigest) -> str:
        return digest("arc", self.book.language, self.book.title, d.name, d.aliases,
                      d.from_chapter, d.to_chapter, d.title, d.lines, d.narration)  # fmt: skip

    def _cached_arc(self, person: _Person, key: str, dig: ArcDigest) -> bool:
        entry, where = self.cache.get(person.entity.id, key, self.want)
        if entry is None:
            return False
        self._count(entry, where)
        span = (dig.from_chapter, dig.to_chapter)
        if entry.get("source") == "llm" and isinstance(entry.get("snapshot"), dict):
            person.snaps[span] = Snapshot.model_validate(entry["snapshot"])
        else:
            person.notes[span] = str(entry.get("reason", "fallback"))
        return True

    def _record_arc(self, person: _Person, key: str, dig: ArcDigest, out: Outcome) -> None:
        span = (dig.from_chapter, dig.to_chapter)
        if out.reason == "budget":
            person.notes[span] = "budget"
            return  # no call was made: nothing to remember
        self._note_call(person, span, out.reason)
        entry: dict[str, Any] = {"chapters": list(span), "tokens": out.tokens, "model": self.model}
        if out.snapshot is not None:
            person.snaps[span] = out.snapshot
            entry |= {"source": "llm", "snapshot": out.snapshot.model_dump(mode="json")}
        else:
            entry |= {"source": "fallback", "reason": out.reason}
        self.cache.put(person.entity.id, key, entry)

    async def _reduce(
        self,
        person: _Person,
        profiler: LLMProfiler,
        limit: int,
        digests: list[tuple[str, ArcDigest]],
    ) -> None:
        snaps = [person.snaps[s] for s in sorted(person.snaps)]
        key = self._base_key(person)
        entry, where = self.cache.get(person.entity.id, key, self.want)
        if entry is not None:
            self._count(entry, where)
        else:
            out = await profiler.reduce(person.entity.name, snaps, limit)
            if out.reason == "budget":
                return
            whole = (digests[0][1].from_chapter, digests[-1][1].to_chapter)
            self._note_call(person, whole, out.reason, arc=False)
            entry = {"chapters": list(whole), "tokens": out.tokens, "model": self.model,
                     "source": "llm" if out.base else "fallback",
                     "base": list(out.base or ()), "reason": out.reason}  # fmt: skip
            self.cache.put(person.entity.id, key, entry)
        base = entry.get("base")
        if entry.get("source") == "llm" and isinstance(base, list) and len(base) == 2:
            person.base = (str(base[0]), str(base[1]))

    def apply_cached(self, eid: str) -> None:
        """Characters the LLM did not reach keep what an earlier run paid for, if unchanged."""
        if eid in self.people or not self.cache.has(eid):
            return
        person = _Person(self.book.entities[eid])
        self.cache.open(eid, person.entity.name)
        digests = self._digests(eid)
        for key, dig in digests:
            self._cached_arc(person, key, dig)
        if not person.snaps:
            return
        self.people[eid] = person
        entry, where = self.cache.get(eid, self._base_key(person), self.want)
        if entry is not None and entry.get("source") == "llm":
            self._count(entry, where)
            person.base = (str(entry["base"][0]), str(entry["base"][1]))

    def _base_key(self, person: _Person) -> str:
        snaps = [person.snaps[s].model_dump(mode="json") for s in sorted(person.snaps)]
        return digest("base", person.entity.name, snaps)

    def _person(self, eid: str) -> _Person:
        person = self.people.setdefault(eid, _Person(self.book.entities[eid]))
        self.cache.open(eid, person.entity.name)
        return person

    def _count(self, entry: dict[str, Any], where: str) -> None:
        if where == "resumed":
            self.tally.resumed += 1
            self.budget.charge(int(entry.get("run_tokens", 0)))
            self.tally.calls += 1 if entry.get("run_tokens") else 0
        elif where == "reused":
            self.tally.reused += 1

    def _note_call(
        self, person: _Person, span: tuple[int, int], reason: str, *, arc: bool = True
    ) -> None:
        if not reason:
            self.tally.errors_in_row = 0
            return
        if arc:
            person.notes[span] = reason
        step = "map" if arc else "reduce"
        note = {"character": person.entity.name, "chapters": list(span), "step": step}
        self.tally.fallbacks.append({**note, "reason": reason})
        if reason.startswith("LLM error"):
            self.tally.errors_in_row += 1
            if self.tally.errors_in_row >= STOP_AFTER_ERRORS:
                self.tally.stopped = f"{STOP_AFTER_ERRORS} failed calls in a row; last: {reason}"
        else:
            self.tally.errors_in_row = 0

    def _report(self, considered: int, cards: int, backend_tokens: int) -> dict[str, Any]:
        t, b = self.tally, self.budget
        profiled = sum(1 for p in self.people.values() if p.snaps)
        return {
            "model": self.model, "ratio": b.ratio, "limit": b.limit, "tokens": b.spent,
            "source_chars": b.source_chars,
            "tokens_per_char": round(b.spent / b.source_chars, 4) if b.source_chars else 0.0,
            "calls": t.calls, "fallbacks": len(t.fallbacks), "resumed": t.resumed,
            "reused": t.reused, "characters_considered": considered,
            "characters_profiled": profiled, "characters_over_budget": t.over_budget,
            "characters_deterministic": cards - profiled,
            "backend_tokens": backend_tokens or None, "stopped": t.stopped or None,
            "fallback_reasons": t.fallbacks[:REPORT_FALLBACKS],
        }  # fmt: skip


def _affordable(
    todo: list[tuple[str, ArcDigest]], costs: list[tuple[int, int]], room: int
) -> tuple[list[tuple[str, ArcDigest]], list[tuple[int, int]]]:
    """All arcs when their least cost fits; else the richest arcs that fit, in order."""
    if sum(c[0] for c in costs) <= room:
        return todo, costs
    keep: set[int] = set()
    used = 0
    for i in sorted(range(len(todo)), key=lambda i: -costs[i][1]):
        if used + costs[i][0] <= room:
            keep.add(i)
            used += costs[i][0]
    picked = sorted(keep)
    return [todo[i] for i in picked], [costs[i] for i in picked]


def _apply(
    card: CharacterCard,
    person: _Person,
    book: Book,
    arcs: list[Arc],
    names: dict[str, str],
    options: LLMOptions | None,
) -> None:
    prof = book.profiles[person.entity.id]
    zh = book.language == "zh"
    snaps, sources = [], []
    for arc in arcs:
        if not any(arc.holds(c) for c in prof.chapters):
            continue
        span = (arc.from_chapter, arc.to_chapter)
        snap = person.snaps.get(span) or rule_snapshot(prof, arc, names, zh)
        snaps.append(snap)
        sources.append({"chapters": list(span), "source": "llm" if span in person.snaps
                        else "rules", "note": person.notes.get(span, "")})  # fmt: skip
    if person.base is None and len(snaps) == 1 and person.snaps:
        person.base = (snaps[0].description, snaps[0].personality)  # one arc: it is the base
    ext = card.novel
    ext.snapshots = hold_until_next(snaps, len(book.chapters))
    if person.base is not None:
        description, personality = person.base
        card.data.description = description
        card.data.personality = personality or card.data.personality
    raw = ext.provenance.model_dump() if ext.provenance is not None else {}
    raw["profile"] = {"model": options.model if options else "",
                      "base": "llm" if person.base else "rules", "arcs": sources}  # fmt: skip
    ext.provenance = Provenance.model_validate(raw)
    card.novel = ext


def _tiktoken() -> Callable[[str], int]:
    from roleplay.tokens import get_tokenizer

    return get_tokenizer().count
