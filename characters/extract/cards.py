"""Character Card V3 and lorebook from the extraction, with provenance on every fact.

The card text is deterministic and plain: who the character is called, where they
appear, whom they deal with, what they say. It is a starting point an editor
improves (or an LLM profile replaces, see ``llm``); lines come verbatim from the
book, each with its chapter, so canon mode can quote them.
"""

from __future__ import annotations

from typing import Any

from characters.card import CardData, CharacterCard
from characters.extract.arcs import Arc, split_arcs
from characters.extract.chapters import Chapter
from characters.extract.glossary import Term
from characters.extract.model import Entity
from characters.extract.profile import Line, Profile
from characters.lore import Lorebook, LoreEntry
from characters.novel import NovelExtension, NovelLine, Provenance, Snapshot, Work

MAX_LINES = 300
MAX_EXAMPLES = 4
LORE_PEOPLE = 60


def build_card(
    ent: Entity,
    prof: Profile,
    work: Work,
    chapters: list[Chapter],
    names: dict[str, str],
    source: dict[str, Any],
) -> CharacterCard:
    zh = work.language == "zh"
    lines = _pick_lines(prof.lines)
    ext = NovelExtension(
        work=work,
        aliases=[a for a in ent.aliases if a != ent.name],
        self_address=prof.self_address,
        lines=[NovelLine(text=ln.text, context=ln.context, chapter=ln.chapter) for ln in lines],
        snapshots=_snapshots(prof, chapters, names, zh),
        provenance=Provenance.model_validate(
            dict(
                source="extraction",
                **source,
                entity=ent.id,
                first_chapter=prof.first_chapter,
                last_chapter=prof.last_chapter,
                chapters=prof.chapters,
                line_offsets=[[ln.start, ln.end] for ln in lines],
                relationships=[
                    {
                        "with": names.get(r.other, r.other),
                        "kind": r.kind,
                        "count": r.count,
                        "chapters": [r.first_chapter, r.last_chapter],
                    }
                    for r in sorted(prof.relations, key=lambda r: -r.count)[:20]
                ],  # fmt: skip
                alias_evidence=[
                    {"alias": e.alias, "rule": e.rule, "offset": e.offset, "snippet": e.snippet}
                    for e in ent.evidence
                ],
                phrases=prof.phrases,
            )
        ),
    )
    data = CardData(
        name=ent.name,
        description=_description(ent, prof, work, chapters, names, zh),
        personality=_personality(prof, zh),
        first_mes=lines[0].text if lines else "",
        mes_example=_examples(prof.lines),
        tags=[t for t in (work.title, work.language) if t],
        creator="novel-roleplay extract",
        creator_notes=(
            "自动抽取的角色卡：请编辑审核后再发布。" if zh else
            "Extracted automatically: review and edit before publishing."
        ),
    )  # fmt: skip
    card = CharacterCard(data=data)
    card.novel = ext
    return card


def _pick_lines(lines: list[Line]) -> list[Line]:
    """Up to MAX_LINES, spread over the book, most confident first within a stretch."""
    if len(lines) <= MAX_LINES:
        return lines
    step = len(lines) / MAX_LINES
    picked = [max(lines[int(i * step) : int((i + 1) * step)], key=lambda ln: ln.confidence)
              for i in range(MAX_LINES)]  # fmt: skip
    return picked


def _top_relations(prof: Profile, names: dict[str, str], n: int = 4) -> list[str]:
    co = [r for r in prof.relations if r.kind == "co-occurrence"]
    return [names.get(r.other, r.other) for r in sorted(co, key=lambda r: -r.count)[:n]]


def _description(
    ent: Entity, prof: Profile, work: Work, chapters: list[Chapter], names: dict[str, str], zh: bool
) -> str:
    aliases = [a for a in ent.aliases if a != ent.name][:8]
    others = _top_relations(prof, names)
    first = chapters[prof.first_chapter - 1].title if prof.first_chapter else ""
    if zh:
        parts = [f"{ent.name}，《{work.title}》中的人物。" if work.title else f"{ent.name}。"]
        if aliases:
            parts.append(f"又称{'、'.join(aliases)}。")
        if first:
            parts.append(f"首次出场于{first}，共在{len(prof.chapters)}章中出现，")
        parts.append(f"说话约{len(prof.lines)}次。")
        if others:
            parts.append(f"常与{'、'.join(others)}一同出现。")
        return "".join(parts)
    parts = [f"{ent.name} is a character in {work.title}." if work.title else f"{ent.name}."]
    if aliases:
        parts.append(f"Also called {', '.join(aliases)}.")
    if first:
        parts.append(f"First appears in {first}; present in {len(prof.chapters)} chapters,")
    parts.append(f"speaks about {len(prof.lines)} times.")
    if others:
        parts.append(f"Often with {', '.join(others)}.")
    return " ".join(parts)


def _personality(prof: Profile, zh: bool) -> str:
    bits = []
    if prof.self_address:
        bits.append(("自称" if zh else "Refers to self as ") + "、".join(prof.self_address))
    if prof.phrases:
        bits.append(("常说：" if zh else "Often says: ") + " / ".join(prof.phrases[:5]))
    return ("。" if zh else ". ").join(bits)


def _examples(lines: list[Line]) -> str:
    with_context = [ln for ln in lines if ln.context and 4 <= len(ln.text) <= 200]
    with_context.sort(key=lambda ln: -ln.confidence)
    blocks = [
        f"<START>\n{{{{user}}}}: {ln.context}\n{{{{char}}}}: {ln.text}"
        for ln in with_context[:MAX_EXAMPLES]
    ]
    return "\n".join(blocks)


