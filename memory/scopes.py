"""Who may see what: collection names and ``where`` filters, built only here, only from a scope.

Isolation is structural. A reader's memories live in a collection of their own
(named by a hash of the reader id), and every query on it also carries a filter
on keys derived from the reader id, so a bug in one layer cannot leak another
reader's memories. The query text never reaches a filter: it only becomes a vector and
lexical terms. Sharing across characters is opt-in per item (``shared``) and
limited to characters of the same work.
"""

from __future__ import annotations

import hashlib

from memory.base import MemoryScope
from memory.store import Where


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def memory_space(prefix: str, reader_id: str) -> str:
    """The collection holding one reader's memories (chromadb names allow [a-zA-Z0-9._-])."""
    if not reader_id:
        raise ValueError("a memory scope needs a reader id")
    return f"{prefix}-mem-{_digest(reader_id)}"


def canon_space(prefix: str, work_id: str) -> str:
    if not work_id:
        raise ValueError("canon needs a work id")
    return f"{prefix}-canon-{_digest(work_id)}"


def scope_key(reader_id: str, card_id: str) -> str:
    """One selective value per (reader, character) for the store's filters (see below)."""
    return _digest(f"{reader_id}\x00card\x00{card_id}")


def shared_key(reader_id: str, work_id: str) -> str:
    """Set only on items a reader shares with every character of one work."""
    return _digest(f"{reader_id}\x00work\x00{work_id}")


def reader_filter(reader_id: str) -> Where:
    return {"reader_id": {"$eq": reader_id}}


def visible_filter(scope: MemoryScope) -> Where:
    """What the character ``scope.card_id`` may recall about ``scope.reader_id``.

    Each clause is one equality on a key that includes the reader id. chromadb's embedded
    store evaluates every clause against the whole database, not just the collection, so
    ``card_id == C`` alone (true for every reader of C) took 1.3 s at 1 M memories, while
    one selective key takes 5 ms (docs/memory.md)."""
    own: Where = {"scope": {"$eq": scope_key(scope.reader_id, scope.card_id)}}
    if not scope.work_id:
        return own
    shared: Where = {"shared_scope": {"$eq": shared_key(scope.reader_id, scope.work_id)}}
    return {"$or": [own, shared]}


def chapter_key(work_id: str, chapter: int) -> str:
    return f"{_digest(work_id)}:{chapter}"


def canon_filter(work_id: str, chapter: int | None) -> Where:
    """Passages of ``work_id`` the reader has reached; no chapter means the reader set none.

    Chapters are listed as equalities (``$in``) rather than ``chapter <= N``: the embedded
    store evaluates a range clause over every work's passages (see ``visible_filter``)."""
    work: Where = {"work_id": {"$eq": work_id}}
    if chapter is None:
        return work
    if chapter <= 3000:
        keys = [chapter_key(work_id, c) for c in range(max(chapter, 0) + 1)]
        return {"work_chapter": {"$in": keys}}
    return {"$and": [work, {"chapter": {"$lte": chapter}}]}


def visible(
    scope: MemoryScope, meta_reader: str, meta_card: str, shared: bool, work: str | None
) -> bool:  # noqa: E501
    """The same rule as ``visible_filter``, for items already in process memory."""
    if meta_reader != scope.reader_id:
        return False
    return meta_card == scope.card_id or (bool(scope.work_id) and shared and work == scope.work_id)
