"""Incremental append: new chapters extend an extraction without re-reading the old ones.

Only the appended text is analysed: its own name candidates join the existing
people when they share a surface form (ids stay stable, so cards keep their
identity) or become new people; its quotes are attributed against the combined
roster. Profiles, glossary and cards are then recomputed from the stored
analysis, which is cheap. The result reports what changed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from characters.extract.assemble import _analysis_text, assemble_and_publish
from characters.extract.chapters import Chapter, split_chapters
from characters.extract.errors import ExtractError
from characters.extract.ingest import read_document
from characters.extract.llmstage import LLMOptions, ProfileRun
from characters.extract.model import Entity, Evidence
from characters.extract.pipeline import (
    Progress,
    ProgressEvent,
    Result,
    _quiet,
    analyse_text,
    require_output,
)
from characters.extract.quotes import Quote, find_quotes, paragraphs
from characters.extract.scene import assign_genders
from characters.extract.state import (
    Analysis,
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

SEPARATOR = "\n\n"


def append_chapters(
    out: Path, path: Path, *, progress: Progress = _quiet, llm: LLMOptions | None = None
) -> Result:
    """Add the chapters in ``path`` to the extraction in ``out``.

    LLM profiles of arcs the new chapters leave unchanged are kept; with ``llm``, the
    changed and new arcs are profiled within a budget measured on the new text. Those
    calls are checkpointed beside ``out``, so rerunning an interrupted append reuses them.
    """
    state = require_output(out)
    meta = meta_from_json(read_json(state / "meta.json"))
    old_text = (state / "text.txt").read_text(encoding="utf-8")
    chapters = chapters_from_json(read_json(state / "chapters.json"))
    analysis = analysis_from_json(read_json(state / "analysis.json"))
    before = _snapshot(Path(out))
    doc = read_document(Path(path))
    if doc.language != meta.language:
        raise ExtractError(f"{path} is {doc.language}, the extraction is {meta.language}")
    base = len(old_text) + len(SEPARATOR)
    new_chapters = _shift_chapters(split_chapters(doc.text, doc.language, doc.parts), base,
                                   len(chapters))  # fmt: skip
    analysed = _analysis_text(doc.text, doc.language)
    entities = _merge_roster(analysis.entities, analysed, doc.language)
    local = [
        Chapter(c.number, c.title, c.start - base, c.end - base, c.volume) for c in new_chapters
    ]
    added = analyse_text(analysed, doc.language, local, progress, entities=entities)
    combined = _combine(analysis, added, base, entities)
    text = old_text + SEPARATOR + doc.text
    chapters = chapters + new_chapters
    meta.appended.append(doc.source)
    work = Path(tempfile.mkdtemp(prefix="extract-append-"))
    checkpoints = Path(out).parent / f".{Path(out).name}.append-profiles"
    run = ProfileRun(llm, checkpoints, len(doc.text), state / "profiles", work / "profiles")
    try:
        write_text(work / "text.txt", text)
        write_json(work / "meta.json", meta_to_json(meta))
        write_json(work / "chapters.json", chapters_to_json(chapters))
        write_json(work / "analysis.json", analysis_to_json(combined))
        bundle = assemble_and_publish(Path(out), work, meta, text, chapters, combined, progress,
                                      run)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(checkpoints, ignore_errors=True)
    changes = _changes(before, bundle, new_chapters)
    progress(ProgressEvent("done", 1, 1, message=f"{len(new_chapters)} chapters appended"))
    people = sum(1 for e in combined.entities if e.kind != "other")
    return Result(Path(out), len(chapters), len(combined.quotes), people, [], changes,
                  bundle.llm)  # fmt: skip


def _shift_chapters(new: list[Chapter], base: int, count: int) -> list[Chapter]:
    return [Chapter(count + i + 1, c.title, c.start + base, c.end + base, c.volume)
            for i, c in enumerate(new)]  # fmt: skip


def _merge_roster(old: list[Entity], text: str, language: str) -> list[Entity]:
    """Old people keep their ids; a new candidate sharing a form with one of them joins it."""
    from characters.extract.analyse import build_roster

    merged = [Entity.from_json(e.to_json()) for e in old]
    owner = {a: e for e in merged for a in e.aliases}
    fresh = build_roster(text, find_quotes(text, paragraphs(text)), language)
    next_id = len(merged)
    for ent in fresh:
        home = next((owner[a] for a in ent.aliases if a in owner), None)
        if home is None:
            ent.id = f"n{next_id}"
            next_id += 1
            merged.append(ent)
            owner.update({a: ent for a in ent.aliases})
            continue
        for alias in ent.aliases:
            if alias not in owner:
                home.aliases.append(alias)
                home.evidence.append(Evidence(alias, "grouped with it in the appended chapters"))
                owner[alias] = home
        home.mentions += ent.mentions
    assign_genders(text, [e for e in merged if not e.gender], language)
    return merged


def _combine(old: Analysis, new: Analysis, base: int, entities: list[Entity]) -> Analysis:
    shift = len(old.paras)
    quotes = old.quotes + [Quote(q.start + base, q.end + base, q.para + shift, q.continued)
                           for q in new.quotes]  # fmt: skip
    paras = old.paras + [(s + base, e + base) for s, e in new.paras]
    return Analysis(paras, quotes, entities, old.attributions + new.attributions)


def _snapshot(out: Path) -> dict[str, Any]:
    roster = json.loads((out / "roster.json").read_text(encoding="utf-8"))
    book = json.loads((out / "lorebook.json").read_text(encoding="utf-8"))
    return {
        "lines": {r["id"]: r["lines"] for r in roster},
        "names": {r["id"]: r["name"] for r in roster},
        "terms": {e.get("name", "") for e in book["data"]["entries"]},
    }


def _changes(before: dict[str, Any], bundle: Any, new_chapters: list[Chapter]) -> list[str]:
    out = [f"chapters added: {len(new_chapters)}"]
    for ent in bundle.analysis.entities:
        lines = len(bundle.profiles[ent.id].lines)
        old = before["lines"].get(ent.id)
        if old is None and lines:
            out.append(f"new character: {ent.name} ({lines} lines)")
        elif old is not None and lines > old:
            out.append(f"{ent.name}: +{lines - old} lines")
    terms = {e.name for e in bundle.lorebook.entries} - before["terms"]
    if terms:
        out.append("new glossary terms: " + ", ".join(sorted(terms)[:30]))
    return out
