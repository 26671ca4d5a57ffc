"""The Chinese roster: candidates from speech tags, jieba and titles, then alias clusters."""

from __future__ import annotations

import re
from collections import Counter

from characters.extract.aliases_zh import (
    Clusters,
    appositions,
    build_entities,
    contained_names,
    naming_phrases,
    surname_of,
    surname_titles,
)
from characters.extract.model import Entity
from characters.extract.names_zh import (
    ZH_GENERIC,
    count_names,
    person_tags,
    segmenter,
    tag_subjects,
    title_forms,
    titles_before,
)
from characters.extract.quotes import Quote

MIN_MENTIONS = 3
SMALL_TEXT = 50_000
_WINDOW = 40  # narration around each quote that jieba reads for person names
_MAX_WINDOWS = 2500  # a sample is enough: a name that matters is met many times


def build_roster_zh(text: str, quotes: list[Quote]) -> list[Entity]:
    segmenter()
    spans = [(q.start, q.end) for q in quotes]
    # a short story names its people a handful of times; a novel, hundreds
    small = len(text) < SMALL_TEXT
    speaks = tag_subjects(text, spans)
    seeds = {n for n, c in speaks.items() if c >= (1 if small else 2) and n not in ZH_GENERIC}
    jieba_names = person_tags(text, _windows(spans, len(text)), seeds)
    titles = title_forms(text, seeds)
    fulls = {n for n in seeds | set(jieba_names) if len(n) == 3 and surname_of(n)}
    pool = (
        seeds
        | titles_before(text, fulls)
        | {n for n, c in jieba_names.items() if c >= (1 if small else 2)}
        | {n for n, c in titles.items() if c >= (2 if small else 3)}
    )
    min_mentions = 2 if small else MIN_MENTIONS
    counts, determined = count_names(text, pool)
    keep = Counter(
        {
            n: c
            for n, c in counts.items()
            if c >= min_mentions
            and n not in ZH_GENERIC
            and determined[n] < 0.3 * c + 1
            and n[0] not in "那这众"
            and not (len(n) >= 3 and n[-1] in _PLACE_MARKS)
            and not _QUANTITY.match(n)
        }
    )
    keep = _drop_extensions(keep)
    keep = _drop_predicates(keep, _mentions(text, keep))
    clusters = Clusters(keep)
    for name in keep:
        clusters.find(name)
    contained_names(clusters)
    mentions = _mentions(text, keep)
    quoted = _inside(mentions, spans)
    naming_phrases(clusters, text, mentions, quoted)
    appositions(clusters, mentions)
    surname_titles(clusters)
    contained_names(clusters)  # again: 大圣 is settled once 孙大圣 and 齐天大圣 are one
    first_seen: dict[str, int] = {}
    for start, _end, name in mentions:
        first_seen.setdefault(name, start)
    return build_entities(clusters, speaks, first_seen)


_QUANTITY = re.compile(
    "[一二三四五六七八九十两几]+[百千万里年月日次个只条斤丈尺]"
)  # 八百里: a measure
_PREPOSITIONS = set("向对和与跟叫把被让给同及并问")
_PLACE_MARKS = set("国郡寺宫山洞府城州县庙观殿庄村岭关泊寨")  # 天竺国, 慈云寺, 梁山泊: places


def _drop_extensions(keep: Counter[str]) -> Counter[str]:
    """宝钗笑, 向探春, 贾母薛姨妈: a known name glued to a verb, a preposition or a name."""
    out = Counter(keep)
    for name in keep:
        for cut in range(2, len(name)):
            head, tail = name[:cut], name[cut:]
            if head in keep and (tail in keep or (len(tail) == 1 and keep[head] >= 3 * keep[name])):
                out.pop(name, None)
        if name[0] in _PREPOSITIONS and name[1:] in keep:
            out.pop(name, None)
        rest = name[1:]
        # 明贾母 = 明 + 贾母: one character glued before a surnamed name
        if rest in keep and surname_of(rest) and keep[rest] >= 5 * keep[name]:
            out.pop(name, None)
    return out


def _drop_predicates(keep: Counter[str], mentions: list[tuple[int, int, str]]) -> Counter[str]:
    """闻言, 闻得: "names" that mostly follow another name are what that person does."""
    after_name: Counter[str] = Counter()
    for (_s1, e1, _a), (s2, _e2, b) in zip(mentions, mentions[1:], strict=False):
        if e1 == s2:
            after_name[b] += 1
    return Counter({n: c for n, c in keep.items() if after_name[n] < 0.3 * c})


def _windows(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    step = max(1, len(spans) // _MAX_WINDOWS)
    return [(max(0, s - _WINDOW), s) for s, _ in spans[::step]] + [
        (e, min(size, e + _WINDOW // 2)) for _, e in spans[::step]
    ]


def _mentions(text: str, names: Counter[str]) -> list[tuple[int, int, str]]:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for name in names:
        auto.add_word(name, name)
    if not names:
        return []
    auto.make_automaton()
    return [(end - len(n) + 1, end + 1, n) for end, n in auto.iter_long(text)]


def _inside(mentions: list[tuple[int, int, str]], spans: list[tuple[int, int]]) -> list[bool]:
    import bisect

    starts = [s for s, _ in spans]
    out = []
    for start, _, _ in mentions:
        i = bisect.bisect_right(starts, start) - 1
        out.append(i >= 0 and spans[i][0] <= start < spans[i][1])
    return out
