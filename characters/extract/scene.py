"""Assembling what attribution reads: mentions split into narration and quotes, genders.

Separated from the roster so that the benchmarks can supply a roster of their own
(the speaker-identification set ships its name list) and still run the exact
attribution code the pipeline runs.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict

from characters.extract.attribution import NARRATOR, Scene
from characters.extract.mentions import AliasIndex, pronouns
from characters.extract.model import Entity, Mention
from characters.extract.quotes import Quote
from characters.extract.speech import MentionTable

_EN_FIRST_PERSON_TAG = re.compile(
    r"[,!?][\"”]\s+(?:said|cried|replied|asked) I\b|\bI (?:said|replied|asked|cried|answered)\b"
)


def add_narrator(text: str, entities: list[Entity], language: str) -> None:
    """A first-person narrator ("said I") is a speaker like any other."""
    if language == "zh" or any(e.id == NARRATOR for e in entities):
        return
    if len(_EN_FIRST_PERSON_TAG.findall(text)) >= 3:
        entities.append(Entity(NARRATOR, "Narrator", ["I"], kind="narrator"))


def assign_genders(text: str, entities: list[Entity], language: str) -> None:
    """Genders from the whole book before it is split into batches (so all batches agree)."""
    if language == "zh":
        _zh_title_genders(text, entities)
    index = AliasIndex(entities, language)
    names = index.find(text)
    _infer_genders({e.id: e for e in entities}, names, text, language)


_ZH_FEMALE = tuple(
    "姑娘 小姐 夫人 娘子 太太 奶奶 姐姐 妹妹 嫂子 婆婆 姨娘 丫头 娘 姐 妹 婆 嫂 姑 姨 氏 女".split()
)
_ZH_MALE = tuple(
    "公子 少爷 老爷 先生 相公 大爷 二爷 哥哥 兄弟 大哥 伯 叔 爷 郎 翁 兄 哥 僧 和尚".split()
)


def _zh_title_genders(text: str, entities: list[Entity]) -> None:
    """林姑娘, 张伯: a form of address with a gender, on an alias or after the surname."""
    from characters.extract.aliases_zh import surname_of

    by_surname: dict[str, list[Entity]] = defaultdict(list)
    for ent in entities:
        sur = surname_of(ent.name)
        if sur:
            by_surname[sur].append(ent)
    for ent in entities:
        if ent.gender:
            continue
        forms = list(ent.aliases)
        sur = surname_of(ent.name)
        if sur and len(by_surname[sur]) == 1:
            forms += [sur + t for t in _ZH_FEMALE[:6] + _ZH_MALE[:5] if sur + t in text]
        female = sum(1 for f in forms if f.endswith(_ZH_FEMALE))
        male = sum(1 for f in forms if f.endswith(_ZH_MALE))
        if female != male:
            ent.gender = "f" if female > male else "m"


def build_scene(
    text: str,
    paras: list[tuple[int, int]],
    quotes: list[Quote],
    entities: list[Entity],
    language: str,
    *,
    index: AliasIndex | None = None,
) -> Scene:
    index = index or AliasIndex(entities, language)
    spans = [(q.start, q.end) for q in quotes]
    starts = [s for s, _ in spans]
    narration: list[Mention] = []
    inside: list[Mention] = []
    for m in index.find(text):
        (inside if in_quote(m.start, starts, spans) else narration).append(m)
    for s, e in _gaps(spans, len(text)):
        narration.extend(pronouns(text, s, e, language))
    if language == "zh":
        from characters.extract.roles_zh import drop_shadowed

        narration = drop_shadowed(narration)
    by_id = {e.id: e for e in entities}
    _infer_genders(by_id, narration, text, language)
    return Scene(
        text, paras, quotes, MentionTable(narration), MentionTable(inside), by_id, language
    )


def in_quote(pos: int, starts: list[int], spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls inside one of the (sorted, disjoint) quote ``spans``."""
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _gaps(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in spans:
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    out.append((pos, size))
    return out


_GENDER_LEAN = 0.4  # log-odds above the book's he/she balance
_EN_GENDERED = re.compile(r"\b(?:(he|him|his|himself)|(she|her|hers|herself))\b", re.I)
_ZH_GENDERED = re.compile(r"(?:(他)|(她))")


def _infer_genders(
    entities: dict[str, Entity], narration: list[Mention], text: str, lang: str
) -> None:
    """The first he/him/his or she/her after a name, before any other name and in the
    same or the next sentence, votes (farther on, a viewpoint character's "she" wins)."""
    pattern = _ZH_GENDERED if lang == "zh" else _EN_GENDERED
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    names = sorted((m for m in narration if m.pronoun is None), key=lambda m: m.start)
    for i, m in enumerate(names):
        nxt = names[i + 1].start if i + 1 < len(names) else len(text)
        g = pattern.search(text, m.end, min(nxt, m.end + 120))
        if g is not None and _same_sentence(text, m.end, g.start(), lang):
            votes[m.entity]["m" if g.group(1) else "f"] += 1
    for eid, count in votes.items():
        ent = entities.get(eid)
        if ent is None or ent.gender:
            continue
        males, females = count["m"], count["f"]
        lean = math.log((males + 0.5) / (females + 0.5))
        if males + females >= 3 and abs(lean) >= _GENDER_LEAN:
            ent.gender = "m" if lean > 0 else "f"


def _same_sentence(text: str, start: int, end: int, lang: str) -> bool:
    """A pronoun in the name's own sentence, or opening the next one ("… Henry. He …")."""
    stops = "。！？" if lang == "zh" else ".!?"
    gap = text[start:end]
    cut = max(gap.rfind(ch) for ch in stops)
    return cut < 0 or not gap[cut + 1 :].strip(" \t\r\n\"”’'")
