"""The English roster: name candidates from the text, grouped into people."""

from __future__ import annotations

from collections import defaultdict

from characters.extract.aliases_en import TITLED_RATIO, cluster_english
from characters.extract.model import Entity, Evidence
from characters.extract.names_en import collect_names, person_names, split_title, title_gender
from characters.extract.quotes import Quote
from characters.extract.scene import assign_genders


def build_roster_en(text: str, quotes: list[Quote], min_count: int | None = None) -> list[Entity]:
    stats = collect_names(text, [(q.start, q.end) for q in quotes])
    if min_count is None:
        min_count = 1 if len(text) < 50_000 else 2  # a short story names people rarely
    entities = cluster_english(person_names(stats, min_count))
    assign_genders(text, entities, "en")
    return _join_titled_surnames(entities)


# Mrs. and Lady: the full name is as often her daughter's (Mrs. Hilbery, Katharine Hilbery)
_JOINABLE = ("Mr", "Miss")


def _join_titled_surnames(entities: list[Entity]) -> list[Entity]:
    """ "Miss Woodhouse" is "Emma Woodhouse" when Emma is the book's only full name with
    that surname and the pronouns make her a woman: the title's sex settles the family
    question name clustering alone had to leave open (Mr. Woodhouse is her father)."""
    by_surname: dict[str, list[Entity]] = defaultdict(list)
    for ent in entities:
        for alias in ent.aliases:
            title, words = split_title(alias)
            if not title and len(words) >= 2:
                by_surname[words[-1]].append(ent)
    gone: set[str] = set()
    for ent in entities:
        forms = [split_title(a) for a in ent.aliases]
        titled = [(t, w) for t, w in forms if t.rstrip(".") in _JOINABLE and len(w) == 1]
        if not titled or len(ent.aliases) > 3:
            continue
        title, words = titled[0]
        if any(w != words for _, w in forms):
            continue  # only "Mr. X", "Mr X" and a bare "X"
        sex = title_gender(title)
        homes = {h.id: h for h in by_surname.get(words[0], []) if h is not ent}
        if not sex or len(homes) != 1:
            continue
        home = next(iter(homes.values()))
        if home.gender != sex or home.id in gone or ent.mentions > TITLED_RATIO * home.mentions:
            continue  # Mr. Knightley next to a rarer John Knightley: his brother
        home.aliases += [a for a in ent.aliases if a not in home.aliases]
        home.evidence.append(Evidence(ent.aliases[0], f"the only {sex} full name with {words[0]}"))
        home.mentions += ent.mentions
        gone.add(ent.id)
    return [e for e in entities if e.id not in gone]
