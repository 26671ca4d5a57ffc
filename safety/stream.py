"""Screening streamed output: release text only once it has passed.

With the layered moderator the hold-back is dynamic:

* every few characters (a piece that ends a clause, ``STRIDE`` new characters, or one
  that would hold more than ``Lexicon.max_key``: an LLM streams tokens of one to four
  characters, and a look costs the same however few are new): the lexicon runs over
  the unreleased text plus one key-length of
  context before it (so a key split across pieces, or straddling the release
  point, is seen whole), and the gate holds back exactly the raw characters that
  could still grow into a blocking key (the longest open prefix in the automaton,
  at most ``Lexicon.max_key`` characters) — usually none, so most text goes at once;
* every finished clause (。！？.!?; or a newline): the n-gram heads and patterns,
  and the embedding heads when those are unsure. That embedding does not pause the
  stream: the clause (and what follows it) is held while the check runs alongside the
  model's generation, and released once it passes; ``finish`` waits for any still open;
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

import structlog

from safety import evidence, shapes
from safety.base import ALLOW, Moderator, Policy, Verdict
from safety.jailbreak import JailbreakSignal
from safety.lexicon import Hit
from safety.moderator import LayeredModerator
from safety.normalize import Normalized, normalize

log = structlog.get_logger("safety")
_CLAUSE_END = re.compile(r"[。！？!?;；…\n]|\.(?=\s|$)")
RISKY = 0.3  # a lexicon weight this high in an open clause holds the clause back
MAX_CLAUSE = 240  # a "clause" with no end in sight is judged at this length anyway
HOLD_MORE = 24  # characters allowed to pile up behind a clause whose check is running
STRIDE = 6  # new characters that make a piece worth a look of its own
TOPIC_REACH = 240  # how far after a harmful topic an order is still read as one of its steps
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
        self._looked = 0  # length of the text at the last look
        self._clause_start = 0
        # Keys seen in the open clause, by where they start in the reply.
        self._risk: dict[tuple[int, str], Hit] = {}
        # Where the reply last named a harmful topic: orders in the clauses that follow are
        # judged together with it ("crush the castor beans. soak them. filter the mash.").
        self._topic_at: int | None = None  # the start of the clause that named it
        # Clauses whose deep check is running: (start offset, its verdict to come).
        self._pending: list[tuple[int, asyncio.Task[Verdict]]] = []
        self.held: list[int] = []  # characters held back after each piece (for metrics)

    @property
    def text(self) -> str:
        return self._text

    async def feed(self, piece: str) -> Release:
        self._text += piece
        if self._layered is None:
            return await self._feed_fixed()
        mod = self._layered
        held = len(self._text) - self._released
        # Skipping a look never holds more than the lexicon's own window would.
        if (
            len(self._text) - self._looked < STRIDE
            and held <= mod.lexicon.max_key
            and not _CLAUSE_END.search(piece)
        ):
            self.held.append(held)
            return Release("")  # held until the next look, a few characters on
        self._looked = len(self._text)
        # One normalisation per look, of the unreleased text and one key of context
        # before it: every key is seen whole in the look that completes it. Re-reading the
        # whole open clause each piece made long clauses cost quadratic time.
        w0 = max(0, self._released - mod.lexicon.max_key)
        w0 = max(w0, len(self._text) - MAX_CLAUSE - mod.lexicon.max_key)
        norm = normalize(self._text[w0:])
        hits = mod.lexicon.find(norm.compact)
        self._note_risk(w0, norm, hits)
        if w0 > self._clause_start and any(h.entry.weight > 0 for h in hits):
            # A key to judge: with its whole clause, whose other words (a rebuttal, a
            # protective framing) are part of what it means.
            w0 = max(self._clause_start - mod.lexicon.max_key, 0)
            w0 = max(w0, len(self._text) - MAX_CLAUSE - mod.lexicon.max_key)
            norm = normalize(self._text[w0:])
            hits = mod.lexicon.find(norm.compact)
        verdict = await self._window_verdict(mod, norm, hits)
        if verdict.allowed:
            verdict = await self._finished_clauses(mod)
        if verdict.allowed and self._pending and len(self._text) - self._clause_start > HOLD_MORE:
            # Back-pressure: a check still running when this much more text waits behind
            # it is awaited (the stream pauses, as it did before checks ran alongside): a
            # slow model must not turn the rest of a reply into one late burst.
            await asyncio.wait([task for _, task in self._pending])
        if verdict.allowed:
            verdict = self._settled()
        if not verdict.allowed:
            return await self._block(verdict)
        limit = self._release_limit(mod, w0, norm)
        if self._pending:
            limit = min(limit, self._pending[0][0])
        if limit > self._released and not await self._input_passed():
            return Release("", self._input_verdict())  # already recorded as the input
        release = self._release_upto(limit)
        self.held.append(len(self._text) - self._released)
        return release

    async def finish(self) -> Release:
        if self._layered is None:
            verdict = await self._mod.screen(self._text, role="assistant", policy=self._policy)
        else:
            verdict = await self._check_last(self._layered, self._text[self._clause_start :])
            if verdict.allowed:
                norm = normalize(self._text)
                hits = self._layered.lexicon.find(norm.compact)
                verdict = await self._window_verdict(self._layered, norm, hits, always=True)
            if verdict.allowed and self._pending:
                await asyncio.wait([task for _, task in self._pending])
                verdict = self._settled()
        if not verdict.allowed:
            return await self._block(verdict)
        if not await self._input_passed():
            return Release("", self._input_verdict())
        return self._release_upto(len(self._text))

    # -- layered path ------------------------------------------------------------

    async def _window_verdict(
        self, mod: LayeredModerator, norm: Normalized, hits: list[Hit], *, always: bool = False
    ) -> Verdict:
        digits = sum(map(str.isdigit, norm.raw)) >= 7  # maybe a phone, ID or card number
        if not (always or digits or any(h.entry.weight > 0 for h in hits)):
            return ALLOW  # the common case: nothing to decide
        ev = evidence.lexical(hits, norm.compact, JailbreakSignal(), norm.raw, norm.clean)
        return await mod.decide(ev, role="assistant", policy=self._policy)

    async def _finished_clauses(self, mod: LayeredModerator) -> Verdict:
        ends = [m.end() for m in _CLAUSE_END.finditer(self._text, self._clause_start)]
        if not ends and len(self._text) - self._clause_start >= MAX_CLAUSE:
            ends = [len(self._text)]
        if not ends:
            return ALLOW
        topic = self._topic_at if self._near_topic() else None
        start, self._clause_start = self._clause_start, ends[-1]
        self._risk = {k: h for k, h in self._risk.items() if k[0] >= self._clause_start}
        clause = self._text[start : ends[-1]]
        if topic is not None and shapes.gives_orders(clause):
            # Orders near a harmful topic are judged with it: a procedure told one sentence
            # at a time is still a procedure.
            clause = self._text[min(start, topic) : ends[-1]]
        if not clause.strip():
            return ALLOW
        norm, ev, unsure = mod.triage(clause, role="assistant")
        if not unsure:
            return await mod.decide(ev, role="assistant", policy=self._policy)
        task = asyncio.create_task(self._deep_clause(mod, norm, ev))
        self._pending.append((start, task))
        return ALLOW  # for now: the clause stays held until its verdict comes

    async def _deep_clause(
        self, mod: LayeredModerator, norm: Normalized, ev: evidence.Evidence
    ) -> Verdict:
        try:
            return await mod.deep_decide(norm, ev, role="assistant", policy=self._policy)
        except Exception as exc:  # a broken deep layer must not take the reply down
            log.error("deep_clause_check_failed", error=repr(exc))
            return await mod.decide(ev, role="assistant", policy=self._policy)

    def _settled(self) -> Verdict:
        """Verdicts of held clauses that are in, oldest first; the first block wins."""
        while self._pending and self._pending[0][1].done():
            verdict = self._pending.pop(0)[1].result()
            if not verdict.allowed:
                self.cancel()
                return verdict
        return ALLOW

    def cancel(self) -> None:
        """Stop checks still running (the reply was blocked or abandoned)."""
        for _, task in self._pending:
            task.cancel()
        self._pending.clear()

    async def _check_last(self, mod: LayeredModerator, clause: str) -> Verdict:
        if not clause.strip():
            return ALLOW
        return await mod.assess_last(clause, policy=self._policy)

    def _note_risk(self, w0: int, norm: Normalized, hits: list[Hit]) -> None:
        """Remember the open clause's keys (by where they start in the reply)."""
        for h in hits:
            at = w0 + norm.origin[h.start]
            if at >= self._clause_start:
                self._risk[(at, h.entry.term)] = h
            if h.entry.tag == "harmtopic" and at >= self._clause_start:
                self._topic_at = self._clause_start

    def _clause_held(self) -> bool:
        """Words in the open clause that look risky, or a harmful topic asked about or told as
        orders ("crush the castor beans, soak them, filter"): the clause is held whole until
        it is judged. A topic merely named ("the poisoned well") streams on."""
        weight = sum(h.entry.weight for h in self._risk.values())
        tags = {h.entry.tag for h in self._risk.values()}
        if weight >= RISKY or {"instruct", "harmtopic"} <= tags:
            return True
        return self._near_topic() and shapes.gives_orders(self._text[self._clause_start :])

    def _near_topic(self) -> bool:
        """Whether the open clause is the one naming a harmful topic or follows it closely."""
        return self._topic_at is not None and self._clause_start - self._topic_at <= TOPIC_REACH

    def _release_limit(self, mod: LayeredModerator, w0: int, norm: Normalized) -> int:
        if self._clause_held():
            return self._clause_start
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
        self.cancel()
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
