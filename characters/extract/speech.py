"""Explicit speech tags next to a quote: "said Emma", "she replied" (Chinese: ``speech_zh``).

Each finder looks at the narration just before or just after one quote and
returns the mention that is the grammatical speaker, or None. Only the shape of
the tag is judged here; whom a pronoun means is decided later, in context.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from characters.extract.lexicon import EN_SAY
from characters.extract.mentions import ROLE_GENDER
from characters.extract.model import Mention, Reference

_EN_SAY = "|".join(sorted(EN_SAY, key=len, reverse=True))
_EN_INVERTED = re.compile(
    rf"^[\s,;:!?.—\-_)]*(?:[a-z]+ly\s+)?(?:{_EN_SAY})\s+(?!to\b|that\b)(?:(?:the|poor|old|little|young|[a-z]+ly)\s+)?"
    r"(?:[a-z]+\s+)?"
)
# speaking as it goes on: "Freddy was saying", "…, crying, "…""
_EN_GERUNDS = (
    "saying|adding|replying|answering|asking|exclaiming|observing|remarking|whispering"
    "|murmuring|continuing|speaking|crying|calling|shouting|muttering|declaring|explaining"
    "|protesting|repeating|interrupting|retorting|telling"
)
_EN_SAY_WORD = re.compile(
    rf"\b(?:{_EN_SAY}|say|speak|spoke|exclaim|reply|answer|ask|{_EN_GERUNDS}|addressed|accosted)\b"
)
_EN_VERB_AFTER = re.compile(
    rf"(?:,[^,.!?\"“”]{{0,40}},)?\s*(?:\w+ly\s+|had\s+|has\s+|then\s+|now\s+)?(?:{_EN_SAY})\b"
    rf"|\s+(?:was|were)\s+(?:\w+ly\s+)?(?:{_EN_GERUNDS})\b"
)
_EN_LEAD = re.compile(r"^[\s,;:!?.—\-_)]*")
# "Mr.\nJackson" does not end a sentence: no break after a title or an initial
_EN_SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMme)(?<!\b[A-Z])[.!?][\"”’']?\s"
)


@dataclass(frozen=True, slots=True)
class Tag:
    mention: Mention
    rule: str  # "explicit" (name) or "anaphoric" (pronoun); with where it was seen
    confidence: float


class MentionTable:
    """Mentions sorted by start for range look-ups."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.items]

    def between(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return [m for m in self.items[i:j] if m.end <= end]

    def at(self, pos: int) -> Mention | None:
        i = bisect.bisect_left(self.starts, pos)
        return self.items[i] if i < len(self.items) and self.starts[i] == pos else None


def _kind(m: Mention) -> str:
    return "explicit" if m.pronoun is None else "anaphoric"


def tag_after_en(text: str, start: int, end: int, table: MentionTable) -> Tag | None:
    """ "…," said Emma / "…," she replied / "…," Mr. Knightley, smiling, said."""
    seg = text[start:end]
    inv = _EN_INVERTED.match(seg)
    if inv:
        # "said the old lady": the mention may run past the words the pattern consumed
        near = table.between(start + inv.start(), end)
        for m in (x for x in near if x.start <= start + inv.end()):
            if m.end >= start + inv.end() - 1 or m.pronoun is not None:
                return _owned(text, m, end) or Tag(m, _kind(m) + " after", 0.95)
        right = table.at(start + inv.end())
        if right is not None:
            return _owned(text, right, end) or Tag(right, _kind(right) + " after", 0.95)
        verb = _EN_INVERTED_VERB.match(seg)
        at = start + verb.end() if verb else end
        described = _EN_DESCRIPTION.match(text, at, end)
        if described is not None:  # "cried the new comer", "rejoined his companion"
            return Tag(_role(described.start(), described.end(), text), "anaphoric after", 0.8)
    lead = _EN_LEAD.match(seg)
    first = table.at(start + (lead.end() if lead else 0))
    if first is not None and _EN_VERB_AFTER.match(text, first.end, end):
        return Tag(first, _kind(first) + " after", 0.95)
    return _loose_after(text, start, end, table, first)


def _loose_after(
    text: str, start: int, end: int, table: MentionTable, first: Mention | None
) -> Tag | None:
    """ "…," sneered Oakley / "…," Brenda confided: a quote ending in a comma (or ? or !)
    asks for a tag, so a verb we do not list next to a name is one (the ranker weighs it
    apart)."""
    if start < 2 or text[start - 2] not in ",—-?!":
        return None  # ("…?" interposed Bates: a lower-case verb after ? or ! continues it)
    verb = _EN_ANY_VERB_INVERTED.match(text, start, end)
    if verb is not None:
        m = table.at(verb.end())
        if m is not None and (m.pronoun is None or not m.role):
            return Tag(m, _kind(m) + " after (loose)", 0.7)
    # after ? or ! "Tom looked up." may be a new sentence about the listener
    comma = text[start - 2] not in "?!"
    if comma and first is not None and _EN_ANY_VERB_AFTER.match(text, first.end, end):
        return Tag(first, _kind(first) + " after (loose)", 0.7)
    # '"…?" he broke out': a lower-case he or she goes on with the quote's sentence
    if first is None or first.pronoun not in ("m", "f") or not first.surface.islower():
        return None
    if not _EN_PERCEIVES.match(text, first.end, end):
        return Tag(first, "anaphoric after (loose)", 0.7)
    return None


# '"…" she heard him say': the one who hears is not the one who speaks
_EN_PERCEIVES = re.compile(r"\s+(?:[a-z]+ly\s+)?(?:heard|saw|felt|knew|noticed|watched|found)\b")


_EN_ANY_VERB_INVERTED = re.compile(
    r"[\s_]*(?:[a-z]+ly\s+)?[a-z]+(?:ed|s)(?:\s+(?:in|out|up|on|forth|back))?\s+"
)
_EN_ANY_VERB_AFTER = re.compile(r"\s+(?:[a-z]+ly\s+)?(?:[a-z]+ed|went on|broke in)\b")


_EN_INVERTED_VERB = re.compile(rf"^[\s,;:!?.—\-_)]*(?:[a-z]+ly\s+)?(?:{_EN_SAY})\s+")
_EN_DESCRIPTION = re.compile(
    r"(?:the|his|her|their|my|our|your|a|an)\s+(?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*(?=[,.;!?:\s])"
)
_EN_OWNED = re.compile(r"['’]s?\s+(?:(?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*)")


def _owned(text: str, m: Mention, end: int) -> Tag | None:
    """ "asked Mr. Bumble's good lady": the name is the owner; the speaker is described."""
    found = _EN_OWNED.match(text, m.end, end) if m.pronoun is None else None
    if found is None:
        return None
    return Tag(_role(m.start, found.end(), text), "anaphoric after (owned)", 0.8)


def _role(start: int, end: int, text: str) -> Mention:
    surface = text[start:end]
    gender = ROLE_GENDER.get(surface.split()[-1].lower(), "x")
    return Mention(start, end, "", surface, gender, role=True)  # type: ignore[arg-type]


def tag_before_en(text: str, start: int, end: int, table: MentionTable) -> Tag | None:
    """Emma said, turning to him, "…" — the last sentence of the narration before a quote."""
    seg = text[start:end]
    cut = 0
    for s in _EN_SENTENCE_END.finditer(seg):
        cut = s.end()
    if not re.search(rf"(?:[,:—\-]|\b(?:{_EN_SAY}|with))\s*$", seg):
        return None
    sentence = table.between(start + cut, end)
    # The clause next to the quote first: "he asked, smiling; and she looked at him with
    # surprise, and answered:" is hers, though "he asked" is a speech tag earlier on.
    last = [m for m in sentence if ";" not in text[m.end : end]]
    tag = (
        _said_by(text, last, end)
        or _heard(seg, start)
        or _subject_saying(text, last, end)
        or _said_by(text, sentence, end)
        or _subject_saying(text, sentence, end)
    )
    if tag is not None:
        return tag
    # "He diverted it as follows:", "she interrupted him with": whatever the verb, a colon
    # or a "with" right before the quote leads it in; the subject opening the sentence speaks
    if not sentence or not re.search(r"(?::|\bwith)\s*$", seg):
        return None
    if len(text[start + cut : sentence[0].start].split()) <= 2:  # opens the sentence
        return Tag(sentence[0], _kind(sentence[0]) + " before (loose)", 0.6)
    return None


def _said_by(text: str, mentions: list[Mention], end: int) -> Tag | None:
    """The first of the mentions a speech verb follows ("she had said,")."""
    for m in mentions:
        if _EN_VERB_AFTER.match(text, m.end, end):
            return Tag(m, _kind(m) + " before", 0.9)
    return None


def _subject_saying(text: str, mentions: list[Mention], end: int) -> Tag | None:
    """ "Mr. John Knightley smiled, and replied,": the subject, a speech verb later."""
    if not mentions or not _EN_SAY_WORD.search(text, mentions[0].end, end):
        return None
    subject = _clause_subject(text, mentions) or mentions[0]
    return Tag(subject, _kind(subject) + " before (sentence)", 0.8)


def _heard(seg: str, start: int) -> Tag | None:
    """ "he heard her say:": the one heard speaks, not the one hearing."""
    heard = _EN_HEARD_SAY.search(seg)
    if heard is None:
        return None
    pronoun: Reference = "f" if heard["who"] == "her" else "m"
    at = start + heard.start("who")
    return Tag(
        Mention(at, start + heard.end("who"), "", heard["who"], pronoun),
        "anaphoric before (heard)",
        0.85,
    )


_EN_HEARD_SAY = re.compile(
    r"\b(?:heard|hear|hears|hearing)\s+(?P<who>him|her)\s+(?:\w+ly\s+)?"
    r"(?:say|saying|exclaim|exclaiming|cry|crying|call|calling|murmur|murmuring|mutter"
    r"|muttering|whisper|whispering|add|ask|asking|answer|reply|begin|beginning)\b[^.!?;]*$"
)


_EN_OBJECT_BEFORE = re.compile(r"\b(?:to|with|at|by|from|upon|for|of|on|than|towards)\s+$", re.I)


def _clause_subject(text: str, sentence: list[Mention]) -> Mention | None:
    """ "Mrs. Bennet begged her to stay; but Lady Catherine declined, and, rising, said to
    Elizabeth,": the subject of the last clause (clauses end at ";") that names anyone,
    skipping names after a preposition (objects, not subjects)."""
    stops = [i for i in range(sentence[0].start, sentence[-1].end) if text[i] == ";"]
    bounds = [sentence[0].start, *stops, sentence[-1].end + 1]
    for lo, hi in reversed(list(zip(bounds, bounds[1:], strict=False))):
        for m in sentence:
            after_preposition = _EN_OBJECT_BEFORE.search(text, max(0, m.start - 12), m.start)
            if lo <= m.start < hi and not after_preposition:
                return m
    return None
