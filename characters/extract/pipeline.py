"""Novel file in, cards out: the staged, resumable, progress-reporting extraction.

Stages: ingest -> chapters -> roster -> quotes (attribution, per chapter batch,
in parallel) -> profiles + glossary + cards (+ LLM profiles per arc, checkpointed per
character) -> output. Each finished stage is
checkpointed in ``.<out>.work/`` beside the output; a rerun after an interruption
verifies the source's hash and continues at the first missing stage. The output
folder is only ever replaced whole (see ``output``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from characters.extract.analyse import analyse, build_roster
from characters.extract.assemble import _analysis_text
from characters.extract.chapters import Chapter, split_chapters
from characters.extract.errors import ExtractError
from characters.extract.ingest import Document, read_document
from characters.extract.model import Entity
from characters.extract.quotes import find_quotes, paragraphs
from characters.extract.scene import add_narrator, assign_genders
from characters.extract.state import (
    Analysis,
    Meta,
    analysis_from_json,
    analysis_to_json,
    chapters_from_json,
    chapters_to_json,
    meta_from_json,
    meta_to_json,
    read_json,
    write_json,
    write_text,
)

if TYPE_CHECKING:
    from characters.extract.llmstage import LLMOptions

PARALLEL_MIN_CHARS = 300_000  # below this a process pool costs more than it saves


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    stage: str  # ingest | chapters | roster | quotes | profiles | output | done
    done: int
    total: int
    chapter: int | None = None
    eta_s: float | None = None
    message: str = ""


Progress = Callable[[ProgressEvent], None]


def _quiet(_: ProgressEvent) -> None:
    return None


@dataclass(slots=True)
class Result:
    out: Path
    chapters: int
    quotes: int
    characters: int
    resumed_stages: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    llm: dict[str, Any] | None = None  # the LLM profile stage's spend report


def run_pipeline(
    path: Path,
    out: Path,
    *,
    work_id: str | None = None,
    progress: Progress = _quiet,
    resume: bool = True,
    jobs: int | None = None,
    llm: LLMOptions | None = None,
) -> Result:
    """Extract ``path`` into ``out``; ``progress`` receives events as stages advance.

    With ``llm``, profiles are written per arc by the model within its token budget;
    an earlier extraction in ``out`` lends its LLM answers where the material is the same.
    """
    out = Path(out)
    work = out.parent / f".{out.name}.work"
    progress(ProgressEvent("ingest", 0, 1, message=str(path)))
    doc = read_document(Path(path))
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    resumed = _open_work(work, digest, resume)
    meta = Meta(doc.source, digest, doc.encoding, doc.language,
                work_id or _slug(Path(path).stem), _title(doc, Path(path)))  # fmt: skip
    if "ingest" not in resumed:
        write_text(work / "text.txt", doc.text)
        write_json(work / "meta.json", meta_to_json(meta))
    progress(ProgressEvent("ingest", 1, 1, message=f"{doc.encoding}, {len(doc.text):,} chars"))
    chapters = _chapters_stage(work, doc, resumed, progress)
    analysed = _analysis_text(doc.text, doc.language)
    analysis = _analysis_stage(work, analysed, doc.language, chapters, resumed, progress, jobs)
    from characters.extract.assemble import assemble_and_publish
    from characters.extract.llmstage import ProfileRun

    reuse = out / "state" / "profiles" if resume else None
    run = ProfileRun(llm, work / "profiles", len(doc.text), reuse)
    bundle = assemble_and_publish(out, work, meta, doc.text, chapters, analysis, progress, run)
    shutil.rmtree(work, ignore_errors=True)
    people = sum(1 for e in analysis.entities if e.kind != "other")
    if bundle.llm and bundle.llm["resumed"]:
        resumed.add("profiles")
    progress(ProgressEvent("done", 1, 1, message=str(out)))
    return Result(out, len(chapters), len(analysis.quotes), people, sorted(resumed),
                  llm=bundle.llm)  # fmt: skip


def _open_work(work: Path, digest: str, resume: bool) -> set[str]:
    """Stages already done for this very text; a different text starts afresh."""
    done: set[str] = set()
    meta_file = work / "meta.json"
    if resume and meta_file.is_file():
        try:
            meta = meta_from_json(read_json(meta_file))
        except (ValueError, TypeError, KeyError):
            meta = None
        if meta is not None and meta.sha256 == digest and (work / "text.txt").is_file():
            done.add("ingest")
            done |= {s for s in ("chapters", "analysis") if (work / f"{s}.json").is_file()}
            return done
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return done


def _chapters_stage(
    work: Path, doc: Document, resumed: set[str], progress: Progress
) -> list[Chapter]:
    if "chapters" in resumed:
        chapters = chapters_from_json(read_json(work / "chapters.json"))
    else:
        chapters = split_chapters(doc.text, doc.language, doc.parts)
        write_json(work / "chapters.json", chapters_to_json(chapters))
    progress(ProgressEvent("chapters", len(chapters), len(chapters), len(chapters)))
    return chapters


def _analysis_stage(
    work: Path,
    text: str,
    language: str,
    chapters: list[Chapter],
    resumed: set[str],
    progress: Progress,
    jobs: int | None,
) -> Analysis:
    if "analysis" in resumed:
        return analysis_from_json(read_json(work / "analysis.json"))
    analysis = analyse_text(text, language, chapters, progress, jobs)
    write_json(work / "analysis.json", analysis_to_json(analysis))
    return analysis


def analyse_text(
    text: str,
    language: str,
    chapters: list[Chapter],
    progress: Progress = _quiet,
    jobs: int | None = None,
    entities: list[Entity] | None = None,
) -> Analysis:
    """Roster over the whole text, then attribution per batch of chapters (in parallel)."""
    progress(ProgressEvent("roster", 0, 1))
    if entities is None:
        entities = build_roster(text, find_quotes(text, paragraphs(text)), language)
        add_narrator(text, entities, language)
        assign_genders(text, entities, language)
    progress(ProgressEvent("roster", 1, 1, message=f"{len(entities)} names"))
    batches = _batches(chapters, len(text), jobs)
    results: list[Analysis] = []
    started = time.monotonic()
    tasks = [(text[a:b], a, language, entities) for a, b in batches]
    workers = _jobs(jobs) if len(text) >= PARALLEL_MIN_CHARS and len(tasks) > 1 else 1
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for i, res in enumerate(pool.map(_analyse_batch, tasks)):
                results.append(res)
                _tick(progress, i + 1, len(tasks), batches[i][1], chapters, started)
    else:
        for i, task in enumerate(tasks):
            results.append(_analyse_batch(task))
            _tick(progress, i + 1, len(tasks), batches[i][1], chapters, started)
    joined = _join(results, entities)
    if language == "zh":
        from characters.extract.coref import refine_aliases

        refine_aliases(text, joined.quotes, joined.attributions, joined.entities)
    else:
        from characters.extract.coref_en import join_called_names

        join_called_names(text, joined.quotes, joined.attributions, joined.entities)
    return joined


def _tick(progress: Progress, done: int, total: int, end: int, chapters: list[Chapter],
          started: float) -> None:  # fmt: skip
    from characters.extract.chapters import chapter_at

    elapsed = time.monotonic() - started
    eta = elapsed / done * (total - done)
    progress(ProgressEvent("quotes", done, total, chapter_at(chapters, max(0, end - 1)), eta))


def _jobs(jobs: int | None) -> int:
    return max(1, jobs if jobs is not None else min(4, os.cpu_count() or 1))


def _batches(chapters: list[Chapter], size: int, jobs: int | None) -> list[tuple[int, int]]:
    """Runs of whole chapters of roughly equal size: conversations never cross chapters."""
    pieces = max(1, min(len(chapters), _jobs(jobs) * 6))
    target = size / pieces
    out: list[tuple[int, int]] = []
    start = 0
    for ch in chapters:
        if ch.end - start >= target:
            out.append((start, ch.end))
            start = ch.end
    if start < size:
        out.append((start, size))
    return out


def _analyse_batch(task: tuple[str, int, str, list[Entity]]) -> Analysis:
    text, base, language, entities = task
    result = analyse(text, language, entities=[Entity.from_json(e.to_json()) for e in entities])
    from characters.extract.attribution import NARRATOR  # noqa: F401  (documents the id)
    from characters.extract.quotes import Quote

    quotes = [Quote(q.start + base, q.end + base, q.para, q.continued) for q in result.quotes]
    paras = [(s + base, e + base) for s, e in result.paras]
    return Analysis(paras, quotes, [], result.attributions)


def _join(parts: list[Analysis], entities: list[Entity]) -> Analysis:
    from characters.extract.quotes import Quote

    paras: list[tuple[int, int]] = []
    quotes: list[Quote] = []
    atts = []
    for part in parts:
        shift = len(paras)
        quotes += [Quote(q.start, q.end, q.para + shift, q.continued) for q in part.quotes]
        paras += part.paras
        atts += part.attributions
    return Analysis(paras, quotes, entities, atts)


def _slug(stem: str) -> str:
    return re.sub(r"[^\w]+", "-", stem).strip("-").lower() or "work"


def _title(doc: Document, path: Path) -> str:
    head = doc.text[:200]
    m = re.search(r"《([^》]{1,30})》", head)
    if m:
        return m.group(1)
    m = re.search(r"Title:\s*(.+)", head)
    return m.group(1).strip() if m else path.stem


def require_output(out: Path) -> Path:
    state = Path(out) / "state"
    if not (state / "meta.json").is_file():
        raise ExtractError(f"{out} holds no extraction to append to (no state/meta.json)")
    return state
