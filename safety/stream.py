"""Screening streamed output: hold back a window, release only what has passed.

Each new piece is screened together with the held-back tail (so a phrase split
across chunks is still seen whole). Text is released once it is more than
``holdback_chars`` behind the newest character; ``finish`` screens the whole
reply once more before releasing the rest. Nothing reaches the reader unscreened.
The window costs time to first token (12 characters is ~12 tokens of Chinese),
which is why it is small and configurable.
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.base import ALLOW, Moderator, Policy, Verdict


@dataclass(slots=True)
class Release:
    text: str
    verdict: Verdict = ALLOW


class StreamGate:
    def __init__(self, moderator: Moderator, policy: Policy, *, holdback_chars: int = 12) -> None:
        self._mod = moderator
        self._policy = policy
        self.holdback = holdback_chars
        self._text = ""
        self._released = 0

    @property
    def text(self) -> str:
        return self._text

    async def feed(self, piece: str) -> Release:
        self._text += piece
        # Screen the unreleased text plus one window of context before it, so a phrase
        # split across pieces (or straddling the release point) is seen whole.
        start = max(0, self._released - self.holdback)
        verdict = await self._mod.screen(self._text[start:], role="assistant", policy=self._policy)
        if not verdict.allowed:
            return Release("", verdict)
        return self._release_upto(len(self._text) - self.holdback)

    async def finish(self) -> Release:
        verdict = await self._mod.screen(self._text, role="assistant", policy=self._policy)
        if not verdict.allowed:
            return Release("", verdict)
        return self._release_upto(len(self._text))

    def _release_upto(self, end: int) -> Release:
        if end <= self._released:
            return Release("")
        out = self._text[self._released : end]
        self._released = end
        return Release(out)
