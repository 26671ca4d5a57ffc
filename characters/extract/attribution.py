"""Who says each quote: speech tags first, then the conversation around it.

A sieve, most certain rule first, as in the quotation-attribution literature:

1. an explicit tag with a name ("said Emma", 行者笑道：) — confidence ~0.95;
2. a tag with a pronoun ("she replied", 他说), resolved to the most recent
   person of that gender in the narration or the conversation — ~0.8;
3. otherwise, in order: the subject of the narration in the same paragraph,
   turn-taking (A B A B: the speaker two turns back), the person addressed
   by name in the previous turn, the last person mentioned before — 0.3-0.6.

Quotes are decided in reading order because rules 2-3 read earlier decisions.
This module finds the structure (utterances, tags, pronoun antecedents);
``ranker`` turns the rules into weighted features and makes the choice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from characters.extract.chapters import is_break
from characters.extract.lexicon import EN_SAY
from characters.extract.model import Entity, Mention
from characters.extract.quotes import Quote
from characters.extract.speech import MentionTable, Tag, tag_after_en, tag_before_en
from characters.extract.speech_zh import tag_after_zh, tag_before_zh

NARRATOR = "narrator"
_LOOKBACK = 1500  # characters of narration searched for a pronoun's antecedent
_LOOKAHEAD = 600  # ...and after it, when nobody before fits


@dataclass(slots=True)
class Utterance:
    quotes: list[int]  # indices into the quote list
    para: int
    start: int  # first quote start
    end: int  # last quote end
    tag: Tag | None = None
    after_break: bool = False  # a chapter heading or "* * *" since the utterance before


@dataclass(slots=True)
class Scene:
    """Everything attribution reads, built once per document."""

    text: str
    paras: list[tuple[int, int]]
    quotes: list[Quote]
    narration: MentionTable  # names and pronouns outside quotes
    inside: MentionTable  # names inside quotes (vocatives, self-naming)
    entities: dict[str, Entity]
    language: str
    # per-utterance features that do not depend on earlier decisions (ranker's cache)
    static: dict[Any, Any] = field(default_factory=dict)


def utterances(scene: Scene) -> list[Utterance]:
    """English joins the pieces of one paragraph ("A," said X, "B."); Chinese keeps each."""
    units: list[Utterance] = []
    for i, q in enumerate(scene.quotes):
        prev = units[-1] if units else None
        same_para = prev is not None and prev.para == q.para
        english = same_para and scene.language != "zh" and not _handed_on(scene, i)
        joins = prev is not None and (q.continued or english)
        if joins and prev is not None:
            prev.quotes.append(i)
            prev.end, prev.para = q.end, q.para
        else:
            units.append(Utterance([i], q.para, q.start, q.end))
            if prev is not None and q.para - prev.para > 1:
                between = range(prev.para + 1, q.para)
                units[-1].after_break = any(
                    is_break(scene.text[slice(*scene.paras[p])]) for p in between
                )
    return units


def _handed_on(scene: Scene, i: int) -> bool:
    """ "…," she began; and May interposed: "…": a named speech tag leading into quote
    ``i`` that is not the tag of the quote before it gives the paragraph a second speaker."""
    start, end = scene.quotes[i - 1].end + 1, scene.quotes[i].start - 1
    before = tag_before_en(scene.text, start, end, scene.narration)
    if before is None:
        return False
    after = tag_after_en(scene.text, start, end, scene.narration)
    if after is not None and after.mention.start == before.mention.start:
        if not _new_sentence(scene, i):
            return False  # one tag serving the quotes on both sides of it
        after = None  # '"…?" He answered, "Yes."': it leads in the next quote alone
    if before.mention.pronoun is None:
        return True
    # '"…?" He echoed her words. … for she went on:': a pronoun leads in a new
    # speaker only when its sex is not the sex of the tag of the quote before
    if after is None:
        p_start, p_end = pre_span(scene, i - 1)
        after = tag_before_en(scene.text, p_start, p_end, scene.narration)
    sexes = {_sex(scene, t.mention) for t in (before, after) if t is not None}
    return sexes == {"m", "f"}


def _new_sentence(scene: Scene, i: int) -> bool:
    """Quote ``i - 1`` ends its sentence and the narration after it opens a new one."""
    marks = "\"”’'_ \n"
    before = scene.text[scene.quotes[i - 1].start : scene.quotes[i - 1].end].rstrip(marks)
    narration = scene.text[scene.quotes[i - 1].end : scene.quotes[i].start].lstrip(marks)
    return before.endswith((".", "?", "!")) and narration[:1].isupper()


def _sex(scene: Scene, m: Mention) -> str:
    if m.pronoun is not None:
        return m.pronoun
    entity = scene.entities.get(m.entity)
    return entity.gender if entity is not None else ""


def find_tags(scene: Scene, units: list[Utterance]) -> None:
    for k, unit in enumerate(units):
        unit.tag = _tag_for(scene, units, k)


def _tag_for(scene: Scene, units: list[Utterance], k: int) -> Tag | None:
    unit = units[k]
    quotes, text, table = scene.quotes, scene.text, scene.narration
    para_end = scene.paras[unit.para][1]
    pre_start, pre_end = pre_span(scene, unit.quotes[0])
    after: list[tuple[int, int, bool]] = []
    for j in unit.quotes:
        nxt = quotes[j + 1] if j + 1 < len(quotes) else None
        same = nxt is not None and nxt.para == quotes[j].para
        stop = nxt.start - 1 if same and nxt is not None else scene.paras[quotes[j].para][1]
        after.append((quotes[j].end + 1, stop, same))
    if scene.language == "zh":
        tag = tag_before_zh(text, pre_start, pre_end, table)
        if tag is None and after:
            a, b, follows = _after_zh(scene, unit.quotes[0], *after[0])
            tag = tag_after_zh(text, a, b, table, follows)
        return tag
    for j, (a, b, same) in zip(unit.quotes, after, strict=True):
        tag = tag_after_en(text, a, min(b, para_end), table)
        if tag is not None and not (same and j == unit.quotes[-1] and _leads_on(scene, j + 1, tag)):
            return tag
    return tag_before_en(text, pre_start, pre_end, table)


def _leads_on(scene: Scene, i: int, tag: Tag) -> bool:
    """'"…?" He answered, "Yes."': a tag opening a new sentence before quote ``i`` of
    another utterance is that quote's, not the one before's."""
    start, end = scene.quotes[i - 1].end + 1, scene.quotes[i].start - 1
    before = tag_before_en(scene.text, start, end, scene.narration)
    same = before is not None and before.mention.start == tag.mention.start
    return same and _new_sentence(scene, i)


def _after_zh(scene: Scene, index: int, a: int, b: int, follows: bool) -> tuple[int, int, bool]:
    """A quote alone on its line may be tagged by the next line: “…”\n晓霞急切地说。"""
    if scene.text[a:b].strip("\r\n 　。，！？…—") or follows:
        return a, b, follows
    para = scene.quotes[index].para + 1
    if para >= len(scene.paras):
        return a, b, follows
    p_start, p_end = scene.paras[para]
    nxt = scene.quotes[index + 1] if index + 1 < len(scene.quotes) else None
    if nxt is not None and nxt.para == para:
        p_end = nxt.start - 1
        return p_start, p_end, p_end <= p_start + 1
    return p_start, p_end, False


# "and then the Secretary said" + blank line: a lead-in some texts print without a colon
_SAYS_AT_END = re.compile(rf"\b(?:{'|'.join(EN_SAY)}|broke out)(?:\s+[a-z]+ly)?(?:\s+again)?$")


def pre_span(scene: Scene, index: int) -> tuple[int, int]:
    """The narration leading into quote ``index``: from the previous quote or paragraph start.

    A quote opening its paragraph after a narration paragraph that ends in a colon
    or comma ("Marilla said grimly:" + blank line) is led in by that paragraph.
    """
    q = scene.quotes[index]
    para_start = scene.paras[q.para][0]
    prev_end = scene.quotes[index - 1].end + 1 if index > 0 else para_start
    start = max(para_start, prev_end)
    if scene.text[start : q.start - 1].strip() or q.para == 0:
        return start, q.start - 1
    p_start, p_end = scene.paras[q.para - 1]
    if index > 0 and scene.quotes[index - 1].para == q.para - 1:
        # 'her mother "_wished_ they might be happy." … Charlotte said,': the narration
        # after the paragraph's last quote still leads in
        p_start = max(p_start, scene.quotes[index - 1].end + 1)
    lead_in = scene.text[p_end - 1 : p_end] in (":", ",", "：", "，", "-", "—") or bool(
        _SAYS_AT_END.search(scene.text, max(p_start, p_end - 60), p_end)
    )
    narrated = bool(scene.text[p_start:p_end].strip(" \r\n\"”’'"))
    return (p_start, p_end) if lead_in and narrated else (start, q.start - 1)


def resolve(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, m: Mention
) -> str:
    """The person a he/she/I (or "the old lady") in utterance ``k``'s speech tag means."""
    if m.pronoun is None:
        return m.entity
    if m.pronoun == "":
        return NARRATOR if NARRATOR in scene.entities else ""
    para_start = scene.paras[units[k].para][0]
    prev = speakers[k - 1] if k else ""
    # a pronoun points back to the name just before it; "the old lady" rarely does
    local = [] if m.role else scene.narration.between(para_start, m.start)
    found = _last_fitting(scene, local, m.pronoun, "")
    if found:
        return found
    for j in range(k - 2, max(-1, k - 5), -1):  # the other side of the conversation first
        fits = _gender_fits(scene, speakers[j], m.pronoun)
        if adjacent(units, j, k) and speakers[j] != prev and fits:
            return speakers[j]
    earlier = scene.narration.between(max(0, m.start - _LOOKBACK), para_start)
    found = _last_fitting(scene, earlier, m.pronoun, prev)
    if found:
        return found
    # nobody fits before: the scene may name her only later (她说。…晓霞一把搂住他)
    for x in scene.narration.between(m.end, m.end + _LOOKAHEAD):
        if x.pronoun is None and x.entity != prev and _strict_fit(scene, x.entity, m.pronoun):
            return x.entity
    return ""


