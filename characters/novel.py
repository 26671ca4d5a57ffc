"""Our own additions to a card, kept under ONE key: ``extensions["novel_roleplay"]``.

Other tools keep unknown extension keys untouched, so a card we export goes
through SillyTavern and back without losing its novel data. Every model here
allows extra keys for the same reason: a newer version of this program may add
fields, and an older one must not strip them on a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from characters.validation import drop_nulls, validate_as
from roleplay.errors import CardError

NOVEL_KEY = "novel_roleplay"
SCHEMA_VERSION = 1


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _nulls(cls, raw: Any) -> Any:
        return drop_nulls(raw, cls) if isinstance(raw, dict) else raw


class Work(_Open):
    id: str = ""
    title: str = ""
    language: str = ""  # BCP 47 primary tag: "zh", "en", ...
    era: str = ""


class NovelLine(_Open):
    text: str
    context: str = ""
    chapter: int | None = None


class Snapshot(_Open):
    """How the character is described to a reader within a range of chapters."""

    from_chapter: int = Field(ge=0)
    to_chapter: int | None = None  # inclusive; None: to the end of the book
    description: str = ""
    personality: str = ""
    scenario: str = ""

    @model_validator(mode="after")
    def _range(self) -> Snapshot:
        if self.to_chapter is not None and self.to_chapter < self.from_chapter:
            raise ValueError("to_chapter is before from_chapter")
        return self

    def covers(self, chapter: int) -> bool:
        return self.from_chapter <= chapter and (
            self.to_chapter is None or chapter <= self.to_chapter
        )


class Provenance(_Open):
    source: str = ""


class NovelExtension(_Open):
    # "schema" would shadow a BaseModel attribute, hence the alias.
    schema_version: int = Field(
        default=SCHEMA_VERSION,
        validation_alias=AliasChoices("schema", "schema_version"),
        serialization_alias="schema",
    )
    work: Work | None = None
    aliases: list[str] = Field(default_factory=list)
    self_address: list[str] = Field(default_factory=list)
    lines: list[NovelLine] = Field(default_factory=list)
    snapshots: list[Snapshot] = Field(default_factory=list)
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _known_schema(self) -> NovelExtension:
        if self.schema_version > SCHEMA_VERSION:
            raise ValueError(
                f"schema {self.schema_version} is newer than this program understands "
                f"({SCHEMA_VERSION}); upgrade it to use this card's novel data"
            )
        return self

    def to_json(self) -> dict[str, Any]:
        out = self.model_dump(mode="json", by_alias=True)
        for optional in ("work", "provenance"):
            if out.get(optional) is None:
                out.pop(optional, None)
        return out


@dataclass(frozen=True, slots=True)
class CardSnapshot:
    """The description, personality and scenario a reader at some chapter should get."""

    description: str
    personality: str
    scenario: str
    from_chapter: int | None = None
    to_chapter: int | None = None


def parse_novel(raw: object) -> NovelExtension:
    path = f"data.extensions.{NOVEL_KEY}"
    if not isinstance(raw, dict):
        raise CardError(f"{path}: expected an object")
    return validate_as(NovelExtension, raw, path)


def pick_snapshot(snapshots: list[Snapshot], chapter: int) -> Snapshot | None:
    """The latest-starting snapshot whose range covers ``chapter`` (later listed wins ties)."""
    best: Snapshot | None = None
    for snap in snapshots:
        if snap.covers(chapter) and (best is None or snap.from_chapter >= best.from_chapter):
            best = snap
    return best
