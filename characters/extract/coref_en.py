"""Aliases only the dialogue reveals (English): the name someone is called by.

The narrator says Mrs. Munt; her nieces say "Aunt Juley, you must…". A name spoken to
someone (set off by punctuation inside a quote) is usually answered by the one it
names, or was said in reply to them. When the turn next to such a name is, time after
time, one and the same explicitly tagged speaker, the name is that speaker's.

A narrator who changes epithets mid-scene ("said the Jew" ... "said Fagin") shows it in
the turn-taking too: A, B, A' with B in between, again and again, makes A' another
name for A.

Two people who talk to each other, or whom the narration names in one sentence, are
never joined: that is what tells Margaret's sister from Margaret's other name.

Runs after attribution (it reads the tagged turns) and merges entities, relabelling the
attributions; every merge leaves evidence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from characters.extract.coref import merge_entities
from characters.extract.mentions import AliasIndex
from characters.extract.model import Attribution, Entity, Evidence, Mention
from characters.extract.quotes import Quote
from characters.extract.ranker_en import is_vocative
from characters.extract.scene import in_quote

MIN_REPLIES = 3  # a name answered by the same speaker at least this often
MIN_SHARE = 0.4  # ...in this share of the turns next to it
MIN_SLOTS = 3  # A, B, A' exchanges before A' is taken for A
_NEAR_PARAS = 2  # a reply is the next turn within this many paragraphs
_SENTENCE_END = re.compile(r"[.!?;]")


@dataclass(slots=True)
class _Turn:
    para: int
    start: int
    end: int
    att: Attribution
    called: set[str] = field(default_factory=set)  # entities addressed by name


@dataclass(slots=True)
class _Evidence:
    """What the book shows about pairs of entities."""

    replies: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    snippet: dict[tuple[str, str], int] = field(default_factory=dict)  # first offset seen
    talk: Counter[frozenset[str]] = field(default_factory=Counter)  # tagged exchanges
    slots: Counter[frozenset[str]] = field(default_factory=Counter)  # A, B, A' turns
    together: Counter[frozenset[str]] = field(default_factory=Counter)  # one sentence
    tagged: Counter[str] = field(default_factory=Counter)
    named: Counter[str] = field(default_factory=Counter)


def join_called_names(
    text: str, quotes: list[Quote], atts: list[Attribution], entities: list[Entity]
) -> list[Evidence]:
    """Merge each entity that is only a name others call a speaker into that speaker."""
    index = AliasIndex(entities, "en")
    mentions = index.find(text)
    seen = _gather(text, quotes, atts, mentions)
    by_id = {e.id: e for e in entities}
    names = {e.id: e.name for e in entities}  # as they were: a merge may take one away
    merged: list[Evidence] = []
    home: dict[str, str] = {}
    for called, speaker, why in _candidates(seen, by_id):
        src, dst = home.get(called, called), home.get(speaker, speaker)
        if src == dst or src not in by_id or dst not in by_id:
            continue
        if seen.named[src] > seen.named[dst]:
            src, dst = dst, src  # the name the narration uses more keeps the entity
        where = seen.snippet[(called, speaker)]
        rule = why.format(names[called], names[speaker])
        ev = Evidence(names[called], rule, where, text[max(0, where - 40) : where + 60])
        if merge_entities(entities, atts, src, dst, ev) is not None:
            merged.append(ev)
            home.update({k: dst for k, v in home.items() if v == src} | {src: dst})
            del by_id[src]
    return merged


def _gather(
    text: str, quotes: list[Quote], atts: list[Attribution], mentions: list[Mention]
) -> _Evidence:
    seen = _Evidence()
    turns = _turns(text, quotes, atts, mentions)
    for k, turn in enumerate(turns):
        speaker = turn.att.speaker
        if turn.att.rule == "explicit" and speaker:
            seen.tagged[speaker] += 1
        for j in (k - 1, k + 1):
            if not 0 <= j < len(turns) or abs(turns[j].para - turn.para) > _NEAR_PARAS:
                continue
            other = turns[j].att
            if other.rule != "explicit" or not other.speaker or other.speaker == speaker:
                continue
            if j == k + 1 and turn.att.rule == "explicit" and speaker:
                seen.talk[frozenset((speaker, other.speaker))] += 1
            for called in turn.called - {speaker}:
                seen.replies[called][other.speaker] += 1
                seen.snippet.setdefault((called, other.speaker), turn.start)
    _same_slots(turns, seen)
    _named_together(text, quotes, mentions, seen)
    return seen


def _same_slots(turns: list[_Turn], seen: _Evidence) -> None:
    for a, b, c in zip(turns, turns[1:], turns[2:], strict=False):
        if c.para - a.para > 2 * _NEAR_PARAS:
            continue
        if not all(t.att.rule == "explicit" and t.att.speaker for t in (a, b, c)):
            continue
        x, y, z = a.att.speaker, b.att.speaker, c.att.speaker
        if x != z and y not in (x, z):
            seen.slots[frozenset((x, z))] += 1
            seen.snippet.setdefault((x, z), c.start)


def _turns(
    text: str, quotes: list[Quote], atts: list[Attribution], mentions: list[Mention]
) -> list[_Turn]:
    """One turn per paragraph of quotes ("A," said X, "B." is one turn)."""
    turns: list[_Turn] = []
    starts = iter(sorted(mentions, key=lambda m: m.start))
    pending = next(starts, None)
    for q, att in zip(quotes, atts, strict=True):
        if not turns or turns[-1].para != q.para:
            turns.append(_Turn(q.para, q.start, q.end, att))
        turn = turns[-1]
        turn.end = q.end
        while pending is not None and pending.start < q.end:
            if pending.start >= q.start and is_vocative(text, q.start, q.end, pending):
                turn.called.add(pending.entity)
            pending = next(starts, None)
    return turns


def _named_together(
    text: str, quotes: list[Quote], mentions: list[Mention], seen: _Evidence
) -> None:
    """Count, per pair, the narration sentences that name both (two different people)."""
    spans = [(q.start, q.end) for q in quotes]
    starts = [q.start for q in quotes]
    outside = [m for m in sorted(mentions, key=lambda m: m.start)
               if not in_quote(m.start, starts, spans)]  # fmt: skip
    for m in outside:
        seen.named[m.entity] += 1
    for i, a in enumerate(outside):
        for b in outside[i + 1 : i + 8]:
            if b.start - a.end > 200 or _SENTENCE_END.search(text, a.end, b.start):
                break
            if a.entity != b.entity:
                seen.together[frozenset((a.entity, b.entity))] += 1


def _candidates(seen: _Evidence, by_id: dict[str, Entity]) -> list[tuple[str, str, str]]:
    """(name, speaker, why) for the pairs that pass every test, strongest first."""
    found = []
    for called, answers in seen.replies.items():
        ranked = answers.most_common(2)
        speaker, n = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        if n < MIN_REPLIES or n < MIN_SHARE * sum(answers.values()) or n < 2 * second:
            continue
        if not _may_be_one(seen, by_id, called, speaker):
            continue
        found.append((n, called, speaker, f"{{}} is called so {n} times, answered by {{}}"))
    for pair, n in seen.slots.items():
        a, b = sorted(pair)
        a, b = (a, b) if (a, b) in seen.snippet else (b, a)
        if n >= MIN_SLOTS and _may_be_one(seen, by_id, a, b):
            found.append((n, a, b, f"{{}} takes the turns of {{}} {n} times (A, B, A')"))
    return [(a, b, why) for _, a, b, why in sorted(found, key=lambda x: -x[0])]


def _may_be_one(seen: _Evidence, by_id: dict[str, Entity], a: str, b: str) -> bool:
    ea, eb = by_id.get(a), by_id.get(b)
    if ea is None or eb is None or "narrator" in (ea.kind, eb.kind):
        return False
    if ea.gender and eb.gender and ea.gender != eb.gender:
        return False
    pair = frozenset((a, b))
    # a stray mis-tag or an apposition may put them side by side once in a long book
    talk_room = 0.01 * (seen.tagged[a] + seen.tagged[b])
    together_room = max(1.0, 0.02 * min(seen.named[a], seen.named[b]))
    return seen.talk[pair] <= talk_room and seen.together[pair] <= together_room
