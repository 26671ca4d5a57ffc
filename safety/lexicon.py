"""The lexicon layer: every key matched in one pass (Aho–Corasick), longest match first.

Keys and text are both in the compact form (``safety.normalize``), so spacing,
leetspeak, homoglyphs and traditional characters do not hide a key. ASCII keys
respect word starts (``p``, the default) or whole words (``w``), so "ass" does not
fire inside "class"; CJK keys match anywhere, as Chinese has no word breaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ahocorasick

from safety.normalize import compact_key

# Keys at or above this weight can block on their own, so a stream must never
# release half of one: the gate holds back any open prefix of these.
BLOCKING_WEIGHT = 0.6


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    tag: str
    weight: float
    bound: str  # "p" word start, "w" whole word, "x" anywhere


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # in the compact text
    end: int
    entry: Entry


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def parse(lines: Iterable[str]) -> list[Entry]:
    entries = []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise ValueError(f"lexicon line {n}: expected term<TAB>tag<TAB>weight[<TAB>flags]")
        term, tag, weight = parts[0], parts[1], float(parts[2])
        flags = parts[3].strip() if len(parts) > 3 else ""
        bound = flags or ("p" if any(_is_latin(c) for c in term) else "x")
        entries.append(Entry(term, tag, weight, bound))
    return entries


class Lexicon:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self._auto = ahocorasick.Automaton()
        self._prefixes: set[str] = set()
        keys: dict[str, Entry] = {}
        for e in entries:
            key = compact_key(e.term)
            variants = {key}
            if " " in key and key.isascii():
                # "k i l l y o u" compacts to "kilyou": match the spaceless key too.
                variants.add(key.replace(" ", ""))
            for k in variants:
                if len(k) < 2 <= len(e.term):
                    continue  # 啪啪啪 compacts to 啪 (repeats collapse): it would match every 啪
                if k and (k not in keys or keys[k].weight < e.weight):
                    keys[k] = e
        for key, e in keys.items():
            self._auto.add_word(key, (key, e))
            if e.weight >= BLOCKING_WEIGHT:
                self._prefixes.update(key[:i] for i in range(1, len(key)))
        self._auto.make_automaton()
        self.max_key = max((len(k) for k in keys), default=0)
        self.size = len(keys)
        # The English words the keys are made of: enough to fill a masked letter
        # ("m_ke a b_mb") where it matters, i.e. where it would complete a key.
        self.words = frozenset(w for k in keys if k.isascii() for w in k.split() if len(w) > 2)

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        if path is None:
            text = resources.files("safety.data").joinpath("lexicon.tsv").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls(parse(text.splitlines()))

    def find(self, compact: str) -> list[Hit]:
        """Longest non-overlapping matches that respect their word boundaries."""
        hits = []
        # iter_long would drop a shorter valid key hidden under a longer one that fails
        # its boundary check, so collect all and pick greedily.
        cands: list[tuple[int, int, Entry]] = []
        for end, (key, entry) in self._auto.iter(compact):
            start = end - len(key) + 1
            if self._bounded(compact, start, end + 1, entry.bound):
                cands.append((start, end + 1, entry))
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        last_end = -1
        for start, end, entry in cands:
            if start >= last_end:
                hits.append(Hit(start, end, entry))
                last_end = end
        return hits

    def all_hits(self, compact: str) -> list[Hit]:
        """Every bounded match, overlapping ones included (modifiers hide under keys)."""
        return [
            Hit(end - len(key) + 1, end + 1, entry)
            for end, (key, entry) in self._auto.iter(compact)
            if self._bounded(compact, end - len(key) + 1, end + 1, entry.bound)
        ]

    def open_prefix(self, compact: str) -> int:
        """Length of the longest tail of ``compact`` that could still grow into a
        blocking key: what a stream must hold back."""
        for n in range(min(self.max_key - 1, len(compact)), 0, -1):
            if compact[-n:] in self._prefixes:
                return n
        return 0

    @staticmethod
    def _bounded(text: str, start: int, end: int, bound: str) -> bool:
        if bound == "x":
            return True
        if start > 0 and _is_latin(text[start - 1]):
            return False
        return bound != "w" or end >= len(text) or not _is_latin(text[end])