def _last_fitting(scene: Scene, mentions: list[Mention], gender: str, exclude: str) -> str:
    for x in reversed(mentions):
        if x.pronoun is None and x.entity != exclude and _gender_fits(scene, x.entity, gender):
            return x.entity
    return ""


def _strict_fit(scene: Scene, entity: str, gender: str) -> bool:
    ent = scene.entities.get(entity)
    return ent is not None and ent.gender == gender


def _gender_fits(scene: Scene, entity: str, gender: str) -> bool:
    ent = scene.entities.get(entity)
    fits = gender == "x" or ent is not None and ent.gender in (gender, "")
    return ent is not None and ent.kind != "narrator" and fits


def adjacent(units: list[Utterance], j: int, k: int) -> bool:
    """Two turns of one conversation: no more than one paragraph of narration between,
    and not a chapter heading or a scene break."""
    if j < 0 or units[k].para - units[j].para > 2:
        return False
    return not any(units[i].after_break for i in range(j + 1, k + 1))


_BETWEEN_TURNS = " \t\r\n\u3000\"“”「」『』‘’'"


def tight(scene: Scene, units: list[Utterance], j: int, k: int) -> bool:
    """Utterance ``j`` runs straight into ``k``: only quote marks and blanks between."""
    if j < 0 or units[k].para - units[j].para > 1:
        return False
    return not scene.text[units[j].end : units[k].start].strip(_BETWEEN_TURNS)


def shared_tag(units: list[Utterance], j: int, k: int) -> bool:
    """“…”\nX说，“…”: one speech tag between two quotes serves both (the same speaker)."""
    a, b = units[j].tag, units[k].tag
    return a is not None and b is not None and a.mention.start == b.mention.start


def addressees(scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int) -> list[str]:
    """Whom utterance ``k`` speaks to: a name used in it, else the other side of the exchange."""
    unit, me = units[k], speakers[k]
    named = []
    for m in scene.inside.between(unit.start, unit.end):
        if m.entity and m.entity != me and m.entity not in named:
            named.append(m.entity)
    if named:
        return named[:1]
    for j in (k - 1, k + 1):
        if 0 <= j < len(units) and adjacent(units, min(j, k), max(j, k)):
            other = speakers[j]
            if other and other != me:
                return [other]
    return []
