"""People the book names once or twice: too rare for the roster's counts, yet clear.

A minor character is often named only in someone else's mouth ("Now, Ben,") or once in
the narration ("the Duchess of Harley") and then called by a role ("said the guard",
"cried the duchess"). These rules keep such names, each on evidence the text gives.
"""

from __future__ import annotations

import re
from collections import defaultdict

from characters.extract.given_names_en import FEMALE, MALE
from characters.extract.lexicon import EN_SAY
from characters.extract.model import Entity, Evidence
from characters.extract.names_en import NameStats
from characters.extract.quotes import Quote


def addressed_names(
    text: str, quotes: list[Quote], stats: NameStats, kept: dict[str, int]
) -> dict[str, int]:
    """ "Anything new up in town, Ben?" … "Not a word," replied the guard: a given name (or
    a word the book never writes in lower case) said only to someone whom the narration
    calls by a role is that unnamed person's name, however rarely the book says it. A name
    said to a named person is more often that person's given name ("Marian" to Mrs.
    Honeychurch) and is left out."""
    return {
        name: stats.count[name]
        for name, said_in in stats.spoken_to.items()
        if name not in kept
        and (name in MALE | FEMALE or not stats.lower[name])  # "Thornton", never "thornton"
        and all(_answered_by_a_role(text, quotes, i) for i in said_in)
    }


_ROLE_TAG_AFTER = re.compile(rf"[,.!?]?[\"”’']?\s*(?:{'|'.join(EN_SAY)})\s+(?:the|a|this)\s+[a-z]")
_ROLE_TAG_BEFORE = re.compile(
    rf"\b(?:[Tt]he|[Aa]|[Tt]his)\s+(?:[a-z-]+\s+){{0,2}}(?:{'|'.join(EN_SAY)})\b[^\"“]*$"
)


def _answered_by_a_role(text: str, quotes: list[Quote], i: int) -> bool:
    answer = next((q for q in quotes[i + 1 :] if q.para != quotes[i].para), None)
    if answer is None:
        return False
    after = text[answer.end : answer.end + 60]
    line_start = text.rfind("\n", max(0, answer.start - 80), answer.start) + 1
    before = text[max(line_start, answer.start - 80) : answer.start]
    return bool(_ROLE_TAG_AFTER.match(after) or _ROLE_TAG_BEFORE.search(before))


_SEAT = re.compile(
    r"\b(Duke|Duchess|Earl|Count|Countess|Marquis|Marquess|Marchioness|Baron|Baroness|"
    r"Prince|Princess|Bishop|Archbishop|Archdeacon|Dean|King|Queen)\s+of\s+"
    r"((?:[A-Z][a-z]+\s)?[A-Z][a-z]+)\b"
)


def seated_titles(text: str, entities: list[Entity]) -> list[Entity]:
    """ "Opposite was the Duchess of Harley", and then "cried the duchess" a dozen times:
    a title held of one place only in the whole book names whoever the book calls by the
    bare title, "the duchess"."""
    seats: dict[str, set[str]] = defaultdict(set)
    for m in _SEAT.finditer(text):
        seats[m.group(1).lower()].add(" ".join(m.group(2).split()))
    for ent in entities:
        words = ent.aliases[0].lower().split()
        if len(words) == 2 and words[0] == "the" and len(seats.get(words[1], ())) == 1:
            seat = f"{words[1].capitalize()} of {next(iter(seats[words[1]]))}"
            ent.aliases.append(seat)
            ent.evidence.append(Evidence(seat, f"the only {words[1]} the book names"))
    return entities
