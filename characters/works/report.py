"""The review report of one extraction, as JSON for the editor page.

Built once when a job finishes (in the job's own process) from the published output
folder, so opening a work's page reads one small file instead of scanning a quote
file with tens of thousands of lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from characters.extract.output import LOW_CONFIDENCE

LOW_SHOWN = 200  # low-confidence quotes listed, in reading order (the total is reported)
GLOSSARY_SHOWN = 300
LOW_FIELDS = ("start", "end", "chapter", "text", "speaker", "speaker_id", "confidence", "rule")


def build_report(out: Path, changes: list[str]) -> dict[str, Any]:
    """Roster with aliases and merge evidence, low-confidence quotes, glossary, changes."""
    meta = _read(out / "state" / "meta.json")
    roster = _read(out / "roster.json")
    chapters = _read(out / "state" / "chapters.json")
    quotes, low = _low_confidence(out / "quotes.jsonl")
    return {
        "title": meta.get("title", ""),
        "language": meta.get("language", ""),
        "source": meta.get("source", ""),
        "appended": meta.get("appended", []),
        "chapters": len(chapters),
        "quotes": quotes,
        "roster": [_person(r) for r in roster if r.get("kind") != "other"],
        "low_confidence": {
            "threshold": LOW_CONFIDENCE,
            "count": len(low),
            "quotes": low[:LOW_SHOWN],
        },
        "glossary": _glossary(_read(out / "lorebook.json")),
        "changes": changes,
        # what LLM profiles cost, when the run used an LLM (see docs/extraction.md)
        "llm": _read(out / "llm.json") if (out / "llm.json").is_file() else None,
    }


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _person(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "name", "aliases", "gender", "kind", "mentions", "lines", "first_chapter",
            "last_chapter", "evidence")  # fmt: skip
    return {k: row.get(k) for k in keep}


def _low_confidence(path: Path) -> tuple[int, list[dict[str, Any]]]:
    total = 0
    low: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            total += 1
            q = json.loads(line)
            if q.get("confidence", 1.0) < LOW_CONFIDENCE:
                low.append({k: q.get(k) for k in LOW_FIELDS})
    return total, low


def _glossary(book: dict[str, Any]) -> list[dict[str, Any]]:
    terms = []
    for entry in book.get("data", {}).get("entries", []):
        ext = entry.get("extensions", {}).get("novel_roleplay", {})
        kind = ext.get("kind", "")
        if kind == "character":
            continue
        terms.append({
            "name": entry.get("name", ""), "kind": kind, "keys": entry.get("keys", []),
            "definition": entry.get("content", ""), "first_chapter": ext.get("first_chapter"),
        })  # fmt: skip
    return terms[:GLOSSARY_SHOWN]
