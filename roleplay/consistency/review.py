"""What happens to a failing reply, and what editors get to review.

``decide`` is the whole policy: a first failure is regenerated once with the
report's correction note; a second failure is delivered (flagged) or withheld,
per kind of problem. Whatever is flagged becomes a ``ReviewItem`` for the
editors' queue, carrying every attempt with its evidence. Readers' "out of
character" reports become review items too, with the checker's evidence
re-computed on the reported reply so editors see both opinions side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from roleplay.consistency.report import ConsistencyReport

Action = Literal["accept", "regenerate", "deliver_flagged", "withhold"]
WITHHELD_TEXT = (
    "（这段回复偏离了角色设定，已暂时隐藏，等待编辑审核。 / This reply was held for review.）"
)


@dataclass(frozen=True, slots=True)
class ConsistencyPolicy:
    regenerate: bool = True
    # Kinds that are never shown to the reader once the regeneration also fails.
    withhold: frozenset[str] = field(default_factory=lambda: frozenset({"spoiler"}))
    # Kinds worth an editor's time even when the regeneration fixed them.
    flag_fixed: frozenset[str] = field(default_factory=frozenset)

    def decide(self, report: ConsistencyReport, attempt: int) -> Action:
        """``attempt`` 0 is the first reply, 1 the regeneration."""
        if report.ok:
            return "accept"
        if attempt == 0 and self.regenerate:
            return "regenerate"
        return "withhold" if report.kinds & self.withhold else "deliver_flagged"


class Attempt(BaseModel):
    text: str
    findings: list[dict[str, Any]] = Field(default_factory=list)


ReviewSource = Literal["checker", "reader"]
ReportReason = Literal["out_of_character", "spoiler", "contradiction", "anachronism", "other"]


class ReaderReport(BaseModel):
    """The body of "report this reply": what the reader thinks is wrong, in their words."""

    reason: ReportReason = "out_of_character"
    note: str = Field(default="", max_length=500)


class ReviewItem(BaseModel):
    """One entry in the editors' review queue."""

    source: ReviewSource
    chat_id: str
    message_id: str
    card_id: str
    card_version: str = ""
    character_name: str
    chapter: int | None = None
    user_message: str = ""
    action: Action | None = None  # what the engine did with it (checker items)
    attempts: list[Attempt] = Field(default_factory=list)
    reader: ReaderReport | None = None
    reader_id: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def kinds(self) -> set[str]:
        return {f["kind"] for a in self.attempts for f in a.findings}


def checker_item(
    *,
    chat_id: str,
    message_id: str,
    card_id: str,
    card_version: str,
    character_name: str,
    chapter: int | None,
    user_message: str,
    attempts: Sequence[tuple[str, ConsistencyReport]],
    action: Action,
) -> ReviewItem:
    """A review item for a reply the checker flagged, with every attempt's evidence."""
    return ReviewItem(
        source="checker",
        chat_id=chat_id,
        message_id=message_id,
        card_id=card_id,
        card_version=card_version,
        character_name=character_name,
        chapter=chapter,
        user_message=user_message,
        action=action,
        attempts=[Attempt(text=t, findings=r.to_json()["findings"]) for t, r in attempts],
    )


def reader_item(
    *,
    chat_id: str,
    message_id: str,
    card_id: str,
    card_version: str,
    character_name: str,
    chapter: int | None,
    user_message: str,
    reply: str,
    recheck: ConsistencyReport,
    report: ReaderReport,
    reader_id: str,
) -> ReviewItem:
    """A review item for a reader's report; ``recheck`` is the checker run on the reply now."""
    return ReviewItem(
        source="reader",
        chat_id=chat_id,
        message_id=message_id,
        card_id=card_id,
        card_version=card_version,
        character_name=character_name,
        chapter=chapter,
        user_message=user_message,
        attempts=[Attempt(text=reply, findings=recheck.to_json()["findings"])],
        reader=report,
        reader_id=reader_id,
    )
