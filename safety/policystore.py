"""Per-work and per-character policy settings kept in Redis, for editors to change live.

Keys: ``safety:policy:work:{id}`` and ``safety:policy:card:{id}`` (JSON of an
``Override``). Reads are cached for a few seconds: every turn asks, editors rarely
change anything, and a setting that takes five seconds to apply is fine.
"""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from safety.base import CATEGORIES
from safety.policy import Override, StaticPolicyBook

RATINGS = ("general", "teen", "mature")


def to_json(o: Override) -> dict[str, Any]:
    return {"rating": o.rating, "thresholds": dict(o.thresholds), "allow": sorted(o.allow)}


def from_json(data: dict[str, Any]) -> Override:
    """Validate an editor's settings; unknown names are errors, not silently ignored."""
    rating = data.get("rating")
    if rating is not None and rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
    thresholds = {str(k): float(v) for k, v in (data.get("thresholds") or {}).items()}
    allow = frozenset(str(c) for c in data.get("allow") or [])
    unknown = (set(thresholds) | allow) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories: {sorted(unknown)}")
    if any(not 0.0 <= v <= 1.01 for v in thresholds.values()):
        raise ValueError("thresholds must be between 0 and 1.01")
    return Override(rating=rating, thresholds=thresholds, allow=allow)


class RedisPolicyBook:
    def __init__(self, redis: Redis, *, prefix: str = "safety:policy:", ttl_s: float = 5.0) -> None:
        self.redis = redis
        self.p = prefix
        self.ttl_s = ttl_s
        self._cache: dict[str, tuple[float, Override | None]] = {}

    async def set(self, kind: str, ident: str, override: Override | None) -> None:
        key = self._key(kind, ident)
        if override is None:
            await self.redis.delete(key)
        else:
            await self.redis.set(key, json.dumps(to_json(override)))
        self._cache.pop(key, None)

    async def get(self, kind: str, ident: str) -> Override | None:
        key = self._key(kind, ident)
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl_s:
            return hit[1]
        raw = await self.redis.get(key)
        value = from_json(json.loads(raw)) if raw else None
        self._cache[key] = (time.monotonic(), value)
        return value

    async def override(self, work_id: str | None, card_id: str | None) -> Override | None:
        works = {work_id: o} if work_id and (o := await self.get("work", work_id)) else {}
        cards = {card_id: c} if card_id and (c := await self.get("card", card_id)) else {}
        return await StaticPolicyBook(works, cards).override(work_id, card_id)

    def _key(self, kind: str, ident: str) -> str:
        if kind not in ("work", "card"):
            raise ValueError("kind must be 'work' or 'card'")
        return f"{self.p}{kind}:{ident}"
