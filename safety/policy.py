"""What is allowed where: thresholds per category from the work's rating, the reader's
age bracket, the speaker, and per-work / per-character settings.

Every layer reports calibrated scores: 0.5 is the trained decision point. A policy
moves the bar per category, or lifts it entirely (``OFF``), e.g. explicit content
in a work rated mature. Some bars no setting can lift: sexual content involving
minors, real-world harmful instructions, attacks on the character's instructions,
personal data, and encouragement of self-harm. A reader marked as a minor always
gets the strictest bars, whatever the work allows.

Fiction-awareness lives in two places: the classifiers are trained with story
violence (battles, deaths, villains' threats) as *safe* and real-world threats,
incitement and instructions as unsafe; and here the character's own narration
(role ``assistant``) gets a little more room for violence and harsh words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from safety.base import CATEGORIES, Policy, Role

OFF = 1.01  # a score never reaches this: the category is not flagged
BASE = 0.5
NEVER_LIFTED = frozenset({"sexual/minors", "illegal", "jailbreak", "personal-data", "self-harm"})

_RATING: dict[str, dict[str, float]] = {
    "general": {"sexual": 0.4, "violence/graphic": 0.4, "violence": 0.45, "harassment": 0.45},
    "teen": {},
    "mature": {"sexual": OFF, "violence/graphic": OFF, "harassment": 0.6, "violence": 0.55},
}
_MINOR = {
    "sexual": 0.35,
    "sexual/minors": 0.35,
    "violence/graphic": 0.4,
    "violence": 0.45,
    "self-harm": 0.35,
    "harassment": 0.45,
    "hate": 0.45,
}
# The character narrating a battle is the story; a reader's message is not checked
# for "jailbreak" when it is the character's own text.
_ASSISTANT = {"violence": 0.1, "harassment": 0.1}


@dataclass(frozen=True, slots=True)
class Override:
    """Settings an editor attaches to a work or a character card."""

    rating: Literal["general", "teen", "mature"] | None = None
    thresholds: Mapping[str, float] = field(default_factory=dict)
    allow: frozenset[str] = frozenset()  # categories this work never flags (within limits)


class PolicyBook(Protocol):
    async def override(self, work_id: str | None, card_id: str | None) -> Override | None: ...


class StaticPolicyBook:
    """Overrides held in memory (from settings or a file); card settings win over work ones."""

    def __init__(
        self,
        works: Mapping[str, Override] | None = None,
        cards: Mapping[str, Override] | None = None,
    ) -> None:
        self.works = dict(works or {})
        self.cards = dict(cards or {})

    async def override(self, work_id: str | None, card_id: str | None) -> Override | None:
        found = [
            o
            for o in (self.works.get(work_id or ""), self.cards.get(card_id or ""))
            if o is not None
        ]
        if not found:
            return None
        merged = Override()
        for o in found:
            merged = Override(
                rating=o.rating or merged.rating,
                thresholds={**merged.thresholds, **o.thresholds},
                allow=merged.allow | o.allow,
            )
        return merged


def thresholds(policy: Policy, role: Role, override: Override | None = None) -> dict[str, float]:
    rating = (override.rating if override and override.rating else None) or policy.rating
    out = {c: BASE for c in CATEGORIES}
    out.update(_RATING.get(rating, {}))
    if override is not None:
        for cat, value in override.thresholds.items():
            if cat in out and not (cat in NEVER_LIFTED and value > out[cat]):
                out[cat] = value
        for cat in override.allow - NEVER_LIFTED:
            if cat in out:
                out[cat] = OFF
    if role == "assistant":
        for cat, extra in _ASSISTANT.items():
            out[cat] = min(OFF, out[cat] + extra)
        out["jailbreak"] = OFF
    if policy.minor:
        for cat, value in _MINOR.items():
            out[cat] = min(out[cat], value)
    return out


def against_bar(score: float, bar: float) -> float:
    """``score`` rescaled so that its bar lands on 0.5 (monotone): at least 0.5 exactly when
    the category was flagged. A category that could not be flagged stays below 0.5."""
    if bar > 1.0:
        return 0.499 * score
    return calibrate(score, bar)


def calibrate(p: float, threshold: float) -> float:
    """Map a raw probability so the trained threshold lands on 0.5 (monotone)."""
    t = min(max(threshold, 1e-3), 1 - 1e-3)
    return 0.5 * p / t if p < t else 0.5 + 0.5 * (p - t) / (1 - t)
