"""Lexical matching that works for Chinese and English: terms, and a small BM25 index.

Dense e5 vectors miss rare names and exact objects ("LGBTQ", "悟空"); a lexical
score catches them. Latin text is cut into words with stop words dropped and a
light suffix stemmer (so "painting"/"painted"/"paints" meet); CJK text has no
spaces, so it becomes overlapping character bigrams plus single characters
(bigrams carry most words, single characters keep one-character words findable).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:'[a-z]+)?")
_CJK_RUN = re.compile(rf"[{_CJK}]+")

STOP_EN = frozenset(
    """a about after again all am an and any are as at be been before being both but by can
    could did do does doing done for from had has have having he her here hers herself him
    himself his how i if in into is it its itself just let me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t ll re ve d m o y oh ok yeah yes wow hey hi
    really so just also much many get got""".split()
)
# Function characters that carry no topic on their own; bigrams that contain them still count.
STOP_ZH = frozenset("的了是在吗呢吧啊呀和与也就都而及着过个这那么")


def stem(word: str) -> str:
    """A deliberately light English stemmer: plural, -ing, -ed, -ly; nothing clever."""
    if len(word) <= 3 or not word.isascii() or word.isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ied", "y"), ("ed", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + repl
            break
    else:
        if word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "running" -> "runn" -> "run"
    return word.removesuffix("e") if len(word) > 4 else word


def terms(text: str) -> list[str]:
    """The lexical terms of ``text``, in order, duplicates kept (BM25 counts them)."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        tok = match.group()
        if _CJK_RUN.fullmatch(tok):
            out.extend(c for c in tok if c not in STOP_ZH)
            out.extend(tok[i : i + 2] for i in range(len(tok) - 1))
        else:
            tok = tok.split("'")[0]
            if tok not in STOP_EN:
                out.append(stem(tok))
    return out


class BM25:
    """An incremental BM25 index over short documents (memories are one or two sentences)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._docs: dict[str, Counter[str]] = {}
        self._lengths: dict[str, int] = {}
        self._postings: dict[str, dict[str, int]] = {}
        self._total = 0

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def add(self, doc_id: str, text: str) -> None:
        self.remove(doc_id)
        counts = Counter(terms(text))
        self._docs[doc_id] = counts
        self._lengths[doc_id] = sum(counts.values())
        self._total += self._lengths[doc_id]
        for term, tf in counts.items():
            self._postings.setdefault(term, {})[doc_id] = tf

    def remove(self, doc_id: str) -> None:
        counts = self._docs.pop(doc_id, None)
        if counts is None:
            return
        self._total -= self._lengths.pop(doc_id)
        for term in counts:
            posting = self._postings[term]
            posting.pop(doc_id, None)
            if not posting:
                del self._postings[term]

    def search(
        self, query: str, limit: int, allowed: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """Best ``limit`` documents for ``query``, optionally only among ``allowed`` ids."""
        n = len(self._docs)
        if n == 0:
            return []
        keep = set(allowed) if allowed is not None else None
        avg = self._total / n or 1.0
        scores: dict[str, float] = {}
        for term in set(terms(query)):
            posting = self._postings.get(term)
            if not posting:
                continue
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for doc_id, tf in posting.items():
                if keep is not None and doc_id not in keep:
                    continue
                norm = tf + self.k1 * (1 - self.b + self.b * self._lengths[doc_id] / avg)
                scores[doc_id] = scores.get(doc_id, 0.0) + idf * tf * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        return ranked[:limit]
