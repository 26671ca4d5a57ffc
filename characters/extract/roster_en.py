"""The English roster: name candidates from the text, grouped into people."""

from __future__ import annotations

import re
from collections import defaultdict

from characters.extract.aliases_en import cluster_english, role_of, told_apart
from characters.extract.given_names_en import given_name_genders
from characters.extract.model import Entity, Evidence
from characters.extract.names_en import (
    NameStats,
    collect_names,
    person_names,
    split_title,
    title_gender,
)
from characters.extract.nicknames_en import is_pet_form
from characters.extract.quotes import Quote
from characters.extract.rare_names_en import addressed_names, seated_titles
from characters.extract.scene import assign_genders


def build_roster_en(text: str, quotes: list[Quote], min_count: int | None = None) -> list[Entity]:
    stats = collect_names(text, [(q.start, q.end) for q in quotes])
    if min_count is None:
        min_count = 1 if len(text) < 50_000 else 2  # a short story names people rarely
    counts = person_names(stats, min_count)
    counts.update(_bridging_full_names(stats, counts))
    counts.update(_bridging_job_titles(stats, counts))
    counts.update(addressed_names(text, quotes, stats, counts))
    entities = cluster_english(counts)
    assign_genders(text, entities, "en")
    given_name_genders(entities)
    entities = _join_pet_full_names(entities)
    entities = _join_titled_given_names(_join_titled_surnames(entities, counts))
    return seated_titles(text, _join_appositive_roles(text, entities))


_APPOSITION = re.compile(
    r"((?:[A-Z][\w'’.-]*\s)*[A-Z][\w'’-]+),\s+the\s+(?:[a-z-]+\s+)?([a-z-]+)\b"
)


def _join_appositive_roles(text: str, entities: list[Entity]) -> list[Entity]:
    """ "Mr. Bumble, the beadle": a job the book also uses as a speaker's name is the
    named person's when every such apposition names the same one."""
    roles = {
        e.aliases[0].split()[-1]: e
        for e in entities
        if e.aliases[0].startswith("the ") and len(e.aliases[0].split()) == 2
    }
    if not roles:
        return entities
    owner = {a: e for e in entities if e.kind == "person" for a in e.aliases if a[0].isupper()}
    seen: dict[str, set[str]] = defaultdict(set)
    for m in _APPOSITION.finditer(text):
        if text[max(0, m.start() - 2) : m.start()] in (", ", ",\n"):
            continue  # "Mr. Brittles, Mr. Giles, the tinker": a list, not an apposition
        role = roles.get(m.group(2))
        words = m.group(1).split()
        tails = (" ".join(words[i:]) for i in range(len(words)))  # "At noon Mr. Pike"
        named = next((owner[t] for t in tails if t in owner), None)
        if role is not None and named is not None and named is not role:
            seen[role.id].add(named.id)
    by_id = {e.id: e for e in entities}
    gone: set[str] = set()
    for role_id, named_ids in seen.items():
        if len(named_ids) == 1:
            home = by_id[next(iter(named_ids))]
            _absorb(home, by_id[role_id], f"{home.name}, {by_id[role_id].name}", gone)
    return [e for e in entities if e.id not in gone]


def _bridging_full_names(stats: NameStats, kept: dict[str, int]) -> dict[str, int]:
    """ "Lucy Honeychurch" written once is rare, but it is what ties "Lucy" to "Miss
    Honeychurch": a two-word name is kept, however rare, when both its words are names
    the book uses on their own (the first alone, the surname alone or with a title)."""
    out: dict[str, int] = {}
    used = {word for name in kept for word in name.split()}
    for name, n in stats.count.items():
        title, words = split_title(name)
        if title == "Miss" and len(words) == 2 and f"Miss {words[1]}" in kept:
            # "Miss Lucilla Harris" once gives "Miss Harris" her given name, unless the
            # name is someone's already ("Miss Helen Schlegel" beside her sister Miss Schlegel)
            if words[0] not in used:
                out[name] = n
            continue
        if title or len(words) != 2 or name in kept or words[0] not in kept:
            continue
        first, last = words
        if _surname_in_use(first, kept):
            continue  # "Weston Churchill": a surname before a surname, not a first name
        if last in kept or _surname_in_use(last, kept):
            out[name] = n
    return out


