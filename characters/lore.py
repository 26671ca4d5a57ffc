"""Lorebook models in the V2/V3 ``character_book`` shape.

Real books come from many tools, so parsing is forgiving where the meaning is
clear (``null`` means absent, SillyTavern's integer positions, its
``selectiveLogic`` codes) and strict about types. Keys we do not know are moved
into ``extensions`` rather than dropped, so other tools' data survives a round
trip through us.

Treat a loaded book as immutable: ``activate`` caches its key matcher on the
book, keyed by the identity of the entry objects. Replace entries (or build a
new book) instead of editing an entry's keys in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from characters.validation import MAX_LORE_ENTRIES, drop_nulls

SelectiveLogic = Literal["and_any", "not_all", "not_any", "and_all"]
Position = Literal["before_char", "after_char"]
LoreSpec = Literal["v2", "v3"]

# SillyTavern's numeric codes (world_info_logic), used in its exports.
LOGIC_CODES: dict[SelectiveLogic, int] = {"and_any": 0, "not_all": 1, "not_any": 2, "and_all": 3}
_LOGIC_BY_CODE = {code: name for name, code in LOGIC_CODES.items()}
_DECORATOR = re.compile(r"\A(?:@@[^\n]*(?:\n|\Z))+")

T = TypeVar("T")


class LoreEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[str] = Field(default_factory=list)
    content: str = ""
    enabled: bool = True
    insertion_order: int = 0
    extensions: dict[str, Any] = Field(default_factory=dict)
    name: str = ""
    priority: int | None = None
    id: int | str | None = None
    comment: str = ""
    selective: bool = False
    secondary_keys: list[str] = Field(default_factory=list)
    constant: bool = False
    position: Position | None = None
    case_sensitive: bool | None = None
    use_regex: bool = False
    selective_logic: SelectiveLogic = "and_any"

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw  # pydantic reports "expected an object" with the path
        raw = drop_nulls(raw, cls)
        ext = raw.get("extensions", {})
        if not isinstance(ext, dict):
            return raw
        ext = dict(ext)
        for key in [k for k in raw if k not in cls.model_fields]:
            ext.setdefault(key, raw.pop(key))
        if "selective_logic" not in raw and "selectiveLogic" in ext:
            code = ext.pop("selectiveLogic")
            raw["selective_logic"] = _LOGIC_BY_CODE.get(code, code)
        position = raw.get("position")
        if isinstance(position, int) and not isinstance(position, bool):
            # SillyTavern numbers positions; 0 is "before the character", the
            # rest are places we approximate as "after"; the number is kept.
            ext.setdefault("position", position)
            raw["position"] = "before_char" if position == 0 else "after_char"
        if isinstance(raw.get("id"), float) and raw["id"].is_integer():
            raw["id"] = int(raw["id"])
        raw["extensions"] = ext
        return raw

    @field_validator("id", mode="before")
    @classmethod
    def _id_type(cls, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
            raise ValueError("expected a number or a string")
        return value

    @property
    def body(self) -> str:
        """The content without V3 ``@@decorator`` lines: what goes into a prompt."""
        return _DECORATOR.sub("", self.content, count=1)

    def flag(self, *names: str) -> bool:
        """A boolean from ``extensions`` under any of its spellings (tools disagree)."""
        return any(self.extensions.get(name) is True for name in names)


class Lorebook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    description: str = ""
    scan_depth: int | None = None
    token_budget: int | None = None
    recursive_scanning: bool = False
    entries: list[LoreEntry] = Field(default_factory=list)
    extensions: dict[str, Any] = Field(default_factory=dict)

    _memo: dict[Hashable, object] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        raw = drop_nulls(raw, cls)
        entries = raw.get("entries")
        if isinstance(entries, dict):
            raise ValueError(
                "entries is an object keyed by id (a SillyTavern world-info file); "
                "import it as a lorebook file, not as a card's character_book"
            )
        if isinstance(entries, list) and len(entries) > MAX_LORE_ENTRIES:
            raise ValueError(
                f"the lorebook has {len(entries):,} entries; the limit is {MAX_LORE_ENTRIES:,}. "
                "Split it into several books."
            )
        ext = raw.get("extensions", {})
        if isinstance(ext, dict):
            ext = dict(ext)
            for key in [k for k in raw if k not in cls.model_fields]:
                ext.setdefault(key, raw.pop(key))
            raw["extensions"] = ext
        return raw

    def __eq__(self, other: object) -> bool:
        # pydantic compares private attributes too; a warm matcher cache must not
        # make two identical books unequal.
        if not isinstance(other, Lorebook):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def memo(self, key: Hashable, build: Callable[[], T], check: type[T]) -> T:
        """Per-book cache for derived structures (the activation matcher)."""
        found = self._memo.get(key)
        if isinstance(found, check):
            return found
        value = build()
        if len(self._memo) >= 8:  # alias sets change rarely; never grow without bound
            self._memo.clear()
        self._memo[key] = value
        return value


def export_entry(entry: LoreEntry, spec: LoreSpec) -> dict[str, Any]:
    ext = dict(entry.extensions)
    if entry.selective_logic != "and_any":
        ext["selectiveLogic"] = LOGIC_CODES[entry.selective_logic]
    keys, secondary = list(entry.keys), list(entry.secondary_keys)
    if spec == "v2" and entry.use_regex:
        # V2 has no use_regex; SillyTavern reads /pattern/flags keys as regex.
        keys = [as_slash_regex(k, entry.case_sensitive) for k in keys]
        secondary = [as_slash_regex(k, entry.case_sensitive) for k in secondary]
    out: dict[str, Any] = {
        "keys": keys,
        "content": entry.content,
        "extensions": ext,
        "enabled": entry.enabled,
        "insertion_order": entry.insertion_order,
    }
    if spec == "v3":
        out["use_regex"] = entry.use_regex
    out |= {"name": entry.name, "comment": entry.comment, "selective": entry.selective}
    out |= {"secondary_keys": secondary, "constant": entry.constant}
    optional = {
        "priority": entry.priority,
        "id": entry.id,
        "position": entry.position,
        "case_sensitive": entry.case_sensitive,
    }
    out |= {k: v for k, v in optional.items() if v is not None}
    return out


def export_lorebook(book: Lorebook, spec: LoreSpec = "v3") -> dict[str, Any]:
    """The ``character_book`` object of a V2 or V3 card."""
    out: dict[str, Any] = {"name": book.name, "description": book.description}
    if book.scan_depth is not None:
        out["scan_depth"] = book.scan_depth
    if book.token_budget is not None:
        out["token_budget"] = book.token_budget
    out["recursive_scanning"] = book.recursive_scanning
    out["extensions"] = dict(book.extensions)
    out["entries"] = [export_entry(e, spec) for e in book.entries]
    return out


SLASH_REGEX = re.compile(r"^/([\s\S]+?)/([gimsuy]*)$")


def as_slash_regex(key: str, case_sensitive: bool | None) -> str:
    if SLASH_REGEX.match(key):
        return key
    flags = "" if case_sensitive else "i"
    return "/" + re.sub(r"(?<!\\)/", r"\\/", key) + "/" + flags
