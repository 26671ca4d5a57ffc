"""Per-reader rate limits in Redis, shared by every worker.

A fixed one-minute window per reader (INCR + EXPIRE in one round trip) is
coarse but cheap and exact across workers; the error says when to retry.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from roleplay.errors import RateLimited


class RateLimiter:
    def __init__(self, redis: Redis, *, per_minute: int, name: str = "turns") -> None:
        self._r = redis
        self.per_minute = per_minute
        self.name = name

    async def hit(self, reader_id: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.time()
        window = int(now // 60)
        key = f"rp:rl:{self.name}:{reader_id}:{window}"
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = await pipe.execute()
        if int(count) > self.per_minute:
            retry = round(60 - now % 60, 1)
            raise RateLimited(
                f"Too many messages: at most {self.per_minute} per minute. "
                f"Try again in {retry:.0f} s.",
                retry_after=retry,
            )
