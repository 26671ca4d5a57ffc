"""Standalone lorebook files from other tools, converted to our ``Lorebook``.

Recognised by shape, since none of them is reliably labelled:

* SillyTavern world info: ``entries`` is an object keyed by uid, entries use
  ``key``/``keysecondary``/``order``/``disable``/``selectiveLogic``...
* Agnai memory book: ``kind: "memory"``, entries use
  ``keywords``/``entry``/``priority``/``weight``/``enabled``.
* V3 standalone lorebook ``{"spec": "lorebook_v3", "data": {...}}``, a bare V2
  ``character_book`` (``entries`` is a list), or a whole card with a book.

Some exporters write both their native names and the V2 ones in each entry;
the native name wins, since that is what the tool itself reads. Everything we
do not map is kept in the entry's ``extensions``.
"""

from __future__ import annotations

from typing import Any, Literal

from characters.lore import Lorebook, LoreEntry
from characters.validation import MAX_LORE_ENTRIES, validate_as
from roleplay.errors import CardError

Shape = Literal["card", "lorebook"]

# SillyTavern world-info name -> character_book name.
_ST_NAMES = {
    "key": "keys",
    "keysecondary": "secondary_keys",
    "order": "insertion_order",
    "uid": "id",
    "caseSensitive": "case_sensitive",
}
_AGNAI_NAMES = {"keywords": "keys", "entry": "content", "weight": "insertion_order"}


def json_shape(obj: object) -> Shape | None:
    """Whether a parsed JSON file is a character card or a lorebook (None: neither)."""
    if not isinstance(obj, dict):
        return None
    spec = obj.get("spec")
    if spec in ("chara_card_v2", "chara_card_v3"):
        return "card"
    if spec == "lorebook_v3" or obj.get("kind") == "memory":
        return "lorebook"
    if "entries" in obj and "first_mes" not in obj and "data" not in obj:
        return "lorebook"
    if "name" in obj or isinstance(obj.get("data"), dict):
        return "card"
    return None


def lorebook_from_json(obj: object) -> Lorebook:
    if not isinstance(obj, dict):
        raise CardError("a lorebook must be a JSON object")
    if obj.get("spec") == "lorebook_v3":
        return validate_as(Lorebook, obj.get("data"), "data")
    if json_shape(obj) == "card":
        return _book_of_card(obj)
    entries = obj.get("entries")
    if isinstance(entries, list) and len(entries) > MAX_LORE_ENTRIES:
        return validate_as(Lorebook, obj)  # reports the entry limit
    if obj.get("kind") == "memory" and isinstance(entries, list):
        return _from_agnai(obj, entries)
    if isinstance(entries, dict):
        return _from_sillytavern(obj, entries)
    if isinstance(entries, list):
        return validate_as(Lorebook, obj)
    raise CardError(
        "not a lorebook: expected 'entries' (a list, or SillyTavern's object keyed by uid)"
    )


def _book_of_card(obj: dict[str, Any]) -> Lorebook:
    data = obj.get("data")
    book = data.get("character_book") if isinstance(data, dict) else None
    if book is None:
        raise CardError("this is a character card without a lorebook (no data.character_book)")
    return validate_as(Lorebook, book, "data.character_book")


def _from_sillytavern(obj: dict[str, Any], entries: dict[str, Any]) -> Lorebook:
    if len(entries) > MAX_LORE_ENTRIES:
        raise CardError(
            f"the lorebook has {len(entries):,} entries; the limit is {MAX_LORE_ENTRIES:,}. "
            "Split it into several books."
        )
    converted = [
        validate_as(LoreEntry, _st_entry(raw), f"entries.{uid}") for uid, raw in entries.items()
    ]
    return validate_as(Lorebook, {**obj, "entries": converted})


def _st_entry(raw: object) -> object:
    if not isinstance(raw, dict):
        return raw
    out = {k: v for k, v in raw.items() if k not in _ST_NAMES and k != "disable"}
    out |= {ours: raw[theirs] for theirs, ours in _ST_NAMES.items() if theirs in raw}
    disable = raw.get("disable")
    if isinstance(disable, bool):
        out["enabled"] = not disable
    return out


def _from_agnai(obj: dict[str, Any], entries: list[Any]) -> Lorebook:
    converted = []
    for index, raw in enumerate(entries):
        if isinstance(raw, dict):
            raw = {k: v for k, v in raw.items() if k not in _AGNAI_NAMES} | {
                ours: raw[theirs] for theirs, ours in _AGNAI_NAMES.items() if theirs in raw
            }
        converted.append(validate_as(LoreEntry, raw, f"entries[{index}]"))
    book = {k: v for k, v in obj.items() if k != "kind"}
    return validate_as(Lorebook, {**book, "entries": converted})