def _snapshots(
    prof: Profile, chapters: list[Chapter], names: dict[str, str], zh: bool
) -> list[Snapshot]:
    """One snapshot per arc (see ``arcs``) the character appears in."""
    arcs = split_arcs(chapters)
    snaps = [rule_snapshot(prof, arc, names, zh) for arc in arcs
             if any(arc.holds(c) for c in prof.chapters)]  # fmt: skip
    return hold_until_next(snaps, len(chapters))


def hold_until_next(snaps: list[Snapshot], last_chapter: int) -> list[Snapshot]:
    """Each snapshot holds until the next one starts (the last to the end of the book).

    A reader in a stretch the character is absent from meets them as last seen, not
    by the base description, which may sum up the whole book. The arc the snapshot
    was written from stays in ``arc``.
    """
    out = []
    for i, snap in enumerate(snaps):
        end = snaps[i + 1].from_chapter - 1 if i + 1 < len(snaps) else last_chapter
        raw = snap.model_dump()
        raw.setdefault("arc", [snap.from_chapter, snap.to_chapter])
        out.append(Snapshot.model_validate({**raw, "to_chapter": max(end, snap.from_chapter)}))
    return out


def rule_snapshot(prof: Profile, arc: Arc, names: dict[str, str], zh: bool) -> Snapshot:
    """The deterministic profile of one arc: presence, company, a line, marked phrases."""
    lo, hi = arc.from_chapter, arc.to_chapter
    present = [c for c in prof.chapters if arc.holds(c)]
    said = [ln for ln in prof.lines if arc.holds(ln.chapter)]
    near = sorted((r for r in prof.relations if r.first_chapter <= hi and r.last_chapter >= lo),
                  key=lambda r: -r.count)  # fmt: skip
    who = list(dict.fromkeys(names.get(r.other, r.other) for r in near))[:3]
    sample = _sample_line(said, zh)
    span = f"{lo}" if lo == hi else f"{lo}–{hi}"
    if zh:
        text = f"第{span}章：出现于{len(present)}章，说话{len(said)}次。"
        text += f"相关人物：{'、'.join(who)}。" if who else ""
        text += f"台词（第{sample.chapter}章）：{sample.text}" if sample else ""
    else:
        text = f"Chapters {span}: present in {len(present)} chapters, speaks {len(said)} times."
        text += f" With {', '.join(who)}." if who else ""
        text += f" Says (ch. {sample.chapter}): {sample.text}" if sample else ""
    words = " ".join(ln.text for ln in said)
    marked = Profile(prof.entity, self_address=[t for t in prof.self_address if t in words],
                     phrases=[p for p in prof.phrases if p in words])  # fmt: skip
    relations = [{"with": names.get(r.other, r.other), "relation": r.kind,
                  "chapters": [max(lo, r.first_chapter), min(hi, r.last_chapter)]}
                 for r in near[:8]]  # fmt: skip
    debut = present[0] if present and present[0] == prof.first_chapter else 0
    events = [{"event": "首次出场" if zh else "first appears", "chapters": [debut, debut]}]
    return Snapshot.model_validate({
        "from_chapter": lo, "to_chapter": hi, "description": text,
        "personality": _personality(marked, zh), "source": "rules",
        "relationships": relations, "key_events": events if debut else [],
    })  # fmt: skip


def _sample_line(lines: list[Line], zh: bool) -> Line | None:
    """The most confident line of a telling length (not "是。", not a speech)."""
    lo, hi = (6, 80) if zh else (20, 200)
    fit = [ln for ln in lines if lo <= len(ln.text.strip()) <= hi]
    return max(fit, key=lambda ln: ln.confidence) if fit else None


def build_lorebook(
    work: Work,
    entities: list[Entity],
    profiles: dict[str, Profile],
    terms: list[Term],
    variants: dict[str, list[str]],
    cards: dict[str, CharacterCard],
) -> Lorebook:
    """Entries keyed by every surface form; ``first_chapter`` lets the engine avoid spoilers."""
    entries: list[LoreEntry] = []
    people = [e for e in entities if e.kind == "person" and profiles[e.id].chapters]
    for ent in people[:LORE_PEOPLE]:
        prof = profiles[ent.id]
        keys = _keys(ent.aliases, variants)
        card = cards.get(ent.id)
        content = card.data.description if card is not None else ent.name
        entries.append(
            _entry(len(entries), ent.name, keys, content, "character", prof.first_chapter)
        )
    for term in terms:
        keys = _keys(term.forms, variants)
        entries.append(_entry(len(entries), term.term, keys, term.definition, term.kind,
                              term.first_chapter, term.first_offset))  # fmt: skip
    title = work.title or work.id
    return Lorebook(name=f"{title} · world", description=f"Extracted from {title}", entries=entries)


def _keys(forms: list[str], variants: dict[str, list[str]]) -> list[str]:
    keys: list[str] = []
    for form in forms:
        for key in [form, *variants.get(form, [])]:
            if key not in keys:
                keys.append(key)
    return keys


def _entry(
    i: int, name: str, keys: list[str], content: str, kind: str, chapter: int, offset: int = -1
) -> LoreEntry:
    ext = {"novel_roleplay": {"kind": kind, "first_chapter": chapter, "offset": offset}}
    return LoreEntry(id=i + 1, name=name, keys=keys, content=content, insertion_order=10,
                     extensions=ext)  # fmt: skip
