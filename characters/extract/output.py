"""Writing an extraction: everything goes to a temporary folder that replaces ``out`` at once.

Readers of ``out`` see the previous complete result or the new complete one,
never a mix: the new folder is built beside it, then swapped in with two renames
(the old one is removed afterwards). A failure anywhere removes the temporary
folder and leaves ``out`` untouched.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from characters.card import CharacterCard, export_card_json
from characters.extract.chapters import Chapter, chapter_at
from characters.extract.errors import ExtractError
from characters.extract.glossary import Term
from characters.extract.model import Entity
from characters.extract.profile import Profile
from characters.extract.state import Analysis
from characters.lore import Lorebook, export_lorebook

LOW_CONFIDENCE = 0.5
REPORT_LOW = 40


@dataclass(slots=True)
class Bundle:
    """Everything one output folder holds, already computed."""

    text: str
    chapters: list[Chapter]
    analysis: Analysis
    profiles: dict[str, Profile]
    terms: list[Term]
    cards: dict[str, CharacterCard]  # entity id -> card
    lorebook: Lorebook
    title: str
    state_dir: Path  # copied into out/state for incremental append
    llm: dict[str, Any] | None = None  # the LLM profile stage's spend report


def publish(out: Path, bundle: Bundle) -> None:
    """Write ``bundle`` under ``out`` atomically (replacing an older extraction)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise ExtractError(f"{out} exists and is not a folder")
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    try:
        _write_all(tmp, bundle)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        new.rename(out)
        return
    old = out.with_name(f".{out.name}.old-{new.name.rsplit('-', 1)[-1]}")
    out.rename(old)
    try:
        new.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_all(tmp: Path, b: Bundle) -> None:
    names = {e.id: e.name for e in b.analysis.entities}
    _dump(tmp / "roster.json", roster_json(b.analysis.entities, b.profiles))
    with open(tmp / "quotes.jsonl", "w", encoding="utf-8") as fh:
        for row in quote_rows(b.text, b.chapters, b.analysis, names):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (tmp / "cards").mkdir()
    for eid, card in b.cards.items():
        _dump(tmp / "cards" / f"{eid}-{_slug(card.data.name)}.json", export_card_json(card, "v3"))
    _dump(tmp / "lorebook.json", {"spec": "lorebook_v3", "data": export_lorebook(b.lorebook)})
    if b.llm is not None:
        _dump(tmp / "llm.json", b.llm)
    (tmp / "report.md").write_text(report(b, names), encoding="utf-8")
    shutil.copytree(b.state_dir, tmp / "state")


def _dump(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name).strip("-")[:40] or "card"


def roster_json(entities: list[Entity], profiles: dict[str, Profile]) -> list[dict[str, Any]]:
    out = []
    for e in entities:
        prof = profiles.get(e.id)
        out.append({
            "id": e.id, "name": e.name, "aliases": list(e.aliases), "gender": e.gender,
            "kind": e.kind, "mentions": e.mentions,
            "lines": len(prof.lines) if prof else 0,
            "first_chapter": prof.first_chapter if prof else 0,
            "last_chapter": prof.last_chapter if prof else 0,
            "evidence": [{"alias": v.alias, "rule": v.rule, "offset": v.offset,
                          "snippet": v.snippet} for v in e.evidence],
        })  # fmt: skip
    return out


def quote_rows(
    text: str, chapters: list[Chapter], a: Analysis, names: dict[str, str]
) -> Iterable[dict[str, Any]]:
    for q, att in zip(a.quotes, a.attributions, strict=True):
        yield {
            "start": q.start, "end": q.end, "chapter": chapter_at(chapters, q.start),
            "text": text[q.start : q.end],
            "speaker": names.get(att.speaker, ""), "speaker_id": att.speaker,
            "addressees": [names.get(x, x) for x in att.addressees],
            "confidence": att.confidence, "rule": att.rule,
        }  # fmt: skip


def report(b: Bundle, names: dict[str, str]) -> str:
    zh_count = len(b.analysis.quotes)
    people = [e for e in b.analysis.entities if e.kind != "other"]
    lines = [f"# Extraction report: {b.title}", "",
             f"{len(b.chapters)} chapters, {zh_count} quotes, {len(people)} characters, "
             f"{len(b.terms)} glossary terms.", "", "## Roster", "",
             "| name | aliases | lines | chapters |", "|---|---|---|---|"]  # fmt: skip
    for e in people[:200]:
        p = b.profiles[e.id]
        lines.append(f"| {e.name} | {'、'.join(e.aliases[1:12])} | {len(p.lines)} | "
                     f"{p.first_chapter}–{p.last_chapter} |")  # fmt: skip
    lines += _llm_section(b.llm)
    lines += ["", "## Alias clusters with evidence", ""]
    for e in people:
        if e.evidence:
            lines.append(f"- **{e.name}**")
            lines += [f"  - {v.alias}: {v.rule}" + (f" — “{v.snippet}”" if v.snippet else "")
                      for v in e.evidence]  # fmt: skip
    lines += ["", "## Low-confidence attributions", ""]
    low = [(q, att) for q, att in zip(b.analysis.quotes, b.analysis.attributions, strict=True)
           if att.confidence < LOW_CONFIDENCE]  # fmt: skip
    lines.append(f"{len(low)} quotes below {LOW_CONFIDENCE}; the first {REPORT_LOW}:")
    lines.append("")
    for q, att in low[:REPORT_LOW]:
        snippet = b.text[q.start : q.end][:60].replace("\n", " ")
        who = names.get(att.speaker, "?")
        lines.append(f"- [{q.start}–{q.end}] {who} ({att.confidence:.2f}, {att.rule}): {snippet}")
    return "\n".join(lines) + "\n"


def _llm_section(llm: dict[str, Any] | None) -> list[str]:
    if llm is None:
        return []
    out = ["", "## LLM profiles", "",
           f"{llm['tokens']:,} tokens ({llm['model'] or 'model'}) for {llm['source_chars']:,} "
           f"source characters: {llm['tokens_per_char']} per character (limit {llm['ratio']}); "
           f"{llm['calls']} calls, {llm['fallbacks']} fell back to the rules; "
           f"{llm['characters_profiled']} characters profiled, "
           f"{llm['characters_over_budget']} over budget, "
           f"{llm['characters_deterministic']} with deterministic profiles."]  # fmt: skip
    if llm.get("stopped"):
        out.append(f"Stopped early: {llm['stopped']}")
    out += [f"- {f['character']} {f['chapters'][0]}–{f['chapters'][1]}: {f['reason']}"
            for f in llm.get("fallback_reasons", [])[:REPORT_LOW]]  # fmt: skip
    return out