# titles that are also what the book calls the person: "Doctor Losberne" -> "the doctor"
_JOB_TITLES = frozenset(
    "Doctor Dr Dr. Professor Captain Colonel Major General Inspector Sergeant Judge Squire "
    "Reverend Rev Rev.".split()
)


def _bridging_job_titles(stats: NameStats, kept: dict[str, int]) -> dict[str, int]:
    """ "Doctor Losberne" written once is what makes "said the doctor" (70 times) Mr.
    Losberne: a job title before a surname the book uses is kept, however rare, when the
    book also calls someone "the <job>"."""
    out: dict[str, int] = {}
    for name, n in stats.count.items():
        title, words = split_title(name)
        if name in kept or title not in _JOB_TITLES or len(words) != 1:
            continue
        role = "the " + role_of(title)
        if role in kept and _surname_in_use(words[0], kept):
            out[name] = n
    return out


def _surname_in_use(word: str, kept: dict[str, int]) -> bool:
    return any(f"{t} {word}" in kept for t in ("Mr.", "Mr", "Mrs.", "Mrs", "Miss"))


# Mrs. and Lady: the full name is as often her daughter's (Mrs. Hilbery, Katharine Hilbery)
_JOINABLE = ("Mr", "Miss")


def _full_names_by_surname(entities: list[Entity]) -> dict[str, list[tuple[Entity, str]]]:
    """Surname -> (person, given name) for every untitled full name the roster has."""
    out: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
    for ent in entities:
        for alias in ent.aliases:
            title, words = split_title(alias)
            if not title and len(words) >= 2 and (ent, words[0]) not in out[words[-1]]:
                out[words[-1]].append((ent, words[0]))
    return out


def _join_pet_full_names(entities: list[Entity]) -> list[Entity]:
    """ "Charley Bates" and "Charles Bates" are one boy: two full names with one surname
    whose given names are a pet form and its name, of compatible sex, and nobody else of
    that surname called by either."""
    gone: set[str] = set()
    for family in _full_names_by_surname(entities).values():
        for ent, short in family:
            for home, name in family:
                if home is ent or not is_pet_form(short, name) or {ent.id, home.id} & gone:
                    continue
                if home.gender and ent.gender and home.gender != ent.gender:
                    continue
                others = {e.id for e, given in family if given in (short, name)}
                if others != {ent.id, home.id}:
                    continue
                big, small = (home, ent) if home.mentions >= ent.mentions else (ent, home)
                _absorb(big, small, f"{short} is a pet form of {name}, same surname", gone)
    return [e for e in entities if e.id not in gone]


def _join_titled_surnames(entities: list[Entity], counts: dict[str, int]) -> list[Entity]:
    """ "Miss Woodhouse" is "Emma Woodhouse" when Emma is the book's only woman's full name
    with that surname: the title's sex settles the family question name clustering alone
    had to leave open (Mr. Woodhouse is her father). An author who keeps writing
    "Mr. John Knightley" in full does it to tell him from another Mr. Knightley."""
    by_surname = {
        surname: [ent for ent, _ in family]
        for surname, family in _full_names_by_surname(entities).items()
        if not _family(surname, counts)
    }
    gone: set[str] = set()
    for ent in entities:
        titled = _titled_surname(ent)
        if titled is None:
            continue
        title, words = titled
        sex = title_gender(title)
        homes = {h.id: h for h in by_surname.get(words[0], []) if h is not ent}
        homes = {i: h for i, h in homes.items() if h.gender in (sex, "")}  # pronouns may not tell
        if len(homes) > 1:  # Newland Archer beside an Adeline Archer of unknown sex
            homes = {i: h for i, h in homes.items() if h.gender == sex}
        if len(homes) > 1 and title.rstrip(".") == "Miss":
            homes = _the_daughter(homes)
        if not sex or len(homes) != 1:
            continue
        home = next(iter(homes.values()))
        if home.id in gone or told_apart(title, home.aliases, counts, ent.mentions):
            continue
        home.gender = sex  # type: ignore[assignment]
        _absorb(home, ent, f"the only {sex} full name with {words[0]}", gone)
    return [e for e in entities if e.id not in gone]


