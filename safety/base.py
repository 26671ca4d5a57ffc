"""The interface the turn pipeline calls (stages 1 and 5), and its verdicts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal, Protocol

Role = Literal["user", "assistant"]

CATEGORIES = (
    "sexual",
    "sexual/minors",
    "hate",
    "harassment",
    "self-harm",
    "violence",
    "violence/graphic",
    "illegal",
    "personal-data",
    "jailbreak",
)


@dataclass(frozen=True, slots=True)
class Policy:
    """What a screen allows: the work's rating and the reader's age bracket."""

    rating: Literal["general", "teen", "mature"] = "teen"
    minor: bool = False
    work_id: str | None = None
    card_id: str | None = None
    # Not rules, but where a flag came from: copied into the audit log and review queue.
    chat_id: str | None = None
    reader_id: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """``categories``: flagged under the policy; ``scores``: calibrated 0–1, where 0.5 is
    the trained decision point. ``followup``: a deeper check still running (see
    ``safety.moderator``), to be handed to ``StreamGate(after=...)``."""

    allowed: bool
    categories: dict[str, bool] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    # the bar each score had to reach here (policy, role, the margins for lone hunches)
    bars: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    followup: asyncio.Future[Verdict] | None = field(default=None, compare=False, repr=False)

    @property
    def flagged(self) -> bool:
        return any(self.categories.values())


ALLOW = Verdict(allowed=True)


class Moderator(Protocol):
    async def screen(self, text: str, *, role: Role, policy: Policy) -> Verdict: ...
