"""Where a work lives on disk: ``<data_dir>/works/<work id>/``.

``extract/`` is the pipeline's output folder (replaced whole on each run, its
checkpoints beside it in ``.extract.work/``), ``uploads/<job id>/`` the file a job
reads (kept until the job ends, so an interrupted job can be resumed), and
``report.json`` the review report of the last finished job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from roleplay.errors import InvalidInput

WORK_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def check_work_id(work_id: str) -> str:
    if not WORK_ID.fullmatch(work_id):
        raise InvalidInput(
            f"Work id {work_id[:60]!r} is not valid: use 1–40 lowercase letters, digits "
            "and dashes (it becomes part of card ids and folder names)."
        )
    return work_id


def default_work_id(filename: str) -> str:
    """An id from the file name (ASCII letters and digits), or "work" for e.g. 西游记.txt."""
    stem = Path(filename).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:32].strip("-")
    return slug or "work"


@dataclass(frozen=True, slots=True)
class WorkDir:
    folder: Path

    @property
    def out(self) -> Path:
        return self.folder / "extract"

    @property
    def report(self) -> Path:
        return self.folder / "report.json"

    def uploads(self, job_id: str) -> Path:
        return self.folder / "uploads" / job_id

    def upload(self, job_id: str) -> Path | None:
        """The file job ``job_id`` reads, if it is still there."""
        folder = self.uploads(job_id)
        files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        return files[0] if files else None
