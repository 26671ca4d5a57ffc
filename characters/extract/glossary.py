"""World glossary: places, techniques, items, factions and titles, with first appearance.

Terms are found by their shape (Chinese words end in a kind-marking character:
花果山, 水帘洞, 筋斗云, 金箍棒, 天竺国; English ones are capitalised non-person
names) and kept when frequent. The definition is the sentence where the term first
appears, trimmed: extraction quotes the book, it does not invent.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from characters.extract.chapters import Chapter, chapter_at
from characters.extract.model import Entity

_ZH_KINDS = {
    "place": "山洞国城府寺宫殿河岭庄村州县关岛峰湖江海寨桥楼阁院观庙园街镇",
    "technique": "法术功掌拳诀咒阵",
    "item": "棒剑刀枪扇瓶珠镜钵袈裟丹杖鞭斧锤环",
    "faction": "派帮教会盟军营",
}
_ZH_TERM = re.compile(r"[\u4e00-\u9fff]{1,4}?[" + "".join(_ZH_KINDS.values()) + "]")
_EN_TERM = re.compile(r"\b(?:the\s+)?((?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+)")
_SENTENCE = re.compile(r"[^。！？．.!?\n]*")
MIN_COUNT = {"zh": 6, "en": 5}
MAX_TERMS = 300


@dataclass(slots=True)
class Term:
    term: str
    kind: str
    count: int
    first_offset: int
    first_chapter: int
    definition: str
    forms: list[str]


def build_glossary(
    text: str,
    language: str,
    chapters: list[Chapter],
    entities: list[Entity],
    *,
    original: str | None = None,
) -> list[Term]:
    """Frequent terms; definitions are cut from ``original`` (the text as written) if given."""
    people = {a for e in entities if e.kind != "other" for a in e.aliases}
    # a short story mentions its sword twice; a novel, dozens of times
    min_count = 2 if len(text) < 50_000 else MIN_COUNT.get(language, 5)
    found = _zh_terms(text) if language == "zh" else _en_terms(text, entities)
    terms: list[Term] = []
    for term, (count, first, kind) in found.items():
        if count < min_count or term in people:
            continue
        where = _body_mention(text, chapters, term, first)
        terms.append(Term(term, kind, count, first, chapter_at(chapters, first),
                          _definition(original or text, where), [term]))  # fmt: skip
    terms.sort(key=lambda t: -t.count)
    return _fold_contained(terms[:MAX_TERMS])


def _zh_terms(text: str) -> dict[str, tuple[int, int, str]]:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _ZH_TERM.finditer(text):
        word = m.group(0)
        if len(word) < 3:
            continue
        counts[word] += 1
        first.setdefault(word, m.start())
    out = {}
    for word, n in counts.items():
        kind = next(k for k, marks in _ZH_KINDS.items() if word[-1] in marks)
        out[word] = (n, first[word], kind)
    return out


def _en_terms(text: str, entities: list[Entity]) -> dict[str, tuple[int, int, str]]:
    places = {e.name for e in entities if e.kind == "other"}
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _EN_TERM.finditer(text):
        word = m.group(1)
        if len(word) < 4 or m.start() == 0 or text[m.start() - 2] in '.!?"“':
            continue
        counts[word] += 1
        first.setdefault(word, m.start(1))
    return {w: (n, first[w], "place" if w in places else "term") for w, n in counts.items()}


def _body_mention(text: str, chapters: list[Chapter], term: str, first: int) -> int:
    """The first mention outside a chapter heading: a title line (第一回 白云山少年下山)
    names the term but says nothing about it. The first mention if there is no other."""
    starts = [c.start for c in chapters]  # in order
    at = first
    for _ in range(20):
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        i = bisect.bisect_left(starts, line_start)
        if i == len(starts) or starts[i] >= line_end:  # no chapter starts on this line
            return at
        at = text.find(term, line_end)
        if at < 0:
            break
    return first


def _definition(text: str, offset: int) -> str:
    start = max(text.rfind(ch, 0, offset) for ch in "。！？．.!?\n") + 1
    m = _SENTENCE.match(text, offset)
    end = m.end() if m else offset
    return re.sub(r"\s+", " ", text[start : end + 1]).strip()[:160]


def _fold_contained(terms: list[Term]) -> list[Term]:
    """金箍棒 and 如意金箍棒: the longer form becomes another key of the shorter entry."""
    kept: list[Term] = []
    for term in sorted(terms, key=lambda t: len(t.term)):
        home = next((k for k in kept if k.term in term.term and k.kind == term.kind), None)
        if home is not None and term.count < home.count:
            home.forms.append(term.term)
        else:
            kept.append(term)
    kept.sort(key=lambda t: -t.count)
    return kept
