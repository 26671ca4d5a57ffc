"""Splitting the text into chapters by their headings, or into windows when it has none.

Chinese headings: 第一回 / 第十二章 / 第一百二十回 / 第3章 / 第二卷 / 第一部 / 第三节, plus
楔子, 序章, 引子, 尾声. English: CHAPTER I, Chapter 12, Chapter the Third, BOOK/PART
lines, and bare Roman numerals on a line of their own. Volume-level headings
(卷/部/BOOK/PART) are kept as the ``volume`` of the chapters under them; 节 only
counts as a chapter when the book has no 回/章.

Chapters are numbered 1..N in reading order (``number``); the heading's own
numeral is kept in ``title`` because books restart numbering per volume.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from characters.extract.ingest import Part

_ZH_NUM = "0-9０-９零〇一二两三四五六七八九十百千万"
_ZH_HEADING = re.compile(
    rf"^[ \t\u3000]*(?:(第[{_ZH_NUM}]{{1,8}}([回章节卷部集篇]))"
    r"|(楔子|序章|序言|引子|尾声|后记|番外))"
    r"(?![，。、])[^\n]{0,40}$",
    re.M,
)
_ROMAN = r"[IVXLCDM]+"
_EN_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|the \w+"
)
_EN_HEADING = re.compile(
    rf"^[ \t]*(?:(CHAPTER|Chapter|STAVE|Stave|ADVENTURE|BOOK|Book|PART|Part|VOLUME|Volume)[ \t]+"
    rf"(?:{_ROMAN}|\d+|(?i:{_EN_WORDS}))\b[.:]?[^\n]{{0,80}}"
    rf"|({_ROMAN})\.?(?:[ \t]+[A-Z][A-Z'’,. -]+)?[ \t]*)$",
    re.M,
)
_VOLUME_KINDS = {"卷", "部", "集", "BOOK", "PART", "VOLUME"}
WINDOW_CHARS = {"zh": 20_000, "en": 40_000}
_MIN_BODY = 40  # a heading followed by less than this is a table-of-contents line


@dataclass(frozen=True, slots=True)
class Chapter:
    number: int  # 1-based position in the book
    title: str
    start: int  # offset of the heading (or window start) in the document text
    end: int
    volume: str = ""


@dataclass(frozen=True, slots=True)
class _Heading:
    start: int
    end: int
    title: str
    kind: str


def split_chapters(text: str, language: str, parts: tuple[Part, ...] = ()) -> list[Chapter]:
    """Chapters covering ``text`` end to end (front matter joins the first chapter)."""
    headings = _drop_toc(_find_headings(text, language), len(text))
    chapter_kinds = {h.kind for h in headings} - _VOLUME_KINDS
    if "节" in chapter_kinds and chapter_kinds - {"节", ""}:
        chapter_kinds.discard("节")  # sections inside chapters are not chapters
    starts = [h for h in headings if h.kind in chapter_kinds]
    if len(starts) < 2 and len(parts) >= 2:
        starts = [_Heading(p.start, p.start, p.title or f"Part {i + 1}", "part")
                  for i, p in enumerate(parts)]  # fmt: skip
    if len(starts) < 2:
        return _windows(text, WINDOW_CHARS.get(language, 30_000))
    volumes = [h for h in headings if h.kind in _VOLUME_KINDS]
    chapters: list[Chapter] = []
    for i, head in enumerate(starts):
        start = 0 if i == 0 else head.start
        end = starts[i + 1].start if i + 1 < len(starts) else len(text)
        volume = next((v.title for v in reversed(volumes) if v.start <= head.start), "")
        chapters.append(Chapter(i + 1, head.title, start, end, volume))
    return chapters


def is_break(paragraph: str) -> bool:
    """A chapter heading or a scene break ("* * *") standing as a paragraph of its own."""
    line = paragraph.strip()
    if not any(ch.isalnum() for ch in line):
        return True
    heading = _ZH_HEADING if any("\u4e00" <= ch <= "\u9fff" for ch in line) else _EN_HEADING
    return "\n" not in line and heading.fullmatch(line) is not None


def _find_headings(text: str, language: str) -> list[_Heading]:
    found: list[_Heading] = []
    if language == "zh":
        for m in _ZH_HEADING.finditer(text):
            kind = m.group(2) or ""
            found.append(_Heading(m.start(), m.end(), m.group(0).strip(), kind))
        return found
    for m in _EN_HEADING.finditer(text):
        if not _isolated(text, m.start(), m.end()):
            continue
        kind = (m.group(1) or "CHAPTER").upper()
        found.append(_Heading(m.start(), m.end(), m.group(0).strip(), kind))
    return found


def _isolated(text: str, start: int, end: int) -> bool:
    """An English heading stands alone: a blank line (or the file edge) above or below."""
    before = text[max(0, start - 3) : start].replace("\r", "")
    after = text[end : end + 3].replace("\r", "")
    return start == 0 or before.endswith("\n\n") or after.startswith("\n\n") or before == "\n"


def _drop_toc(headings: list[_Heading], size: int) -> list[_Heading]:
    """Drop headings with (almost) no body: tables of contents list every title once."""
    kept: list[_Heading] = []
    for i, head in enumerate(headings):
        nxt = headings[i + 1].start if i + 1 < len(headings) else size
        if nxt - head.end >= _MIN_BODY or head.kind in _VOLUME_KINDS:
            kept.append(head)
    return kept


def _windows(text: str, size: int) -> list[Chapter]:
    """Fixed-size windows cut at the paragraph break nearest to each boundary."""
    chapters: list[Chapter] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut > 0 else end
        if len(text) - end < size // 4:
            end = len(text)  # no tiny last window
        chapters.append(Chapter(len(chapters) + 1, f"Part {len(chapters) + 1}", start, end))
        start = end
    return chapters


def chapter_at(chapters: list[Chapter], offset: int) -> int:
    """The number of the chapter holding ``offset`` (binary search; chapters are sorted)."""
    lo, hi = 0, len(chapters) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if chapters[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return chapters[lo].number
