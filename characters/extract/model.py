"""The plain records the extraction stages pass to each other (and checkpoint as JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Gender = Literal["m", "f", ""]
# what a pronoun or role noun tells: "m"/"f", "" for I/我, "x" for a role of unknown sex
Reference = Literal["m", "f", "", "x"]


@dataclass(slots=True)
class Evidence:
    """Why two surface forms were put in one cluster: the rule and where it was seen."""

    alias: str
    rule: str
    offset: int = -1
    snippet: str = ""


@dataclass(slots=True)
class Entity:
    id: str
    name: str  # the display name: the fullest frequent form
    aliases: list[str]  # every surface form, ``name`` first
    gender: Gender = ""
    kind: Literal["person", "narrator", "other"] = "person"
    mentions: int = 0
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(raw: dict[str, Any]) -> Entity:
        evidence = [Evidence(**e) for e in raw.get("evidence", [])]
        return Entity(**{**raw, "evidence": evidence})


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    entity: str  # Entity.id; "" for a pronoun not yet resolved
    surface: str
    pronoun: Reference | None = None  # "m"/"f" for he/she/他/她, "" for I/我, None for names
    role: bool = False  # "the old lady", "her father": a description, not a pronoun


@dataclass(slots=True)
class Attribution:
    """Who says quote ``index`` (an index into the quote list) and how sure we are."""

    speaker: str  # Entity.id, "" when unknown
    confidence: float
    rule: str
    addressees: list[str] = field(default_factory=list)
