"""What is stored: ``MemoryItem`` (a turn, a fact, a summary) and its flat metadata form.

chromadb metadata holds only scalars, so links to source messages are joined
with a separator that message ids never contain, and missing values are left
out rather than stored as sentinels.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Literal, cast

from memory.base import MemoryScope, Recalled
from memory.scopes import scope_key, shared_key
from memory.store import Meta, Record

ItemKind = Literal["fact", "summary", "turn"]
_SEP = "\x1f"
_FILTERED = ("reader_id", "scope", "shared_scope")  # the keys memory.scopes filters on
_PACKED = "m"


def item_id(*parts: str) -> str:
    """A stable id: the same source always maps to the same memory, so retries are idempotent."""
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class MemoryItem:
    id: str
    kind: ItemKind
    text: str
    reader_id: str
    card_id: str
    work_id: str | None = None
    shared: bool = False
    chat_id: str = ""
    speaker: str = ""
    sources: tuple[str, ...] = ()
    seq: int = 0
    at: float = 0.0
    chapter: int | None = None
    importance: float = 0.5
    slot: str | None = None
    valid_to: float | None = None
    superseded_by: str | None = None
    mentions: int = 1
    edited: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    def with_(self, **changes: object) -> MemoryItem:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_meta(self) -> Meta:
        """The store's metadata: the keys its filters use (``memory.scopes``) on their own,
        everything else packed into one JSON string under ``m``. Each metadata key is a row
        in chromadb's metadata table and its indexes: with 15 keys a 1 M-memory store had
        15 M rows, and every write, query and mirror load paid for them (docs/memory.md)."""
        flat = self._flat()
        meta: Meta = {key: flat.pop(key) for key in _FILTERED if key in flat}
        meta[_PACKED] = json.dumps(flat, ensure_ascii=False, separators=(",", ":"))
        return meta

    def _flat(self) -> Meta:
        meta: Meta = {
            "kind": self.kind,
            "reader_id": self.reader_id,
            "card_id": self.card_id,
            "shared": self.shared,
            "chat_id": self.chat_id,
            "speaker": self.speaker,
            "sources": _SEP.join(self.sources),
            "seq": self.seq,
            "at": self.at,
            "importance": self.importance,
            "current": self.current,
            "mentions": self.mentions,
            "edited": self.edited,
        }
        optional = {
            "work_id": self.work_id,
            "story_chapter": self.chapter,  # not "chapter": canon filters on that key
            "slot": self.slot,
            "valid_to": self.valid_to,
            "superseded_by": self.superseded_by,
        }
        meta.update({k: v for k, v in optional.items() if v is not None})
        meta["scope"] = scope_key(self.reader_id, self.card_id)
        if self.shared and self.work_id:
            meta["shared_scope"] = shared_key(self.reader_id, self.work_id)
        meta.update({f"x_{k}": v for k, v in self.extra.items()})
        return meta

    @classmethod
    def from_record(cls, rec: Record) -> MemoryItem:
        """Packed metadata, or the flat form that stores written before it still hold."""
        m = dict(rec.meta)
        packed = m.pop(_PACKED, None)
        if isinstance(packed, str):
            m = {**json.loads(packed), **m}

        def opt_str(key: str) -> str | None:
            v = m.get(key)
            return None if v is None else str(v)

        chapter, valid_to = m.get("story_chapter"), m.get("valid_to")
        sources = str(m.get("sources", ""))
        return cls(
            id=rec.id,
            kind=cast(ItemKind, str(m.get("kind", "turn"))),
            text=rec.text,
            reader_id=str(m.get("reader_id", "")),
            card_id=str(m.get("card_id", "")),
            work_id=opt_str("work_id"),
            shared=bool(m.get("shared", False)),
            chat_id=str(m.get("chat_id", "")),
            speaker=str(m.get("speaker", "")),
            sources=tuple(sources.split(_SEP)) if sources else (),
            seq=int(m.get("seq", 0)),
            at=float(m.get("at", 0.0)),
            chapter=None if chapter is None else int(chapter),
            importance=float(m.get("importance", 0.5)),
            slot=opt_str("slot"),
            valid_to=None if valid_to is None else float(valid_to),
            superseded_by=opt_str("superseded_by"),
            mentions=int(m.get("mentions", 1)),
            edited=bool(m.get("edited", False)),
            extra={k[2:]: str(v) for k, v in m.items() if k.startswith("x_")},
        )

    def to_recalled(self, score: float, text: str | None = None) -> Recalled:
        meta: dict[str, object] = {
            k: v for k, v in asdict(self).items() if k not in ("text", "id", "kind", "extra")
        }
        meta["sources"] = list(self.sources)
        return Recalled(id=self.id, text=text or self.text, kind=self.kind, score=score, meta=meta)

    def public(self) -> dict[str, object]:
        """The reader's view of one memory (list/export): everything but the internal links."""
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "card_id": self.card_id,
            "work_id": self.work_id,
            "chat_id": self.chat_id,
            "at": self.at,
            "chapter": self.chapter,
            "current": self.current,
            "valid_to": self.valid_to,
            "superseded_by": self.superseded_by,
            "sources": list(self.sources),
            "edited": self.edited,
        }


def line(item: MemoryItem) -> str:
    return f"{item.speaker}: {item.text}" if item.kind == "turn" and item.speaker else item.text


def embed_text(item: MemoryItem, before: str | None = None) -> str:
    """What the vector represents: a turn with its speaker (questions name people) and the
    line it answers ("Yes, last year!" means nothing alone). On LoCoMo the context line
    lifts dense recall@10 from 0.68 to 0.75 (docs/memory.md)."""
    text = line(item)
    return f"{before}\n{text}" if before and item.kind == "turn" else text


def new_item(scope: MemoryScope, kind: ItemKind, text: str, **fields: object) -> MemoryItem:
    key = str(fields.pop("key", text))
    return MemoryItem(
        id=item_id(scope.reader_id, scope.card_id, kind, key),
        kind=kind,
        text=text,
        reader_id=scope.reader_id,
        card_id=scope.card_id,
        work_id=scope.work_id,
        chapter=scope.chapter,
        **fields,  # type: ignore[arg-type]
    )
