"""Story arcs and what each character says and does in them: the LLM profiler's input.

An arc is a run of chapters a character gets one snapshot for. Volumes (卷/部/BOOK/
PART) are arcs when the book has them, cut further when long; otherwise fixed-size
groups of chapters. Group sizes come from a short list of round numbers, so new
chapters appended later leave the earlier boundaries, and the profiles written for
them, in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from characters.extract.chapters import Chapter, chapter_at
from characters.extract.llm import ArcDigest, spread
from characters.extract.model import Entity, Mention
from characters.extract.profile import Profile

MAX_ARCS = 10
ROUND_SIZES = (1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000)
DIGEST_CHARS = 8000  # per arc, lines and narration together, before the prompt's own trim
LINE_SHARE = 0.6  # of a digest: the character's own words matter most
_CLOSING = "”’」』\"' \u3000"  # a sentence after a quote starts with its closing mark
SENTENCE_CHARS = {"zh": 160, "en": 320}
_END = {"zh": re.compile(r"[。！？!?\n]"), "en": re.compile(r"(?<=[.!?])\s|\n")}


@dataclass(frozen=True, slots=True)
class Arc:
    from_chapter: int
    to_chapter: int
    title: str = ""  # the volume heading, when the arc is (part of) one

    def holds(self, chapter: int) -> bool:
        return self.from_chapter <= chapter <= self.to_chapter


def arc_size(chapters: int, max_arcs: int = MAX_ARCS) -> int:
    """The smallest round group size that keeps the book within ``max_arcs`` groups."""
    for size in ROUND_SIZES:
        if chapters <= size * max_arcs:
            return size
    return -(-chapters // max_arcs)


def split_arcs(chapters: list[Chapter], max_arcs: int = MAX_ARCS) -> list[Arc]:
    """Arcs covering every chapter in order: by volume when there are volumes, cut by size."""
    if not chapters:
        return []
    size = arc_size(len(chapters), max_arcs)
    runs = _volume_runs(chapters)
    if not 2 <= len(runs) <= 2 * max_arcs:  # no volumes, or so many they say nothing
        runs = [(1, len(chapters), "")]
    arcs = []
    for lo, hi, title in runs:
        for start in range(lo, hi + 1, size):
            arcs.append(Arc(start, min(hi, start + size - 1), title))
    return arcs


def _volume_runs(chapters: list[Chapter]) -> list[tuple[int, int, str]]:
    runs: list[tuple[int, int, str]] = []
    for ch in chapters:
        if runs and (ch.volume == runs[-1][2] or not ch.volume):
            runs[-1] = (runs[-1][0], ch.number, runs[-1][2])
        elif runs and not runs[-1][2]:  # front matter before the first volume joins it
            runs[-1] = (runs[-1][0], ch.number, ch.volume)
        else:
            runs.append((ch.number, ch.number, ch.volume))
    return runs


def importance(ent: Entity, prof: Profile) -> int:
    """Who deserves tokens first: what they say counts twice what others say of them."""
    return 2 * len(prof.lines) + ent.mentions


def arc_digests(
    ent: Entity,
    prof: Profile,
    arcs: list[Arc],
    text: str,
    chapters: list[Chapter],
    mentions: list[Mention],
    language: str,
) -> list[ArcDigest]:
    """One digest per arc the character appears in: their lines, then narration about them.

    ``mentions``: the character's own names in the narration (see ``mentions_by_entity``).

    Each piece starts with its chapter in brackets, so the model can say where a fact
    comes from. Over ``DIGEST_CHARS`` the pieces are sampled evenly across the arc.
    """
    aliases = [a for a in ent.aliases if a != ent.name][:6]
    sentences = _narration(ent.id, text, chapters, mentions, language)
    out = []
    for arc in arcs:
        if not any(arc.holds(c) for c in prof.chapters):
            continue
        lines = [f"[{ln.chapter}] {ln.text.strip()}" for ln in prof.lines if arc.holds(ln.chapter)]
        told = [f"[{ch}] {s}" for ch, s in sentences if arc.holds(ch)]
        budget = int(DIGEST_CHARS * LINE_SHARE) if told else DIGEST_CHARS
        lines = spread(lines, budget, len)
        told = spread(told, DIGEST_CHARS - sum(len(x) for x in lines), len)
        out.append(ArcDigest(ent.name, arc.from_chapter, arc.to_chapter, lines, told, aliases,
                             arc.title))  # fmt: skip
    return out


def mentions_by_entity(mentions: list[Mention]) -> dict[str, list[Mention]]:
    """Named mentions (not pronouns) per entity, in reading order: one pass for everyone."""
    out: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.entity and m.pronoun is None:
            out.setdefault(m.entity, []).append(m)
    return out


def _narration(
    entity: str, text: str, chapters: list[Chapter], mentions: list[Mention], language: str
) -> list[tuple[int, str]]:
    """The sentences of narration that name the character, once each, in reading order."""
    seen: set[int] = set()
    found = []
    for m in mentions:
        if m.entity != entity:
            continue
        start, end = _sentence(text, m.start, m.end, language)
        if start in seen:
            continue
        seen.add(start)
        found.append((chapter_at(chapters, m.start), text[start:end].strip().lstrip(_CLOSING)))
    return [(ch, s) for ch, s in found if s]


def _sentence(text: str, start: int, end: int, language: str) -> tuple[int, int]:
    limit = SENTENCE_CHARS.get(language, 320)
    ends = _END.get(language, _END["en"])
    lo = max(0, start - limit // 2)
    before = [m.end() for m in ends.finditer(text, lo, start)]
    left = before[-1] if before else lo
    after = ends.search(text, end, min(len(text), end + limit // 2))
    right = after.end() if after else min(len(text), end + limit // 2)
    return left, right
