"""Screening streamed output: hold back a window, release only what has passed.

Each new piece is screened together with the held-back tail (so a phrase split
across chunks is still seen whole). Text is released once it is more than
``holdback_chars`` behind the newest character; ``finish`` screens the whole
reply once more before releasing the rest. Nothing reaches the reader unscreened.
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.base import ALLOW, Moderator, Policy, Verdict


@dataclass(slots=True)
class Release:
    text: str
    verdict: Verdict = ALLOW


class StreamGate:
    def __init__(self, moderator: Moderator, policy: Policy, *, holdback_chars: int = 32) -> None:
        self._mod = moderator
        self._policy = policy
        self.holdback = holdback_chars
        self._text = ""
        self._released = 0
        self._checked = 0

    @property
    def text(self) -> str:
        return self._text

    async def feed(self, piece: str) -> Release:
        self._text += piece
        if len(self._text) - self._checked < self.holdback:
            return Release("")
        window_start = max(0, self._checked - self.holdback)
        verdict = await self._mod.screen(
            self._text[window_start:], role="assistant", policy=self._policy
        )
        if not verdict.allowed:
            return Release("", verdict)
        self._checked = len(self._text)
        return self._release_upto(len(self._text) - self.holdback)

    async def finish(self) -> Release:
        verdict = await self._mod.screen(self._text, role="assistant", policy=self._policy)
        if not verdict.allowed:
            return Release("", verdict)
        self._checked = len(self._text)
        return self._release_upto(len(self._text))

    def _release_upto(self, end: int) -> Release:
        if end <= self._released:
            return Release("")
        out = self._text[self._released : end]
        self._released = end
        return Release(out)
