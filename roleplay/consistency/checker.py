"""``PersonaChecker``: every persona check for one reply, cheapest first.

Deterministic checks (markers, era, address, spoilers) run on every reply in
well under a millisecond once the card's profile is cached. The contradiction
model runs only when its lexical trigger fires; the LLM judge only where it
is configured, within its budget. Each stage's time is reported so the
per-turn cost stays visible next to moderation's.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Literal

import ahocorasick

from roleplay.consistency.contradiction import ContradictionChecker
from roleplay.consistency.judge import LLMJudge
from roleplay.consistency.markers import find_markers
from roleplay.consistency.profile import PersonaProfile, ProfileCache
from roleplay.consistency.report import ConsistencyReport, Exchange, PersonaContext, Problem
from roleplay.consistency.spoilers import term_automaton

JudgeMode = Literal["clean", "all"]


class PersonaChecker:
    def __init__(
        self,
        *,
        contradiction: ContradictionChecker | None = None,
        judge: LLMJudge | None = None,
        judge_mode: JudgeMode = "clean",
        history_limit: int = 20,
        profiles: ProfileCache | None = None,
        defer_contradiction: bool = False,
    ) -> None:
        self.contradiction = contradiction
        # Deferred: ``check`` skips the e5 contradiction check (tens of ms when it fires);
        # the engine runs ``contradictions`` after delivery and flags what it finds.
        self.defer_contradiction = defer_contradiction
        self.judge = judge
        # "clean": judge only what the cheap checks passed; the rest is regenerated anyway.
        self.judge_mode = judge_mode
        self.history_limit = history_limit
        self.profiles = profiles or ProfileCache()
        self._terms: OrderedDict[tuple[int, int], tuple[Mapping[str, int], object]] = OrderedDict()

    async def check(self, reply: str, context: PersonaContext) -> ConsistencyReport:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        findings = self.screen(reply, context)
        profile = self._profile(context)
        timings["deterministic"] = _ms(start)
        if self.contradiction is not None and not self.defer_contradiction:
            t = time.perf_counter()
            findings += await self._contradictions(reply, context, profile)
            timings["contradiction"] = _ms(t)
        if self.judge is not None and (self.judge_mode == "all" or not findings):
            t = time.perf_counter()
            summary = profile.summary if profile is not None else context.character_name
            verdict = await self.judge.judge(reply, context, summary)
            findings += verdict or []
            timings["judge"] = _ms(t)
        timings["total"] = _ms(start)
        return ConsistencyReport.of(_dedupe(findings), timings)

    async def contradictions(self, reply: str, context: PersonaContext) -> ConsistencyReport:
        """The contradiction check alone (for the deferred mode, after delivery)."""
        start = time.perf_counter()
        findings = await self._contradictions(reply, context, self._profile(context))
        return ConsistencyReport.of(findings, {"contradiction": _ms(start)})

    async def _contradictions(
        self, reply: str, context: PersonaContext, profile: PersonaProfile | None
    ) -> list[Problem]:
        if self.contradiction is None:
            return []
        history = list(context.history)[-self.history_limit :]
        canon = profile.canon if profile is not None else ()
        return await self.contradiction.find(reply, context.user_message, history, canon)

    def _profile(self, context: PersonaContext) -> PersonaProfile | None:
        if context.card is None:
            return None
        return self.profiles.get(context.card_key, context.card, context.chapter)

    def screen(self, text: str, context: PersonaContext) -> list[Problem]:
        """The deterministic checks alone, synchronous and sub-millisecond.

        For text still streaming: run it on what has been released so far and stop the
        stream at the first finding instead of paying for the rest of a doomed reply.
        """
        heard = "\n".join([context.user_message, *(x.user for x in list(context.history)[-6:])])
        found = find_markers(text)
        profile = self._profile(context)
        if profile is not None:
            found += self._card_checks(profile, text, heard, context)
        return _dedupe(found)

    def _card_checks(
        self, profile: PersonaProfile, reply: str, heard: str, context: PersonaContext
    ) -> list[Problem]:
        found = profile.era.find(reply, heard)
        found += profile.address.find(reply, heard)
        if profile.spoilers is not None:
            extra = self._extra_terms(context.first_chapter, profile.spoilers.chapter)
            found += profile.spoilers.find(reply, heard, extra)
        return found

    def _extra_terms(
        self, terms: Mapping[str, int] | None, chapter: int
    ) -> ahocorasick.Automaton | None:
        """The context's ``first_chapter`` as an automaton, built once per mapping and chapter."""
        if not terms:
            return None
        key = (id(terms), chapter)
        hit = self._terms.get(key)
        # The mapping is kept in the entry so its id cannot be reused while cached.
        if hit is not None and hit[0] is terms:
            self._terms.move_to_end(key)
            return hit[1]
        automaton = term_automaton(terms, chapter)
        self._terms[key] = (terms, automaton)
        if len(self._terms) > 16:
            self._terms.popitem(last=False)
        return automaton


def exchanges(turns: Iterable[tuple[str, str]]) -> list[Exchange]:
    """(speaker, text) turns, oldest first, as (reader message, character reply) exchanges.

    Speakers are "user" and "character" (``roleplay.turn.prompt.Turn``); a reply with no
    reader message before it (a greeting) pairs with "". Other speakers are skipped.
    """
    out: list[Exchange] = []
    last_user = ""
    for speaker, text in turns:
        if speaker == "user":
            last_user = text
        elif speaker == "character" and text:
            out.append(Exchange(last_user, text))
            last_user = ""
    return out


def _dedupe(findings: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        if (f.kind, f.evidence) not in seen:
            seen.add((f.kind, f.evidence))
            out.append(f)
    return out


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000
