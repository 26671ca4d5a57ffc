"""What a consistency check takes in and hands back.

``ConsistencyReport.problems`` stays a list of strings because the engine
already stores it in ``message.meta["consistency"]``; ``findings`` carries the
structured evidence (what in the reply, what it conflicts with, which chapter)
that the correction note, the editors' review queue and reader reports use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from characters.card import CharacterCard

ProblemKind = Literal[
    "out_of_character",
    "anachronism",
    "self_address",
    "address",
    "spoiler",
    "card_contradiction",
    "reply_contradiction",
    "judge",
]

# How each kind is put to the model when it rewrites the reply.
_FIX: dict[str, str] = {
    "out_of_character": "never speak as an AI, assistant or narrator outside the story",
    "anachronism": "use only things and words that exist in the character's world and era",
    "self_address": "refer to yourself the way the character does",
    "address": "address people with the forms the character uses for them",
    "spoiler": "do not reveal people or events the reader has not reached yet",
    "card_contradiction": "keep to the character's established facts",
    "reply_contradiction": "stay consistent with what you already said in this chat",
    "judge": "stay in character",
}


@dataclass(frozen=True, slots=True)
class Exchange:
    """One thing the reader said and what the character answered."""

    user: str
    reply: str
    chapter: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One piece of evidence that a reply breaks character."""

    kind: ProblemKind
    evidence: str  # the offending span of the reply
    detail: str  # why, in words an editor (and the model) understand
    source: str = ""  # what it conflicts with: a canon line, an earlier reply, a lexicon entry
    chapter: int | None = None
    score: float | None = None  # detector probability, where there is one
    checker: str = ""

    def describe(self) -> str:
        text = f"{self.kind}: {self.evidence!r} ({self.detail})"
        return text if not self.source else f"{text}; conflicts with {self.source!r}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "evidence": self.evidence,
            "detail": self.detail,
            "source": self.source,
            "chapter": self.chapter,
            "score": None if self.score is None else round(self.score, 4),
            "checker": self.checker,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Problem:
        return cls(
            kind=raw["kind"],
            evidence=str(raw.get("evidence", "")),
            detail=str(raw.get("detail", "")),
            source=str(raw.get("source", "")),
            chapter=raw.get("chapter"),
            score=raw.get("score"),
            checker=str(raw.get("checker", "")),
        )


@dataclass(frozen=True, slots=True)
class ConsistencyReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    findings: tuple[Problem, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(
        cls, findings: Sequence[Problem], timings_ms: Mapping[str, float] | None = None
    ) -> ConsistencyReport:
        return cls(
            ok=not findings,
            problems=[f.describe() for f in findings],
            findings=tuple(findings),
            timings_ms=dict(timings_ms or {}),
        )

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(f.kind for f in self.findings)

    @property
    def correction(self) -> str:
        """A note for the one regeneration: what went wrong and how to fix it."""
        if not self.findings:
            return "Stay in character. Avoid: " + "; ".join(self.problems)
        lines = ["Your previous reply broke character. Rewrite it, in character, fixing:"]
        for f in self.findings:
            line = f"- {_FIX[f.kind]}: {f.detail} (you wrote {f.evidence!r})"
            lines.append(line if len(line) <= 300 else line[:297] + "...")
        lines.append("Do not mention this note.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "findings": [f.to_json() for f in self.findings],
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
        }


@dataclass(frozen=True, slots=True)
class PersonaContext:
    """Everything a check may compare the reply with; all but the first two are optional."""

    character_name: str
    chapter: int | None
    previous_replies: Sequence[str] = ()
    card: CharacterCard | None = None
    # "card_id@version": the card's derived profile is cached under it.
    card_key: str = ""
    user_message: str = ""
    # Earlier exchanges of this chat, oldest first (the contradiction check's memory).
    history: Sequence[Exchange] = ()
    # Entity surface form -> chapter it first appears in (from the extraction).
    first_chapter: Mapping[str, int] | None = None
    user_name: str = ""
    attempt: int = 0  # 0: first reply, 1: the regeneration after a correction


class ConsistencyChecker(Protocol):
    async def check(self, reply: str, context: PersonaContext) -> ConsistencyReport: ...
