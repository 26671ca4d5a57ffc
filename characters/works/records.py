"""Extraction jobs and works as stored in Redis and sent to the editor page.

A *work* is one novel on the platform: its extraction folder, its cards in the card
store, the report an editor reviews. A *job* is one run over it (a whole book, or new
chapters appended) with the progress a page can follow.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from roleplay.models import now

JobKind = Literal["extract", "append"]
JobStatus = Literal["queued", "running", "done", "failed", "interrupted", "cancelled"]
ACTIVE: frozenset[str] = frozenset({"queued", "running"})

# The share of a whole job each stage stands for (rough timings on real novels), so the
# bar moves evenly instead of sitting still through the long quote stage. "done" is the
# pipeline's last event; saving the cards ("cards") follows it in the server.
STAGE_SHARES: tuple[tuple[str, float], ...] = (
    ("ingest", 0.02),
    ("chapters", 0.03),
    ("roster", 0.15),
    ("quotes", 0.55),
    ("profiles", 0.13),
    ("output", 0.05),
    ("done", 0.0),
    ("cards", 0.07),
)
ETA_AFTER = 0.05  # below this fraction an estimate is mostly noise


class Progress(BaseModel):
    stage: str = "queued"
    done: int = 0
    total: int = 0
    chapter: int | None = None
    fraction: float = 0.0  # of the whole job, 0..1
    eta_s: float | None = None  # for the whole job
    message: str = ""


class JobError(BaseModel):
    code: str
    message: str


class JobResult(BaseModel):
    chapters: int = 0
    quotes: int = 0
    characters: int = 0
    cards: list[str] = Field(default_factory=list)  # ids in the card store
    resumed_stages: list[str] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list)  # what an append changed


class Job(BaseModel):
    id: str
    kind: JobKind
    work_id: str
    file: str  # the uploaded file's name
    status: JobStatus = "queued"
    progress: Progress = Field(default_factory=Progress)
    error: JobError | None = None
    result: JobResult | None = None
    created_by: str = ""
    attempts: int = 1
    created_at: float = Field(default_factory=now)
    updated_at: float = Field(default_factory=now)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def but(self, **changes: Any) -> Job:
        return self.model_copy(update={**changes, "updated_at": now()})


class Work(BaseModel):
    id: str
    title: str = ""
    language: str = ""
    source: str = ""  # the file the book was extracted from
    appended: list[str] = Field(default_factory=list)  # files appended since
    chapters: int = 0
    quotes: int = 0
    characters: int = 0
    cards: dict[str, str] = Field(default_factory=dict)  # entity id -> card id
    ready: bool = False  # a finished extraction is published
    last_job: str | None = None
    created_at: float = Field(default_factory=now)
    updated_at: float = Field(default_factory=now)


def advance(job: Job, event: dict[str, Any], at: float) -> Progress:
    """The job's progress after a pipeline event (``ProgressEvent`` fields as a dict)."""
    stage = str(event.get("stage", ""))
    done, total = int(event.get("done", 0)), int(event.get("total", 0))
    fraction = stage_fraction(stage, done, total)
    # Never move backwards: an append starts at "roster", and stages repeat their 0/1 event.
    fraction = max(fraction, job.progress.fraction)
    started = job.started_at or at
    elapsed = max(0.0, at - started)
    eta = elapsed * (1 - fraction) / fraction if fraction >= ETA_AFTER else None
    chapter = event.get("chapter")
    return Progress(
        stage=stage,
        done=done,
        total=total,
        chapter=chapter if isinstance(chapter, int) else job.progress.chapter,
        fraction=round(fraction, 4),
        eta_s=round(eta, 1) if eta is not None else None,
        message=str(event.get("message", ""))[:200],
    )


def stage_fraction(stage: str, done: int, total: int) -> float:
    start = 0.0
    for name, share in STAGE_SHARES:
        if name == stage:
            part = done / total if total > 0 else 1.0
            return min(1.0, start + share * max(0.0, min(1.0, part)))
        start += share
    return 0.0