_DAUGHTER_RATIO = 5


def _the_daughter(homes: dict[str, Entity]) -> dict[str, Entity]:
    """Miss Welland beside May Welland (175 mentions) and her mother's rarely written
    Augusta Welland (3): the heroine's full name is the one a reader hears as "Miss"."""
    return {h.id: h for h in _far_more_named(list(homes.values()))}


def _absorb(home: Entity, ent: Entity, rule: str, gone: set[str]) -> None:
    """``ent`` is ``home`` under other names: its names, mentions and the evidence go over."""
    home.aliases += [a for a in ent.aliases if a not in home.aliases]
    home.evidence.append(Evidence(ent.aliases[0], rule))
    home.mentions += ent.mentions
    gone.add(ent.id)


def _titled_surname(ent: Entity) -> tuple[str, list[str]] | None:
    """The title and surname of an entity that is only "Mr. X", "Mr X" and a bare "X"
    (or "Miss X"); a bare "Lefferts" alone counts as "Mr.": the narrator's way with men."""
    forms = [split_title(a) for a in ent.aliases]
    titled = [(t, w) for t, w in forms if t.rstrip(".") in _JOINABLE and len(w) == 1]
    if not titled and len(forms) == 1 and len(forms[0][1]) == 1 and not forms[0][0]:
        titled = [("Mr.", forms[0][1])]
    if not titled or len(ent.aliases) > 3 or any(w != titled[0][1] for _, w in forms):
        return None
    return titled[0]


def _family(word: str, counts: dict[str, int]) -> bool:
    """ "the Newland Archers": a plural surname names a household, not a person."""
    return word.endswith("s") and any(n.split()[-1] == word[:-1] for n in counts)


# Titles that go with a surname; the others also go with a given name (Lady Brenda)
_SURNAME_TITLES = frozenset("Mr Mrs Ms Mister Dr Doctor Professor Rev Reverend Inspector".split())


def _join_titled_given_names(entities: list[Entity]) -> list[Entity]:
    """ "Lady Brenda", "Mlle. Blanche", "Miss Rose": a title before a word that is some
    character's given name and nobody's surname joins the only such character of a
    compatible sex."""
    firsts: dict[str, list[Entity]] = defaultdict(list)
    surnames: set[str] = set()
    for ent in entities:
        for alias in ent.aliases:
            title, words = split_title(alias)
            if len(words) >= 2 and not title:
                surnames.add(words[-1])
            if title and len(words) == 1 and title.rstrip(".") in _SURNAME_TITLES:
                surnames.add(words[0])
            if not title and words and ent not in firsts[words[0]]:
                firsts[words[0]].append(ent)
    gone: set[str] = set()
    for ent in entities:
        forms = {(t.rstrip("."), " ".join(w)) for t, w in map(split_title, ent.aliases)}
        if len(forms) != 1:
            continue
        title, word = next(iter(forms))
        words = word.split()
        if not title or title in _SURNAME_TITLES or len(words) != 1 or words[0] in surnames:
            continue
        sex = title_gender(title)
        homes = [h for h in firsts.get(words[0], []) if h is not ent and h.gender in (sex, "")]
        homes = _far_more_named(homes)
        if len(homes) != 1 or homes[0].id in gone:
            continue
        _absorb(homes[0], ent, f"{title} with the given name {words[0]}", gone)
    return [e for e in entities if e.id not in gone]


def _far_more_named(homes: list[Entity]) -> list[Entity]:
    """Blanche de Cominges (34 mentions) beside a Blanche du Placet (2): the first."""
    if len(homes) < 2:
        return homes
    top = max(homes, key=lambda h: h.mentions)
    rest = sum(h.mentions for h in homes if h is not top)
    return [top] if top.mentions >= _DAUGHTER_RATIO * rest else homes
