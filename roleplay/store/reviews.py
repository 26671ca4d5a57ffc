"""The editors' queue of replies that broke character, in Redis.

Items come from the checker (a reply that still failed after its regeneration,
with every attempt's evidence) and from readers ("this reply is out of
character"). Keys: ``rp:persona:item:{id}`` (JSON), ``rp:persona:open`` and
``rp:persona:resolved`` (sorted sets of ids by time). Readers' reports sort a day
ahead, like moderation reports: a person took the trouble to say something.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from redis.asyncio import Redis

from roleplay.consistency import ReviewItem
from roleplay.errors import NotFound
from roleplay.models import new_id

Decision = Literal["confirmed", "dismissed", "card_fixed"]
REPORT_PRIORITY_S = 86_400.0


class PersonaReviews:
    def __init__(self, redis: Redis, *, prefix: str = "rp:persona:") -> None:
        self.redis = redis
        self.p = prefix

    async def add(self, item: ReviewItem) -> str:
        item_id = new_id("pr")
        created = item.created_at.timestamp()
        score = created - (REPORT_PRIORITY_S if item.source == "reader" else 0.0)
        record = {"id": item_id, "status": "open", **item.model_dump(mode="json")}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{self.p}item:{item_id}", json.dumps(record, ensure_ascii=False))
            pipe.zadd(f"{self.p}open", {item_id: score})
            await pipe.execute()
        return item_id

    async def pending(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        ids = await self.redis.zrange(f"{self.p}open", offset, offset + limit - 1)
        return [item for item in [await self._load(str(i)) for i in ids] if item is not None]

    async def count_open(self) -> int:
        return int(await self.redis.zcard(f"{self.p}open"))

    async def get(self, item_id: str) -> dict[str, Any]:
        item = await self._load(item_id)
        if item is None:
            raise NotFound(f"No persona review item {item_id!r}; list open ones first.")
        return item

    async def resolve(
        self, item_id: str, *, editor: str, decision: Decision, note: str = ""
    ) -> dict[str, Any]:
        item = await self.get(item_id)
        item.update(
            status="resolved", decision=decision, editor=editor, note=note, resolved_at=time.time()
        )
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{self.p}item:{item_id}", json.dumps(item, ensure_ascii=False))
            pipe.zrem(f"{self.p}open", item_id)
            pipe.zadd(f"{self.p}resolved", {item_id: time.time()})
            await pipe.execute()
        return item

    async def _load(self, item_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(f"{self.p}item:{item_id}")
        return None if raw is None else dict(json.loads(raw))
