"""The audit log and the editors' review queue, in Redis.

Every flagged screen is appended to an audit stream (capped, newest kept) and
opens a review item; readers' reports (a false positive, or an unsafe reply that
got through) open items too. Editors list open items, read one, and resolve it
with a decision; resolved false positives are the labelled examples the next
training run can learn from (``labelled()``).

Keys (prefix ``safety:``): ``audit`` stream; ``item:{id}`` hash; ``open`` sorted set
of open item ids by time (reports get a head start so they are seen first);
``resolved`` sorted set; ``count:{category}`` counters.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, cast

from redis.asyncio import Redis

from safety.base import Policy, Role, Verdict

Kind = Literal["flag", "false_positive", "unsafe"]
Decision = Literal["confirmed", "false_positive", "dismissed"]
MAX_TEXT = 4000
REPORT_PRIORITY_S = 86_400.0  # a reader's report sorts as if a day older than it is


@dataclass(frozen=True, slots=True)
class ReviewItem:
    id: str
    kind: Kind
    created: float
    text: str
    role: str
    categories: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    work_id: str | None = None
    card_id: str | None = None
    chat_id: str | None = None
    message_id: str | None = None
    reader_id: str | None = None
    note: str = ""
    status: Literal["open", "resolved"] = "open"
    decision: str | None = None
    editor: str | None = None
    resolved_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class ReviewQueue:
    def __init__(self, redis: Redis, *, prefix: str = "safety:", audit_max: int = 100_000) -> None:
        self.redis = redis
        self.p = prefix
        self.audit_max = audit_max

    # -- FlagSink ------------------------------------------------------------

    async def record(
        self,
        text: str,
        *,
        role: Role,
        policy: Policy,
        verdict: Verdict,
        chat_id: str | None = None,
        message_id: str | None = None,
        reader_id: str | None = None,
    ) -> str:
        item = ReviewItem(
            id=_new_id(),
            kind="flag",
            created=time.time(),
            text=text[:MAX_TEXT],
            role=role,
            categories=[c for c, hit in verdict.categories.items() if hit],
            scores={c: s for c, s in verdict.scores.items() if s > 0},
            reason=verdict.reason,
            work_id=policy.work_id,
            card_id=policy.card_id,
            chat_id=chat_id or policy.chat_id,
            message_id=message_id,
            reader_id=reader_id or policy.reader_id,
        )
        await self._open(item)
        return item.id

    # -- readers' reports ----------------------------------------------------------

    async def report(
        self,
        *,
        kind: Literal["false_positive", "unsafe"],
        text: str,
        reader_id: str,
        note: str = "",
        verdict: Verdict | None = None,
        policy: Policy | None = None,
        chat_id: str | None = None,
        message_id: str | None = None,
    ) -> str:
        """A reader says a block was wrong (``false_positive``) or a reply was unsafe."""
        item = ReviewItem(
            id=_new_id(),
            kind=kind,
            created=time.time(),
            text=text[:MAX_TEXT],
            role="assistant" if kind == "unsafe" else "user",
            categories=[c for c, hit in (verdict.categories if verdict else {}).items() if hit],
            scores=dict(verdict.scores) if verdict else {},
            reason=verdict.reason if verdict else "",
            work_id=policy.work_id if policy else None,
            card_id=policy.card_id if policy else None,
            chat_id=chat_id,
            message_id=message_id,
            reader_id=reader_id,
            note=note[:1000],
        )
        await self._open(item, priority=REPORT_PRIORITY_S)
        return item.id

    async def report_false_positive(self, **kwargs: Any) -> str:
        return await self.report(kind="false_positive", **kwargs)

    # -- editors ------------------------------------------------------------------------

    async def pending(self, *, limit: int = 50, offset: int = 0) -> list[ReviewItem]:
        end = offset + limit - 1
        ids = cast(list[str | bytes], await self.redis.zrange(f"{self.p}open", offset, end))
        return [item for item in [await self.get(_s(i)) for i in ids] if item is not None]

    async def count_open(self) -> int:
        return int(await self.redis.zcard(f"{self.p}open"))

    async def get(self, item_id: str) -> ReviewItem | None:
        raw = await self.redis.get(f"{self.p}item:{item_id}")
        return ReviewItem(**json.loads(raw)) if raw else None

    async def resolve(
        self, item_id: str, *, editor: str, decision: Decision, note: str = ""
    ) -> ReviewItem:
        item = await self.get(item_id)
        if item is None:
            raise KeyError(f"no review item {item_id!r}")
        data = item.to_json() | {
            "status": "resolved",
            "decision": decision,
            "editor": editor,
            "resolved_at": time.time(),
            "note": (item.note + "\n" + note).strip() if note else item.note,
        }
        done = ReviewItem(**data)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{self.p}item:{item_id}", json.dumps(done.to_json(), ensure_ascii=False))
            pipe.zrem(f"{self.p}open", item_id)
            pipe.zadd(f"{self.p}resolved", {item_id: done.resolved_at or 0.0})
            await pipe.execute()
        return done

    async def labelled(self, *, limit: int = 1000) -> list[tuple[str, bool]]:
        """(text, unsafe?) from editors' decisions: material for the next training run."""
        ids = cast(list[str | bytes], await self.redis.zrevrange(f"{self.p}resolved", 0, limit - 1))
        out = []
        for i in ids:
            item = await self.get(_s(i))
            if item and item.decision in ("confirmed", "false_positive"):
                out.append((item.text, item.decision == "confirmed"))
        return out

    async def audit(self, *, limit: int = 100) -> list[dict[str, Any]]:
        rows = cast(
            list[tuple[Any, dict[Any, Any]]],
            await self.redis.xrevrange(f"{self.p}audit", count=limit),
        )
        return [json.loads(_s(fields.get("e") or fields[b"e"])) for _, fields in rows]

    async def counts(self) -> dict[str, int]:
        keys = [k async for k in self.redis.scan_iter(match=f"{self.p}count:*")]
        values = await self.redis.mget(keys) if keys else []
        return {_s(k)[len(self.p) + 6 :]: int(v or 0) for k, v in zip(keys, values, strict=True)}

    async def _open(self, item: ReviewItem, *, priority: float = 0.0) -> None:
        body = json.dumps(item.to_json(), ensure_ascii=False)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{self.p}item:{item.id}", body)
            pipe.zadd(f"{self.p}open", {item.id: item.created - priority})
            pipe.xadd(f"{self.p}audit", {"e": body}, maxlen=self.audit_max, approximate=True)
            for cat in item.categories or [item.kind]:
                pipe.incr(f"{self.p}count:{cat}")
            await pipe.execute()


def _new_id() -> str:
    return "rv_" + uuid.uuid4().hex[:16]


def _s(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
