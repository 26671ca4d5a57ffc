"""The vector store interface, and an in-memory fake that behaves like it.

A *space* is one collection (the caller decides the layout); a ``where`` is a
chromadb-style filter. The store is deliberately dumb: who may see what is
decided by ``memory.scopes``, which is the only code that builds filters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from memory.embeddings import Vectors

Scalar = str | int | float | bool
Meta = dict[str, Scalar]
Where = Mapping[str, object]


class StoreUnavailableError(Exception):
    """The vector store could not be reached or failed; callers degrade, never crash a turn."""


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    text: str
    meta: Meta = field(default_factory=dict)
    vector: Sequence[float] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    text: str
    meta: Meta
    distance: float


class VectorStore(Protocol):
    async def upsert(self, space: str, records: Sequence[Record]) -> None: ...

    async def query(
        self, space: str, vector: Vectors, *, where: Where, limit: int, payload: bool = True
    ) -> list[Hit]:
        """Nearest records to one query vector (cosine distance), among those matching ``where``;
        ``payload=False`` returns ids and distances only (callers that hold the texts)."""
        ...

    async def get(
        self, space: str, *, where: Where | None = None, ids: Sequence[str] | None = None
    ) -> list[Record]: ...

    async def delete(self, space: str, ids: Sequence[str]) -> None: ...

    async def aclose(self) -> None: ...


def matches(meta: Mapping[str, object], where: Where) -> bool:
    """Evaluate the subset of chromadb's filter language we use ($and/$or/$eq/$ne/$in/$lte/$gte)."""
    for key, cond in where.items():
        if key == "$and":
            if not all(matches(meta, w) for w in _clauses(cond)):
                return False
        elif key == "$or":
            if not any(matches(meta, w) for w in _clauses(cond)):
                return False
        elif not _compare(meta.get(key), cond):
            return False
    return True


def _clauses(cond: object) -> list[Where]:
    if not isinstance(cond, list):
        raise ValueError(f"$and/$or expects a list, got {cond!r}")
    return cond


def _compare(value: object, cond: object) -> bool:
    if not isinstance(cond, dict):
        return value == cond
    return all(_apply(op, value, arg) for op, arg in cond.items())


def _apply(op: str, value: Any, arg: Any) -> bool:
    if op == "$eq":
        return bool(value == arg)
    if op == "$ne":
        return bool(value != arg)
    if op in ("$in", "$nin"):
        return (value in arg) == (op == "$in")
    if value is None:
        return False
    if op == "$lte":
        return bool(value <= arg)
    if op == "$gte":
        return bool(value >= arg)
    if op == "$lt":
        return bool(value < arg)
    if op == "$gt":
        return bool(value > arg)
    raise ValueError(f"unsupported filter operator {op}")


class FakeVectorStore:
    """Exact search in process memory; ``fail = True`` makes every call raise, as if down."""

    def __init__(self) -> None:
        self.spaces: dict[str, dict[str, Record]] = {}
        self.fail = False
        self.calls: list[tuple[str, str, Where | None]] = []

    def _check(self, op: str, space: str, where: Where | None = None) -> dict[str, Record]:
        self.calls.append((op, space, where))
        if self.fail:
            raise StoreUnavailableError("fake store is down")
        return self.spaces.setdefault(space, {})

    async def upsert(self, space: str, records: Sequence[Record]) -> None:
        rows = self._check("upsert", space)
        for rec in records:
            if rec.vector is None:
                raise ValueError("records need a vector")
            rows[rec.id] = rec
        await asyncio.sleep(0)

    async def query(
        self, space: str, vector: Vectors, *, where: Where, limit: int, payload: bool = True
    ) -> list[Hit]:
        rows = [r for r in self._check("query", space, where).values() if matches(r.meta, where)]
        if not rows:
            return []
        mat = np.asarray([r.vector for r in rows], dtype=np.float32)
        dist = 1.0 - mat @ np.asarray(vector, dtype=np.float32).reshape(-1)
        order = np.argsort(dist, kind="stable")[:limit]
        return [Hit(rows[i].id, rows[i].text, dict(rows[i].meta), float(dist[i])) for i in order]

    async def get(
        self, space: str, *, where: Where | None = None, ids: Sequence[str] | None = None
    ) -> list[Record]:
        rows = self._check("get", space, where)
        picked = [rows[i] for i in ids if i in rows] if ids is not None else list(rows.values())
        return [r for r in picked if where is None or matches(r.meta, where)]

    async def delete(self, space: str, ids: Sequence[str]) -> None:
        rows = self._check("delete", space)
        for i in ids:
            rows.pop(i, None)

    async def aclose(self) -> None:
        return None
