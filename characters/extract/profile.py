"""Per-character facts read off the attributed text: lines, chapters, relations, phrases.

Everything here is deterministic and cheap (one pass over mentions and quotes),
so an incremental append simply recomputes profiles from the stored analysis.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from characters.extract.chapters import Chapter, chapter_at
from characters.extract.lexicon import EN_SELF_ADDRESS, ZH_KINSHIP, ZH_SELF_ADDRESS
from characters.extract.model import Attribution, Entity, Mention
from characters.extract.quotes import Quote

MIN_LINE_CONFIDENCE = 0.5
_CLAUSE_START = r"(?:(?<=^)|(?<=[，。！？；：、…—\s“‘「]))"
_ZH_KIN = re.compile("(" + "|".join(sorted(ZH_KINSHIP, key=len, reverse=True)) + ")")


@dataclass(slots=True)
class Line:
    text: str
    context: str
    chapter: int
    start: int
    end: int
    confidence: float
    context_span: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class Relation:
    other: str  # entity id
    kind: str  # "co-occurrence", "addresses as 师父", "kinship: 父亲"
    count: int
    first_chapter: int
    last_chapter: int


@dataclass(slots=True)
class Profile:
    entity: str
    lines: list[Line] = field(default_factory=list)
    chapters: list[int] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    self_address: list[str] = field(default_factory=list)

    @property
    def first_chapter(self) -> int:
        return self.chapters[0] if self.chapters else 0

    @property
    def last_chapter(self) -> int:
        return self.chapters[-1] if self.chapters else 0


def build_profiles(
    text: str,
    language: str,
    chapters: list[Chapter],
    quotes: list[Quote],
    attributions: list[Attribution],
    mentions: list[Mention],
    entities: list[Entity],
) -> dict[str, Profile]:
    profiles = {e.id: Profile(e.id) for e in entities}
    _lines(text, chapters, quotes, attributions, profiles)
    _presence(chapters, mentions, attributions, quotes, profiles)
    _co_occurrence(text, chapters, mentions, profiles)
    _address_terms(text, chapters, quotes, attributions, entities, profiles)
    if language == "zh":
        _kinship(text, chapters, mentions, profiles)
    _phrases_and_self(language, profiles)
    return profiles


def _lines(
    text: str,
    chapters: list[Chapter],
    quotes: list[Quote],
    atts: list[Attribution],
    profiles: dict[str, Profile],
) -> None:
    for i, (q, att) in enumerate(zip(quotes, atts, strict=True)):
        prof = profiles.get(att.speaker)
        if prof is None or att.confidence < MIN_LINE_CONFIDENCE:
            continue
        span = (0, 0)
        if (
            i
            and atts[i - 1].speaker not in ("", att.speaker)
            and att.speaker in (atts[i - 1].addressees or [att.speaker])
        ):
            prev = quotes[i - 1]
            if q.para - prev.para <= 2:
                span = (prev.start, prev.end)
        line = Line(text[q.start : q.end], text[span[0] : span[1]], chapter_at(chapters, q.start),
                    q.start, q.end, att.confidence, span)  # fmt: skip
        prof.lines.append(line)


def _presence(
    chapters: list[Chapter],
    mentions: list[Mention],
    atts: list[Attribution],
    quotes: list[Quote],
    profiles: dict[str, Profile],
) -> None:
    seen: dict[str, set[int]] = defaultdict(set)
    for m in mentions:
        if m.entity:
            seen[m.entity].add(chapter_at(chapters, m.start))
    for q, att in zip(quotes, atts, strict=True):
        if att.speaker:
            seen[att.speaker].add(chapter_at(chapters, q.start))
    for eid, chs in seen.items():
        if eid in profiles:
            profiles[eid].chapters = sorted(chs)


def _co_occurrence(
    text: str, chapters: list[Chapter], mentions: list[Mention], profiles: dict[str, Profile]
) -> None:
    """Two people named within one window of narration, counted per chapter range."""
    window = 200
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    named = [m for m in mentions if m.entity and m.pronoun is None]
    for i, m in enumerate(named):
        j = i + 1
        while j < len(named) and named[j].start - m.start < window:
            other = named[j].entity
            if other != m.entity:
                key = (min(m.entity, other), max(m.entity, other))
                pairs[key].append(chapter_at(chapters, m.start))
            j += 1
    for (a, b), chs in pairs.items():
        if len(chs) < 3:
            continue
        for me, other in ((a, b), (b, a)):
            if me in profiles:
                profiles[me].relations.append(
                    Relation(other, "co-occurrence", len(chs), min(chs), max(chs))
                )


def _address_terms(
    text: str,
    chapters: list[Chapter],
    quotes: list[Quote],
    atts: list[Attribution],
    entities: list[Entity],
    profiles: dict[str, Profile],
) -> None:
    """How A addresses B: the first few characters of A's lines to B, when they are a title."""
    from characters.extract.lexicon import ZH_TITLE_SUFFIX

    terms = sorted(set(ZH_TITLE_SUFFIX) | set(ZH_KINSHIP), key=len, reverse=True)
    pattern = re.compile(r"^[\s“”]*(" + "|".join(terms) + r")[，！,!]")
    found: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for q, att in zip(quotes, atts, strict=True):
        if not att.speaker or not att.addressees:
            continue
        m = pattern.match(text, q.start, min(q.end, q.start + 12))
        if m:
            found[(att.speaker, att.addressees[0], m.group(1))].append(
                chapter_at(chapters, q.start)
            )
    for (a, b, term), chs in found.items():
        if len(chs) >= 2 and a in profiles:
            profiles[a].relations.append(
                Relation(b, f"addresses as {term}", len(chs), min(chs), max(chs))
            )


