"""Aliases only the dialogue reveals, found after attribution (Chinese).

* self-reference: a speaker who says 老孙 again and again, and is the one with the
  surname 孙, is 老孙 (and 俺老孙);
* naming in speech: “自今就叫做孙悟空” said by 猴王 makes 孙悟空 one of his names;
  “与你起个法名叫做孙悟空” names the one spoken to.

Entities are merged, attributions relabelled; every merge leaves evidence.
"""

from __future__ import annotations

import re
from collections import Counter

from characters.extract.aliases_zh import surname_of
from characters.extract.model import Attribution, Entity, Evidence
from characters.extract.quotes import Quote

_NAMING_IN_SPEECH = re.compile(
    r"(?:叫做|唤做|称为|法名|名叫|取名|起名|改名|号为|号称)[个做作为是叫]?[‘“'\"「『]?"
)
_FIRST_PERSON = re.compile("我|俺|吾|自今|老[\u4e00-\u9fff]")
MIN_SELF_USES = 3
# “我有两个徒弟叫做…”: what follows 我 is someone else's name
_SOMEONE_ELSE = re.compile("[有的个们儿女徒弟兄妹子父母家]")


def refine_aliases(
    text: str, quotes: list[Quote], atts: list[Attribution], entities: list[Entity]
) -> list[Evidence]:
    """Merge entities the dialogue shows to be one; returns the evidence of each merge."""
    merged: list[Evidence] = []
    for src, dst, ev in _naming_in_speech(text, quotes, atts, entities):
        if _merge(entities, atts, src, dst, ev):
            merged.append(ev)
    for ev in _self_reference(text, quotes, atts, entities):
        merged.append(ev)
    return merged


def _owner(entities: list[Entity]) -> dict[str, str]:
    return {a: e.id for e in entities for a in e.aliases}


def _naming_in_speech(
    text: str, quotes: list[Quote], atts: list[Attribution], entities: list[Entity]
) -> list[tuple[str, str, Evidence]]:
    owner = _owner(entities)
    names = sorted(owner, key=len, reverse=True)
    out = []
    for q, att in zip(quotes, atts, strict=True):
        if not att.speaker or att.confidence < 0.6:
            continue
        body = text[q.start : q.end]
        for m in _NAMING_IN_SPEECH.finditer(body):
            named = next((n for n in names if body.startswith(n, m.end())), None)
            if named is None:
                continue
            before = body[: m.start()]
            # “与你起个法名叫做…” names the listener; “自今就叫做…” the speaker
            if "你" in before[-12:] or "他" in before[-12:]:
                target = att.addressees[0] if "你" in before[-12:] and att.addressees else ""
            else:
                me = list(_FIRST_PERSON.finditer(before))
                close = me and len(before) - me[-1].end() <= 6
                plain = me and not _SOMEONE_ELSE.search(before[me[-1].end() :])
                target = att.speaker if close and plain else ""
            if target and owner[named] != target:
                snippet = body[max(0, m.start() - 16) : m.end() + len(named)]
                ev = Evidence(named, "named in dialogue", q.start, snippet)
                out.append((owner[named], target, ev))
    return out


def _self_reference(
    text: str, quotes: list[Quote], atts: list[Attribution], entities: list[Entity]
) -> list[Evidence]:
    """老孙 in the lines of the one 孙 who uses it most: an alias (and a self-address)."""
    uses: dict[str, Counter[str]] = {}
    for q, att in zip(quotes, atts, strict=True):
        if att.speaker:
            for m in re.finditer("老([\u4e00-\u9fff])", text[q.start : q.end]):
                uses.setdefault(m.group(0), Counter())[att.speaker] += 1
    by_id = {e.id: e for e in entities}
    owner = _owner(entities)
    found = []
    for form, who in uses.items():
        eid, n = who.most_common(1)[0]
        ent = by_id.get(eid)
        if ent is None or n < MIN_SELF_USES or n < 0.6 * sum(who.values()):
            continue
        if not any(surname_of(a) == form[1] for a in ent.aliases):
            continue
        ev = Evidence(form, f"says {form} of himself {n} times", -1, "")
        other = owner.get(form)
        if other is None:
            ent.aliases.append(form)
            ent.evidence.append(ev)
            found.append(ev)
        elif other != eid and _merge(entities, atts, other, eid, ev):
            found.append(ev)
    return found


def _full_name(name: str) -> bool:
    return bool(surname_of(name)) and len(name) >= 3


def _merge(
    entities: list[Entity], atts: list[Attribution], src: str, dst: str, ev: Evidence
) -> bool:
    gone = merge_entities(entities, atts, src, dst, ev)
    if gone is None:
        return False
    home = next(e for e in entities if e.id == dst)
    if _full_name(gone.name) and not _full_name(home.name):
        home.name = gone.name
        home.aliases = [gone.name] + [x for x in home.aliases if x != gone.name]
    return True


def merge_entities(
    entities: list[Entity], atts: list[Attribution], src: str, dst: str, ev: Evidence
) -> Entity | None:
    """Fold entity ``src`` into ``dst`` and relabel the attributions; returns the one gone."""
    by_id = {e.id: e for e in entities}
    a, b = by_id.get(src), by_id.get(dst)
    if a is None or b is None or a is b or a.kind == "narrator" or b.kind == "narrator":
        return None
    b.aliases += [x for x in a.aliases if x not in b.aliases]
    b.evidence += [ev, *a.evidence]
    b.mentions += a.mentions
    entities.remove(a)
    for att in atts:
        if att.speaker == src:
            att.speaker = dst
        att.addressees = [dst if x == src else x for x in att.addressees]
    return a
