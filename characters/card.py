"""Character cards, normalised to the V3 shape whatever version they came in as.

``parse_card_json`` accepts V1 (flat), V2 and V3 objects plus the quirks real
exporters produce: V1 files with app-local keys (``avatar``, ``chat``,
``create_date``, ``metadata``...), V2 files that repeat the V1 fields at the top
level, ``null`` for absent fields. Keys with no meaning in a card are dropped
and listed in ``card.ignored_keys``; ``extensions`` is kept verbatim.

Our own data lives in ``extensions["novel_roleplay"]`` (see ``characters.novel``)
and is read through ``card.novel``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from characters.dialogue import example_lines, fill_char
from characters.lore import Lorebook, export_lorebook
from characters.novel import (
    NOVEL_KEY,
    CardSnapshot,
    NovelExtension,
    parse_novel,
    pick_snapshot,
)
from characters.validation import check_limits, drop_nulls, validate_as
from roleplay.errors import CardError
from roleplay.llm.base import CanonLine

CardSpec = Literal["v1", "v2", "v3"]

V1_FIELDS = ("name", "description", "personality", "scenario", "first_mes", "mes_example")
V3_ONLY = (
    "nickname",
    "creator_notes_multilingual",
    "source",
    "group_only_greetings",
    "creation_date",
    "modification_date",
    "assets",
)
_V1_QUIRKS = ("creatorcomment", "talkativeness", "fav", "tags", "creator")
_WRAPPER_KEYS = {"spec", "spec_version", "data"}


class Asset(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    uri: str
    name: str = ""
    ext: str = ""


class CardData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    personality: str = ""
    scenario: str = ""
    first_mes: str = ""
    mes_example: str = ""
    creator_notes: str = ""  # for humans browsing cards; never goes into a prompt
    system_prompt: str = ""
    post_history_instructions: str = ""
    alternate_greetings: list[str] = Field(default_factory=list)
    character_book: Lorebook | None = None
    tags: list[str] = Field(default_factory=list)
    creator: str = ""
    character_version: str = ""
    extensions: dict[str, Any] = Field(default_factory=dict)
    nickname: str = ""
    creator_notes_multilingual: dict[str, str] = Field(default_factory=dict)
    source: list[str] = Field(default_factory=list)
    group_only_greetings: list[str] = Field(default_factory=list)
    creation_date: int | None = None  # unix seconds
    modification_date: int | None = None
    assets: list[Asset] | None = None  # None: the V3 default (the PNG itself is the icon)

    @model_validator(mode="before")
    @classmethod
    def _nulls(cls, raw: Any) -> Any:
        return drop_nulls(raw, cls) if isinstance(raw, dict) else raw

    @field_validator("character_version", mode="before")
    @classmethod
    def _version_number(cls, value: Any) -> Any:
        # Several editors write 1 or 1.2 instead of "1.2".
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return str(value) if is_number else value

    @field_validator("creation_date", "modification_date", mode="before")
    @classmethod
    def _timestamp(cls, value: Any) -> Any:
        return int(value) if isinstance(value, float) else value


class CharacterCard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spec: Literal["chara_card_v3"] = "chara_card_v3"
    spec_version: Literal["3.0"] = "3.0"
    data: CardData

    _source_spec: CardSpec = PrivateAttr("v3")
    _ignored_keys: list[str] = PrivateAttr(default_factory=list)
    _avatar_png: bytes | None = PrivateAttr(None)
    # (the raw extension it was parsed from, the parsed view): every turn reads card.novel
    # several times, and parsing hundreds of lines each time was a fifth of a turn's CPU.
    _novel_cache: tuple[object, NovelExtension] | None = PrivateAttr(None)

    def __eq__(self, other: object) -> bool:
        # Equal content is an equal card: where it was imported from (spec,
        # dropped keys, picture) lives in private attributes pydantic would compare.
        if not isinstance(other, CharacterCard):
            return NotImplemented
        return self.__dict__ == other.__dict__

    @property
    def source_spec(self) -> CardSpec:
        """The version the card was imported from (export always writes what you ask)."""
        return self._source_spec

    @property
    def ignored_keys(self) -> list[str]:
        """Keys of the imported JSON that have no place in a card and were dropped."""
        return list(self._ignored_keys)

    @property
    def avatar_png(self) -> bytes | None:
        """The PNG the card was imported from, reused as the picture on PNG export."""
        return self._avatar_png

    @avatar_png.setter
    def avatar_png(self, png: bytes | None) -> None:
        self._avatar_png = png

    @property
    def novel(self) -> NovelExtension:
        """Typed view of ``extensions["novel_roleplay"]``; an empty one when absent.

        Parsed once per extension object and shared: treat it as read-only, and assign
        ``card.novel = ext`` (or use ``with_novel``) to change it."""
        raw = self.data.extensions.get(NOVEL_KEY)
        if raw is None:
            return NovelExtension()
        cached = self._novel_cache
        if cached is not None and cached[0] is raw:
            return cached[1]
        ext = parse_novel(raw)
        self._novel_cache = (raw, ext)
        return ext

    @novel.setter
    def novel(self, ext: NovelExtension) -> None:
        self.data.extensions[NOVEL_KEY] = ext.to_json()

    def with_novel(self, ext: NovelExtension) -> CharacterCard:
        """A copy with ``ext`` written back; this card is left unchanged."""
        extensions = {**self.data.extensions, NOVEL_KEY: ext.to_json()}
        data = self.data.model_copy(update={"extensions": extensions})
        return self.model_copy(update={"data": data})

    def canon_lines(self) -> list[CanonLine]:
        """Every line the character says in the card, ``{{char}}`` filled in.

        Greetings first, then example-dialogue turns (with the user turn before
        each as context), then ``novel.lines`` from the book. Text is kept as
        written, *actions* included; ``{{user}}``/``<USER>`` are left for the engine.
        """
        name = self.data.name
        greetings = [self.data.first_mes, *self.data.alternate_greetings]
        lines = [CanonLine(fill_char(g.strip(), name)) for g in greetings if g.strip()]
        for text, context in example_lines(self.data.mes_example, name):
            lines.append(CanonLine(fill_char(text, name), fill_char(context, name)))
        for line in self.novel.lines:
            if line.text.strip():
                text, context = fill_char(line.text, name), fill_char(line.context, name)
                lines.append(CanonLine(text, context, line.chapter))
        return lines

    def snapshot_for(self, chapter: int | None) -> CardSnapshot:
        """What a reader who has read up to ``chapter`` may be told about the character.

        The latest snapshot covering the chapter overrides the base fields it
        fills in. ``None`` (no reading position given) gets the base fields.
        """
        data = self.data
        base = CardSnapshot(data.description, data.personality, data.scenario)
        if chapter is None:
            return base
        snap = pick_snapshot(self.novel.snapshots, chapter)
        if snap is None and self.novel.snapshots:
            # Before the character's first appearance: the earliest view, not the base
            # fields, which an extraction writes from the whole book (they would spoil).
            earliest = min(self.novel.snapshots, key=lambda s: s.from_chapter)
            snap = earliest if chapter < earliest.from_chapter else None
        if snap is None:
            return base
        return CardSnapshot(
            description=snap.description or base.description,
            personality=snap.personality or base.personality,
            scenario=snap.scenario or base.scenario,
            from_chapter=snap.from_chapter,
            to_chapter=snap.to_chapter,
        )


def parse_card_json(obj: dict[str, Any]) -> CharacterCard:
    """Validate a V1/V2/V3 card object into a V3-shaped ``CharacterCard``."""
    if not isinstance(obj, dict):
        raise CardError("a card must be a JSON object")
    check_limits(obj)
    source, data, prefix, ignored = _unwrap(obj)
    known = {k: v for k, v in data.items() if k in CardData.model_fields}
    ignored += [f"{prefix}{k}" for k in data if k not in CardData.model_fields]
    card = CharacterCard(data=validate_as(CardData, known, prefix.rstrip(".")))
    card._source_spec = source
    card._ignored_keys = ignored
    if NOVEL_KEY in card.data.extensions:
        parse_novel(card.data.extensions[NOVEL_KEY])  # reject a bad shape at import
    return card


def _unwrap(obj: dict[str, Any]) -> tuple[CardSpec, dict[str, Any], str, list[str]]:
    spec = obj.get("spec")
    if spec is None and "data" not in obj:
        flat, ignored = _from_v1(obj)
        return "v1", flat, "", ignored
    if spec not in (None, "chara_card_v2", "chara_card_v3"):
        hint = " (a lorebook: import it as a lorebook)" if spec == "lorebook_v3" else ""
        raise CardError(
            f"spec: unknown card spec {spec!r}{hint}; expected chara_card_v2 or chara_card_v3"
        )
    data = obj.get("data")
    if not isinstance(data, dict):
        raise CardError("data: expected an object holding the card fields")
    # Top-level V1 copies next to "data" are a SillyTavern habit; "data" wins.
    ignored = [k for k in obj if k not in _WRAPPER_KEYS and k not in V1_FIELDS + _V1_QUIRKS]
    return ("v3" if spec == "chara_card_v3" else "v2"), data, "data.", ignored


def _from_v1(obj: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    if "name" not in obj and "entries" in obj:
        raise CardError(
            "this is a lorebook (it has 'entries'), not a card; import it as a lorebook"
        )
    data = {k: obj[k] for k in V1_FIELDS if k in obj}
    # SillyTavern's own V1 -> V2 mapping for the extra keys it writes.
    if "creatorcomment" in obj:
        data["creator_notes"] = obj["creatorcomment"]
    for key in ("tags", "creator"):
        if key in obj:
            data[key] = obj[key]
    extensions = {k: obj[k] for k in ("talkativeness", "fav") if k in obj}
    if extensions:
        data["extensions"] = extensions
    ignored = [k for k in obj if k not in V1_FIELDS + _V1_QUIRKS]
    return data, ignored


def export_card_json(card: CharacterCard, spec: CardSpec) -> dict[str, Any]:
    """The card as a V1, V2 or V3 JSON object.

    Loss: V1 keeps only the six V1 fields. V2 drops the V3-only fields
    (nickname, creator_notes_multilingual, source, group_only_greetings,
    dates, assets); ``use_regex`` lorebook keys become ``/pattern/flags`` keys.
    Our novel data lives in ``extensions`` and survives V2.
    """
    data = card.data
    if spec == "v1":
        return {name: getattr(data, name) for name in V1_FIELDS}
    if spec not in ("v2", "v3"):
        raise CardError(f"unknown export spec {spec!r}; use v1, v2 or v3")
    out = data.model_dump(mode="json", exclude={"character_book", *V3_ONLY})
    if data.character_book is not None:
        out["character_book"] = export_lorebook(data.character_book, spec)
    if spec == "v2":
        return {"spec": "chara_card_v2", "spec_version": "2.0", "data": out}
    out["group_only_greetings"] = list(data.group_only_greetings)
    optional: dict[str, Any] = {
        "nickname": data.nickname or None,
        "creator_notes_multilingual": dict(data.creator_notes_multilingual) or None,
        "source": list(data.source) or None,
        "creation_date": data.creation_date,
        "modification_date": data.modification_date,
        "assets": None if data.assets is None else [a.model_dump() for a in data.assets],
    }
    out |= {k: v for k, v in optional.items() if v is not None}
    return {"spec": "chara_card_v3", "spec_version": "3.0", "data": out}
