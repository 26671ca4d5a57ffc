"""Screening streamed output: release text only once it has passed.

With the layered moderator the hold-back is dynamic:

* every piece: the lexicon runs over the unreleased text plus one key-length of
  context before it (so a key split across pieces, or straddling the release
  point, is seen whole), and the gate holds back exactly the raw characters that
  could still grow into a blocking key (the longest open prefix in the automaton,
  at most ``Lexicon.max_key`` characters) — usually none, so most text goes at once;
* every finished clause (。！？.!?; or a newline): the n-gram heads and patterns,
  and the embedding heads when those are unsure;
* a clause whose words already look risky is held whole until it is judged.

``after`` is the reader input's deep check (``Verdict.followup``): nothing is
released before it passes. A block returns ``Release("", verdict)``; the caller
replaces the reply and the moderator records why.

With any other ``Moderator`` the gate falls back to a fixed window of
``holdback_chars`` and screens the unreleased text plus one window on each piece.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from safety import evidence
from safety.base import ALLOW, Moderator, Policy, Verdict
from safety.jailbreak import JailbreakSignal
from safety.lexicon import Hit
from safety.moderator import LayeredModerator
from safety.normalize import Normalized, normalize

_CLAUSE_END = re.compile(r"[。！？!?;；…\n]|\.(?=\s|$)")
RISKY = 0.3  # a lexicon weight this high in an open clause holds the clause back
MAX_CLAUSE = 240  # a "clause" with no end in sight is judged at this length anyway
# A number still being typed may become a phone, ID or card number: hold it until it ends.
_DIGITS_TAIL = re.compile(r"\d[\d \-]{2,}$")


@dataclass(slots=True)
class Release:
    text: str
    verdict: Verdict = ALLOW


class StreamGate:
    def __init__(
        self,
        moderator: Moderator,
        policy: Policy,
        *,
        holdback_chars: int = 12,
        after: asyncio.Future[Verdict] | None = None,
    ) -> None:
        self._mod = moderator
        self._layered = moderator if isinstance(moderator, LayeredModerator) else None
        self._policy = policy
        self.holdback = holdback_chars
        self._after = after
        self._text = ""
        self._released = 0
        self._clause_start = 0
        self.held: list[int] = []  # characters held back after each piece (for metrics)

    @property
    def text(self) -> str:
        return self._text

    async def feed(self, piece: str) -> Release:
        self._text += piece
        if self._layered is None:
            return await self._feed_fixed()
        mod = self._layered
        # One normalisation per piece: the unreleased text, one key of context before
        # it, and the open clause (whose risk decides whether it is held whole).
        w0 = min(max(0, self._released - mod.lexicon.max_key), self._clause_start)
        w0 = max(w0, len(self._text) - MAX_CLAUSE - mod.lexicon.max_key)
        norm = normalize(self._text[w0:])
        hits = mod.lexicon.find(norm.compact)
        verdict = await self._window_verdict(mod, norm, hits)
        if verdict.allowed:
            verdict = await self._finished_clauses(mod)
        if not verdict.allowed:
            return await self._block(verdict)
        limit = self._release_limit(mod, w0, norm, hits)
        if limit > self._released and not await self._input_passed():
            return Release("", self._input_verdict())  # already recorded as the input
        release = self._release_upto(limit)
        self.held.append(len(self._text) - self._released)
        return release

    async def finish(self) -> Release:
        if self._layered is None:
            verdict = await self._mod.screen(self._text, role="assistant", policy=self._policy)
        else:
            verdict = await self._check_clause(self._layered, self._text[self._clause_start :])
            if verdict.allowed:
                norm = normalize(self._text)
                hits = self._layered.lexicon.find(norm.compact)
                verdict = await self._window_verdict(self._layered, norm, hits, always=True)
        if not verdict.allowed:
            return await self._block(verdict)
        if not await self._input_passed():
            return Release("", self._input_verdict())
        return self._release_upto(len(self._text))

    # -- layered path ------------------------------------------------------------

    async def _window_verdict(
        self, mod: LayeredModerator, norm: Normalized, hits: list[Hit], *, always: bool = False
    ) -> Verdict:
        digits = sum(c.isdigit() for c in norm.raw) >= 7  # maybe a phone, ID or card number
        if not (always or digits or any(h.entry.weight > 0 for h in hits)):
            return ALLOW  # the common case: nothing to decide
        ev = evidence.lexical(hits, norm.compact, JailbreakSignal(), norm.raw)
        return await mod.decide(ev, role="assistant", policy=self._policy)

    async def _finished_clauses(self, mod: LayeredModerator) -> Verdict:
        ends = [m.end() for m in _CLAUSE_END.finditer(self._text, self._clause_start)]
        if not ends and len(self._text) - self._clause_start >= MAX_CLAUSE:
            ends = [len(self._text)]
        if not ends:
            return ALLOW
        clause = self._text[self._clause_start : ends[-1]]
        self._clause_start = ends[-1]
        return await self._check_clause(mod, clause)

    async def _check_clause(self, mod: LayeredModerator, clause: str) -> Verdict:
        if not clause.strip():
            return ALLOW
        return await mod.assess(clause, role="assistant", policy=self._policy, deep=None)

    def _release_limit(
        self, mod: LayeredModerator, w0: int, norm: Normalized, hits: list[Hit]
    ) -> int:
        for h in hits:
            if h.entry.weight >= RISKY and w0 + norm.origin[h.start] >= self._clause_start:
                return self._clause_start  # hold the whole clause until it is judged
        limit = len(self._text)
        n = mod.lexicon.open_prefix(norm.compact)
        if n:
            limit = w0 + norm.origin[len(norm.compact) - n]
        digits = _DIGITS_TAIL.search(self._text, max(0, len(self._text) - 40))
        return min(limit, digits.start()) if digits else limit

    async def _input_passed(self) -> bool:
        if self._after is None:
            return True
        verdict = await self._after
        return verdict.allowed

    def _input_verdict(self) -> Verdict:
        assert self._after is not None and self._after.done()
        return self._after.result()

    async def _block(self, verdict: Verdict) -> Release:
        if self._layered is not None:
            await self._layered.record(
                self._text, role="assistant", policy=self._policy, verdict=verdict
            )
        return Release("", verdict)

    # -- fixed window (any moderator) ------------------------------------------------

    async def _feed_fixed(self) -> Release:
        # Screen the unreleased text plus one window of context before it, so a phrase
        # split across pieces (or straddling the release point) is seen whole.
        start = max(0, self._released - self.holdback)
        verdict = await self._mod.screen(self._text[start:], role="assistant", policy=self._policy)
        if not verdict.allowed:
            return Release("", verdict)
        limit = len(self._text) - self.holdback
        if limit > self._released and not await self._input_passed():
            return Release("", self._input_verdict())
        return self._release_upto(limit)

    def _release_upto(self, end: int) -> Release:
        if end <= self._released:
            return Release("")
        out = self._text[self._released : end]
        self._released = end
        return Release(out)
