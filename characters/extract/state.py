"""What an extraction remembers between stages and runs: JSON files in one folder.

The same folder serves three purposes: checkpoints while a run is in progress
(resume after an interruption picks up at the first missing stage), the
``state/`` copy inside a finished output (incremental append reads it), and the
input to the output writer. Every file is written to a temporary name and
renamed, so a crash never leaves a half-written checkpoint that looks complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from characters.extract.chapters import Chapter
from characters.extract.model import Attribution, Entity
from characters.extract.quotes import Quote

STATE_VERSION = 1


@dataclass(slots=True)
class Meta:
    source: str
    sha256: str
    encoding: str
    language: str
    work_id: str
    title: str
    version: int = STATE_VERSION
    appended: list[str] = field(default_factory=list)  # names of files appended later


@dataclass(slots=True)
class Analysis:
    """The expensive part of a run: quotes, roster and attributions over the whole text."""

    paras: list[tuple[int, int]]
    quotes: list[Quote]
    entities: list[Entity]
    attributions: list[Attribution]


def write_json(path: Path, obj: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def meta_to_json(meta: Meta) -> dict[str, Any]:
    return asdict(meta)


def meta_from_json(raw: dict[str, Any]) -> Meta:
    return Meta(**raw)


def chapters_to_json(chapters: list[Chapter]) -> list[dict[str, Any]]:
    return [asdict(c) for c in chapters]


def chapters_from_json(raw: list[dict[str, Any]]) -> list[Chapter]:
    return [Chapter(**c) for c in raw]


def analysis_to_json(a: Analysis) -> dict[str, Any]:
    return {
        "paras": a.paras,
        "quotes": [[q.start, q.end, q.para, q.continued] for q in a.quotes],
        "entities": [e.to_json() for e in a.entities],
        "attributions": [asdict(x) for x in a.attributions],
    }


def analysis_from_json(raw: dict[str, Any]) -> Analysis:
    return Analysis(
        paras=[(int(s), int(e)) for s, e in raw["paras"]],
        quotes=[Quote(s, e, p, bool(c)) for s, e, p, c in raw["quotes"]],
        entities=[Entity.from_json(e) for e in raw["entities"]],
        attributions=[Attribution(**x) for x in raw["attributions"]],
    )