def _kinship(
    text: str, chapters: list[Chapter], mentions: list[Mention], profiles: dict[str, Profile]
) -> None:
    """X的父亲Y / X之女Y: a kinship word between two names within a few characters."""
    named = [m for m in mentions if m.entity and m.pronoun is None]
    found: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for a, b in zip(named, named[1:], strict=False):
        gap = text[a.end : b.start]
        if a.entity == b.entity or not 1 <= len(gap) <= 5:
            continue
        word = _ZH_KIN.search(gap)
        if word and gap.startswith(("的", "之")):
            found[(b.entity, a.entity, word.group(1))].append(chapter_at(chapters, a.start))
    for (who, of, kin), chs in found.items():
        if who in profiles:
            profiles[who].relations.append(
                Relation(of, f"kinship: {kin}", len(chs), min(chs), max(chs))
            )


def _phrases_and_self(language: str, profiles: dict[str, Profile]) -> None:
    """Phrases a character says far more often than everyone else (log-odds), and 俺老孙."""
    grams: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    for eid, prof in profiles.items():
        c = Counter(g for line in prof.lines for g in _ngrams(line.text, language))
        grams[eid] = c
        total.update(c)
    n_all = sum(total.values()) or 1
    for eid, prof in profiles.items():
        c = grams[eid]
        n_me = sum(c.values()) or 1
        scored = [
            (math.log((k + 0.5) / n_me) - math.log((total[g] + 1) / n_all), g)
            for g, k in c.items()
            if k >= 3
        ]
        prof.phrases = [g for _, g in sorted(scored, reverse=True)[:8]]
        prof.self_address = _self_address(prof, language)


def _ngrams(text: str, language: str) -> list[str]:
    if language == "zh":
        chars = re.sub(r"[^\u4e00-\u9fff]+", "|", text)
        return [
            p[i : i + n] for p in chars.split("|") for n in (3, 4) for i in range(len(p) - n + 1)
        ]
    words = re.findall(r"[a-z']+", text.lower())
    return [" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)]


def _self_address(prof: Profile, language: str) -> list[str]:
    pattern = _self_pattern(language)
    found: Counter[str] = Counter(
        m.group(0) for line in prof.lines for m in pattern.finditer(line.text)
    )
    # plain 我 / I says nothing about a character; the marked forms (俺老孙, 本王) do
    return [t for t, n in found.most_common(5) if n >= 2 and t not in ("我", "I")][:4]


@cache
def _self_pattern(language: str) -> re.Pattern[str]:
    """One alternation, longest first (俺老孙 before 老孙 before 我); a one-character form
    (孤, 俺) counts only where a clause starts, not inside 孤单."""
    terms = sorted(ZH_SELF_ADDRESS if language == "zh" else EN_SELF_ADDRESS, key=len, reverse=True)
    if language != "zh":
        return re.compile("|".join(rf"\b{re.escape(t)}\b" for t in terms))
    parts = [(_CLAUSE_START + re.escape(t)) if len(t) == 1 else re.escape(t) for t in terms]
    return re.compile("|".join(parts))
