"""Grouping Chinese name forms into people, each merge with the evidence that made it.

Rules, from the text alone:

* contained name: 悟空 in 孙悟空, 猴王 in 美猴王, 黛玉 in 林黛玉 — the short form
  joins the longer one when one longer form clearly dominates (宝玉 is not
  merged when 贾宝玉 and 甄宝玉 are both common);
* naming phrase: 称为行者 / 叫做孙悟空 / 法名悟能 / 绰号… — the form named joins the
  person mentioned just before the phrase (narration only; inside quotes the
  person is the speaker or the addressee, decided after attribution);
* apposition: 齐天大圣孙悟空 — a title standing right before a name, repeatedly,
  and never the other way round (lists of names appear in both orders);
* self-address (after attribution): 老孙 in lines spoken by a 孙.

A union-find keeps the clusters; every union records its rule and an example.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from characters.extract.lexicon import ZH_TITLE_SUFFIX
from characters.extract.model import Entity, Evidence
from characters.extract.surnames import COMPOUND_SURNAMES, SURNAMES

_PLURAL = re.compile("[等们皆都众俱]")
_COMPARE = set("比对向与和同跟给被把让")
_ADDRESS_SUFFIXES = frozenset(ZH_TITLE_SUFFIX) | {"儿", "哥", "姐", "妹", "兄", "弟"}
_SPOUSE_SUFFIXES = frozenset({"娘子", "夫人", "太太", "奶奶", "嫂子"})  # after a name: his wife
_TAG_AND_QUOTE = re.compile(r"^[^“”「」，。]{0,4}?[道说曰][：:]?[“「][^”」]*[”」]")
_CLAUSE_BREAK = re.compile("[，。！？；：、,.!?;:“”「」的之]")
_SENTENCE_BREAK = re.compile("[。！？；：、.!?;:“”「」的之]")
_STRONG_NAMING = re.compile("人称|绰号|外号|号称|法名|法号|道号|混名|表字|乳名|小名")
_NAMING = re.compile(
    r"(?:称为|称做|叫做|唤做|唤为|呼为|号为|号称|法名|法号|道号|混名|绰号|外号|名唤|又名|又称|人称|遂称|"
    r"自称|取名|起名|名叫|小名|乳名|表字)[个做作为是叫]?[‘“'\"「『]?"
)


@dataclass(slots=True)
class Clusters:
    """Union-find over surface forms, remembering why each pair was joined."""

    counts: Counter[str]
    parent: dict[str, str] = field(default_factory=dict)
    log: list[Evidence] = field(default_factory=list)  # every union, in order

    def find(self, name: str) -> str:
        root = self.parent.setdefault(name, name)
        while root != self.parent[root]:
            root = self.parent[root]
        self.parent[name] = root
        return root

    def union(
        self, alias: str, target: str, rule: str, offset: int = -1, snippet: str = ""
    ) -> None:
        a, b = self.find(alias), self.find(target)
        if a == b:
            return
        # the bigger cluster keeps its root, so display names stay stable
        if self._size(a) > self._size(b):
            a, b = b, a
        self.parent[a] = b
        self.log.append(Evidence(alias, f"{rule} (joined {target})", offset, snippet))

    def _size(self, root: str) -> int:
        return sum(self.counts[n] for n in self.parent if self.find(n) == root)

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name in self.counts:
            out.setdefault(self.find(name), []).append(name)
        return out


def surname_of(name: str) -> str:
    if name[:2] in COMPOUND_SURNAMES and len(name) >= 3:
        return name[:2]
    return name[0] if name[0] in SURNAMES and len(name) in (2, 3) else ""


def contained_names(clusters: Clusters) -> None:
    """悟空 ⊂ 孙悟空, 猴王 ⊂ 美猴王: the short form joins the dominant longer form."""
    names = sorted(clusters.counts, key=len)
    for short in names:
        longer = [n for n in names if len(n) > len(short) and _extends(n, short)]
        if not longer:
            continue
        ranked = sorted(longer, key=lambda n: -clusters.counts[n])
        top = ranked[0]
        rival = ranked[1] if len(ranked) > 1 else None
        if rival is not None and clusters.find(rival) != clusters.find(top):
            if clusters.counts[rival] * 3 > clusters.counts[top]:
                continue  # 宝玉: 贾宝玉 and 甄宝玉 are different people
        clusters.union(short, top, f"contained in {top}")


def _extends(long: str, short: str) -> bool:
    """孙悟空 ends with 悟空, 袭人姐姐 is 袭人 + a form of address; 唐王御弟 is not 唐王,
    and 林冲娘子 is Lin Chong's wife: a wife's title after a whole name is someone else."""
    if long.endswith(short):
        return True
    suffix = long[len(short) :]
    spouse = suffix in _SPOUSE_SUFFIXES and len(short) >= 2
    return long.startswith(short) and suffix in _ADDRESS_SUFFIXES and not spouse


def naming_phrases(
    clusters: Clusters, text: str, mentions: list[tuple[int, int, str]], quoted: list[bool]
) -> None:
    """…遂称美猴王 / 又称为孙行者: the named form joins the person just mentioned.

    Only narration counts (inside quotes "you" or "he" is named, which needs the
    speaker); a plural subject (沙僧等皆称为菩萨) names someone else.
    """
    starts = [m[0] for m in mentions]
    for i, (start, _end, name) in enumerate(mentions):
        lead = _NAMING.search(text, max(0, start - 6), start)
        if quoted[i] or lead is None or lead.end() != start:
            continue
        # 人称/绰号 name the sentence's subject even across a comma (赵铁臂，江湖上人称铁臂猿)
        strong = _STRONG_NAMING.match(text, lead.start()) is not None
        j = bisect.bisect_left(starts, lead.start()) - 1
        while j >= 0 and quoted[j]:
            j -= 1
        if j < 0 or mentions[j][2] == name:
            continue
        if mentions[j][0] > 0 and text[mentions[j][0] - 1] in _COMPARE:
            continue  # 比薛蟠小两岁，乳名宝钗: 薛蟠 is the yardstick, not the one named
        # 悟空道：“好！”自此时又称为孙行者: the speaker of the quote just before is named
        between = _TAG_AND_QUOTE.sub("", text[mentions[j][1] : lead.start()])
        breaks = _SENTENCE_BREAK if strong else _CLAUSE_BREAK
        if (
            len(between) > (16 if strong else 8)
            or _PLURAL.search(between)
            or breaks.search(between)
        ):
            continue  # 宝玉的书童名唤茗烟, 李嬷嬷，并大丫鬟名唤袭人: someone else is named
        snippet = text[mentions[j][0] : start + len(name)].replace("\n", "")[:80]
        clusters.union(name, mentions[j][2], "naming phrase", start, snippet)


def surname_titles(clusters: Clusters) -> None:
    """孙大圣 = 孙 + 大圣 joins the person who has the surname 孙 and a title with 大圣 in it."""
    groups = clusters.groups()
    for name in list(clusters.counts):
        sur, title = name[:1], name[1:]
        if sur not in SURNAMES or len(title) < 2:
            continue
        homes = {
            root
            for root, members in groups.items()
            if any(surname_of(m) == sur and m != name for m in members)
            and any(title in m and m != name for m in members)
        }
        if len(homes) == 1:
            root = homes.pop()
            clusters.union(name, root, f"surname {sur} + the title {title} of {root}")


def appositions(clusters: Clusters, mentions: list[tuple[int, int, str]]) -> None:
    """齐天大圣孙悟空: a title right before a full name, at least twice, never after it."""
    pairs: Counter[tuple[str, str]] = Counter()
    for (_s1, e1, a), (s2, _e2, b) in zip(mentions, mentions[1:], strict=False):
        if e1 == s2 and a != b:
            pairs[(a, b)] += 1
    for (a, b), n in pairs.items():
        title_like = not surname_of(a) and len(a) >= 3
        if n >= 2 and title_like and surname_of(b) and pairs.get((b, a), 0) == 0:
            clusters.union(a, b, f"title before the name {n} times", snippet=a + b)


def build_entities(
    clusters: Clusters, speaks: Counter[str], first_seen: dict[str, int] | None = None
) -> list[Entity]:
    entities: list[Entity] = []
    for members in clusters.groups().values():
        total = sum(clusters.counts[m] for m in members)
        display = _display(members, clusters.counts, total, first_seen or {})
        aliases = [display] + sorted(
            (m for m in members if m != display), key=lambda m: -clusters.counts[m]
        )
        evidence = [ev for ev in clusters.log if ev.alias in members]
        entities.append(Entity("", display, aliases, mentions=total, evidence=evidence))
    entities.sort(key=lambda e: -e.mentions)
    for i, ent in enumerate(entities):
        ent.id = f"c{i}"
    return entities


def _display(
    members: list[str], counts: Counter[str], total: int, first_seen: dict[str, int]
) -> str:
    """The full name (surname + given name) the book introduces first, else the commonest form.

    孙悟空 comes before 孙行者: the narrator names a person properly before nicknaming.
    """
    full = [m for m in members if surname_of(m) and len(m) >= 3 and counts[m] * 50 >= total]
    if full:
        return min(full, key=lambda m: (first_seen.get(m, 1 << 40), -counts[m]))
    return max(members, key=lambda m: (counts[m], len(m)))
