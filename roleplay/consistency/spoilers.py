"""Spoilers: people, things and events the reader has not reached yet.

Two kinds of evidence, both from provenance the extraction records:

* entity surface forms with the chapter they first appear in: lorebook entries
  whose ``extensions.novel_roleplay.first_chapter`` (or ``chapter``) is later
  than the reader's chapter, plus an optional ``first_chapter`` mapping in the
  context (the extraction's roster and glossary);
* near-verbatim echoes of the card's own lines from later chapters: a run of
  characters shared with such a line and with nothing the reader may see.

A form the reader may already see (visible card text, earlier lines), or that
the reader used, is not a spoiler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from roleplay.consistency.report import Problem

SHINGLE_CJK = 6  # six shared characters rarely happen by chance in Chinese
SHINGLE_LATIN = 18
MIN_RUN_HITS = 3  # consecutive shingles: a run of 8 CJK characters, 20 Latin ones
_KEEP = re.compile(r"[\w\u4e00-\u9fff]+")


def normalise(text: str) -> str:
    return "".join(_KEEP.findall(text.lower()))


def _positions(text: str) -> list[int]:
    """For each character of ``normalise(text)``, its index in ``text``."""
    return [i for m in _KEEP.finditer(text.lower()) for i in range(m.start(), m.end())]


def _size(text: str) -> int:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return SHINGLE_CJK if cjk * 3 >= len(text) else SHINGLE_LATIN


def shingles(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(max(len(text) - size + 1, 0))]


@dataclass(frozen=True, slots=True)
class FutureLine:
    text: str
    chapter: int


class SpoilerIndex:
    """What a reader at ``chapter`` must not be told, for one card."""

    def __init__(
        self,
        chapter: int,
        visible: Iterable[str],
        terms: Mapping[str, int],
        future_lines: Iterable[FutureLine],
    ) -> None:
        self.chapter = chapter
        seen = "\n".join(visible)
        self._terms = _automaton(
            {t: c for t, c in terms.items() if c > chapter and t and t not in seen}
        )
        seen_norm = normalise(seen)
        self._lines: list[FutureLine] = []
        self._shingles: dict[str, int] = {}
        for line in future_lines:
            if line.chapter <= chapter:
                continue
            norm = normalise(line.text)
            fresh = [s for s in shingles(norm, _size(norm)) if s not in seen_norm]
            if fresh:
                index = len(self._lines)
                self._lines.append(line)
                for s in fresh:
                    self._shingles.setdefault(s, index)

    def find(
        self, reply: str, user_text: str = "", extra_terms: ahocorasick.Automaton | None = None
    ) -> list[Problem]:
        found = _term_hits(self._terms, reply, user_text)
        if extra_terms is not None:
            known = {p.evidence for p in found}
            found += [
                p for p in _term_hits(extra_terms, reply, user_text) if p.evidence not in known
            ]
        found += self._echoes(reply)
        return found

    def _echoes(self, reply: str) -> list[Problem]:
        if not self._shingles:
            return []
        norm = normalise(reply)
        size = _size(norm)
        runs: dict[int, tuple[int, int]] = {}  # line -> (longest run, its start)
        run_line, run_len = -1, 0
        for i, s in enumerate(shingles(norm, size)):
            line = self._shingles.get(s, -1)
            run_len = run_len + 1 if line >= 0 and line == run_line else (1 if line >= 0 else 0)
            run_line = line
            if line >= 0 and run_len > runs.get(line, (0, 0))[0]:
                runs[line] = (run_len, i - run_len + 1)
        problems = []
        where = _positions(reply)
        for index, (length, start) in runs.items():
            if length < MIN_RUN_HITS:
                continue
            future = self._lines[index]
            problems.append(
                Problem(
                    "spoiler",
                    reply[where[start] : where[start + length + size - 2] + 1],
                    f"repeats what the character only knows from chapter {future.chapter}; "
                    f"the reader is at chapter {self.chapter}",
                    source=future.text,
                    chapter=future.chapter,
                    checker="spoilers",
                )
            )
        return problems


def term_automaton(terms: Mapping[str, int], chapter: int) -> ahocorasick.Automaton | None:
    """An automaton over the forms first appearing after ``chapter``; None when there are none."""
    return _automaton({t: c for t, c in terms.items() if c > chapter and t})


def _automaton(terms: Mapping[str, int]) -> ahocorasick.Automaton | None:
    if not terms:
        return None
    automaton = ahocorasick.Automaton()
    for term, chapter in terms.items():
        automaton.add_word(term, (term, chapter))
    automaton.make_automaton()
    return automaton


def _term_hits(
    automaton: ahocorasick.Automaton | None, reply: str, user_text: str
) -> list[Problem]:
    if automaton is None:
        return []
    found: dict[str, Problem] = {}
    for end, (term, chapter) in automaton.iter_long(reply):
        start = end - len(term) + 1
        if term in found or term in user_text or not _bounded(reply, start, end):
            continue
        found[term] = Problem(
            "spoiler",
            term,
            f"'{term}' first appears in chapter {chapter}, after the reader's chapter",
            chapter=chapter,
            checker="spoilers",
        )
    return list(found.values())


def _bounded(text: str, start: int, end: int) -> bool:
    """Latin names need word boundaries ("Grey" is not in "Greyhound"); CJK ones have none."""
    if not text[start].isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end + 1] if end + 1 < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
