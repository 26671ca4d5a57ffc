"""Grouping English name forms into people: full names, first names, surnames, titles.

Merges only where the text leaves one reading: "Emma" joins "Emma Woodhouse" when
no other full name starts with Emma; "Mr. Elton" joins "Philip Elton" when he is
the only Elton; a bare surname goes to the "Mr." form when there is one (the
convention of the period) and stays alone when the family is ambiguous. Miss and
Mrs. never merge with each other: they are usually mother and daughter.
"""

from __future__ import annotations

from collections import defaultdict

from characters.extract.given_names_en import FEMALE
from characters.extract.model import Entity, Evidence
from characters.extract.names_en import split_title, title_gender
from characters.extract.nicknames_en import join_pet_names

Groups = dict[str, list[tuple[str, str]]]
# "Mr. Knightley" used 10x more than "(Mr.) John Knightley": probably his brother George
TITLED_RATIO = 3  # seed -> [(alias, rule)]


def cluster_english(counts: dict[str, int]) -> list[Entity]:
    """People from name counts; each entity lists every form with the rule that merged it."""
    names, variants = _fold_variants(counts)
    groups: Groups = {}
    by_first: dict[str, list[str]] = defaultdict(list)
    by_last: dict[str, list[str]] = defaultdict(list)
    _full_names(names, groups, by_first, by_last)
    _longer_full_names(groups, by_first, by_last)
    _titled_surnames(names, groups, by_last)
    _the_roles(names, groups)
    singles = [n for n in names if not split_title(n)[0] and len(split_title(n)[1]) == 1]
    for name in sorted(singles, key=lambda n: -names[n]):
        target, rule = _single_home(name, names, groups, by_first, by_last)
        if target is None:
            groups.setdefault(name, [])
        else:
            groups[target].append((name, rule))
    _article_forms(groups)
    join_pet_names(groups, names)
    for seed, members in groups.items():
        forms = [seed] + [a for a, _ in members]
        members.extend((v, "same name, other spelling") for a in forms for v in variants.get(a, []))
    return _entities(groups, {**counts, **names})


def _full_names(
    names: dict[str, int],
    groups: Groups,
    by_first: dict[str, list[str]],
    by_last: dict[str, list[str]],
) -> None:
    for name in sorted(names, key=lambda n: -names[n]):
        title, words = split_title(name)
        if len(words) < 2:
            continue
        seed = " ".join(words)
        if seed not in groups:
            groups[seed] = []
            by_first[words[0]].append(seed)
            by_last[words[-1]].append(seed)
        if title and title.rstrip(".") != "Mrs":
            groups[seed].append((name, "title + full name"))
        elif title and words[0] in FEMALE:  # Mrs. Rachel Lynde is Rachel Lynde
            groups[seed].append((name, "Mrs. + her own given name"))
        elif title:  # Mrs. John Knightley is his wife
            groups.setdefault(name, [])


def _longer_full_names(
    groups: Groups, by_first: dict[str, list[str]], by_last: dict[str, list[str]]
) -> None:
    """ "Moody Spurgeon" is "Moody Spurgeon Macpherson" when only one longer name starts so."""
    for seed in [s for s in groups if len(s.split()) == 2]:
        longer = [s for s in groups if len(s.split()) > 2 and s.startswith(seed + " ")]
        if len(longer) != 1:
            continue
        members = groups.pop(seed)
        groups[longer[0]] += [(seed, "the start of the only longer full name"), *members]
        by_first[seed.split()[0]].remove(seed)
        by_last[seed.split()[-1]].remove(seed)


def _titled_surnames(names: dict[str, int], groups: Groups, by_last: dict[str, list[str]]) -> None:
    """ "Mr. Emerson" is often the father of "George Emerson": join a full name only when
    the text itself says "Mr. George Emerson", he is the only Emerson, and the full
    name is not a rarity next to the titled form."""
    titled_single = [n for n in names if split_title(n)[0] and len(split_title(n)[1]) <= 1]
    for name in sorted(titled_single, key=lambda n: -names[n]):
        title, words = split_title(name)
        seeds = by_last.get(words[0], []) if words else []
        said = [s for s in seeds if f"{title} {s}" in names]
        full_uses = sum(names.get(s, 0) + names.get(f"{title} {s}", 0) for s in said)
        married = title.rstrip(".") == "Mrs"  # Mrs. Newland Archer is his wife, not Mrs. Archer
        often = names[name] <= TITLED_RATIO * full_uses
        distinct = told_apart(title, said, names, names[name])  # Mr. George Emerson vs his father
        if len(said) == 1 and len(seeds) == 1 and often and not married and not distinct:
            groups[said[0]].append((name, f"the text names {title} {said[0]}"))
            continue
        home = _same_title_full_form(name, title, words, groups)
        own = None if home else _her_own_full_name(title, words, by_last, groups)
        if own is not None:
            groups[own].append((name, f"{title} is her own title; the only woman {words[0]}"))
            continue
        if home is not None and title.rstrip(".") in ("Mr", "Miss"):
            # Mr. Knightley next to a rare Mr. John Knightley: the brother, not the same man
            longer = names.get(home, 0) + sum(names.get(a, 0) for a, _ in groups[home])
            rare = names[name] <= TITLED_RATIO * longer
            home = home if rare and not told_apart(title, [home], names, names[name]) else None
        if home is not None:
            groups[home].append((name, f"the only {title} … {words[0]} with a longer name"))
        elif mister := _mister_of(title, words, seeds, groups):
            groups[mister].append((name, f"{title} {words[0]} is {mister} by his trade"))
        else:
            groups.setdefault(name, [])


def _mister_of(title: str, words: list[str], seeds: list[str], groups: Groups) -> str | None:
    """Doctor Losberne is Mr. Losberne: a man's job title before a surname nobody else of
    the book bears joins that surname's Mr. form."""
    if role_of(title) not in _ABBREVIATED_ROLES.values() or len(words) != 1 or seeds:
        return None
    return next((g for g in (f"Mr. {words[0]}", f"Mr {words[0]}") if g in groups), None)


def _same_title_full_form(name: str, title: str, words: list[str], groups: Groups) -> str | None:
    """Mrs. Mingott = Mrs. Manson Mingott and Sir William = Sir William Lucas, when unique:
    the same title with one more name, at the end (a married name) or the start."""
    if not words:
        return None
    found = {
        seed
        for seed, members in groups.items()
        for form in [seed, *(a for a, _ in members)]
        if split_title(form)[0] == title
        and len(split_title(form)[1]) >= 2
        and words[0] in (split_title(form)[1][-1], split_title(form)[1][0])
        and form != name
    }
    return found.pop() if len(found) == 1 else None


# Titles a woman bears in her own right, unlike Mrs. and Lady (Lady Lucas is Sir William's
# wife; Charlotte Lucas, her daughter): Madame Olenska is Ellen Olenska.
_OWN_TITLES = frozenset("Madame Mme Countess Baroness Duchess Princess Marquise".split())
_GIRLS = frozenset({"Miss", "Mlle", "Mademoiselle"})


def _her_own_full_name(
    title: str, words: list[str], by_last: dict[str, list[str]], groups: Groups
) -> str | None:
    """The only woman's full name with this surname, when no one calls her Miss."""
    if title.rstrip(".") not in _OWN_TITLES or len(words) != 1:
        return None
    women = [s for s in by_last.get(words[0], []) if s.split()[0] in FEMALE]
    if len(women) != 1:
        return None
    girl = any(split_title(a)[0].rstrip(".") in _GIRLS for a, _ in groups.get(women[0], []))
    return None if girl else women[0]


def _fold_variants(counts: dict[str, int]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """ "Mrs Beaver" and "Mrs. Beaver" are one form; the commoner spelling leads."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        by_key[name.replace(".", "")].append(name)
    names: dict[str, int] = {}
    variants: dict[str, list[str]] = {}
    for forms in by_key.values():
        forms.sort(key=lambda f: -counts[f])
        names[forms[0]] = sum(counts[f] for f in forms)
        if len(forms) > 1:
            variants[forms[0]] = forms[1:]
    return names, variants


def _the_roles(names: dict[str, int], groups: Groups) -> None:
    """ "the Professor" is Professor de Worms when he is the only Professor with a name."""
    for name in [n for n in names if n.startswith("the ")]:
        role = name.split()[-1]
        holders = {
            _group_holding(groups, n) or n
            for n in names
            if role_of(n.split()[0]) == role.lower() and len(n.split()) > 1 and n in _all(groups)
        }
        rule = f"the only {role} with a name"
        if len(holders) > 1:  # Dr. Bull (70) beside Dr. Renard (14): "the doctor" is Bull
            size = {h: sum(names.get(a, 0) for a in _forms(groups, h)) for h in holders}
            top = max(holders, key=lambda h: size[h])
            if size[top] >= _DOMINANT * (sum(size.values()) - size[top]):
                holders, rule = {top}, f"the {role} named five times as often as the others"
        if len(holders) == 1:
            target = holders.pop()
            groups.pop(name, None)
            groups[target].append((name, rule))


_DOMINANT = 5


def _forms(groups: Groups, seed: str) -> list[str]:
    return [seed] + [a for a, _ in groups.get(seed, [])]


# "the doctor" is Dr. Bull: the written-out role of an abbreviated title
_ABBREVIATED_ROLES = {
    "dr": "doctor", "prof": "professor", "col": "colonel", "capt": "captain",
    "gen": "general", "sgt": "sergeant", "rev": "reverend", "insp": "inspector",
}  # fmt: skip


def role_of(title: str) -> str:
    """The job a title names, abbreviations written out: "Dr." -> "doctor"."""
    bare = title.rstrip(".").lower()
    return _ABBREVIATED_ROLES.get(bare, bare)


def _all(groups: Groups) -> set[str]:
    return set(groups) | {a for members in groups.values() for a, _ in members}


def _single_home(
    word: str,
    names: dict[str, int],
    groups: Groups,
    by_first: dict[str, list[str]],
    by_last: dict[str, list[str]],
) -> tuple[str | None, str]:
    firsts = by_first.get(word, [])
    if len(firsts) == 1:
        return firsts[0], "first name of the only such full name"
    if len(firsts) > 1:
        top = max(firsts, key=lambda s: names.get(s, 0))
        if names.get(top, 0) >= 3 * sum(names.get(s, 0) for s in firsts if s != top):
            return top, "first name of the dominant full name"
        # John Beaver is "Beaver" to the narrator, so the bare "John" is the other John
        plain = [s for s in firsts if names.get(s.split()[-1], 0) < names[word]]
        if len(plain) == 1:
            return plain[0], "first name of the only such full name not called by surname"
        return None, ""
    mister = next((g for g in groups if g in (f"Mr. {word}", f"Mr {word}")), None)
    if mister is not None:
        return mister, "surname alone refers to the Mr. form"
    holder = _group_holding(groups, f"Mr. {word}")
    if holder is not None:
        return holder, "surname alone refers to the Mr. form"
    lasts = by_last.get(word, [])
    if len(lasts) == 1:
        return lasts[0], "surname of the only such full name"
    bare = split_title(word)[1]  # "De Griers" is "Monsieur de Griers"'s surname
    titled = [g for g in groups if split_title(g)[0] and split_title(g)[1] == bare]
    if len(titled) == 1 and not lasts:
        return titled[0], f"surname alone refers to {titled[0]}"
    return None, ""


def _article_forms(groups: Groups) -> None:
    """ "the Hatter" and a bare "Hatter" (at a sentence start, or "White Rabbit" beside "the
    Rabbit") are one person: a capitalised name is the same with and without its article."""
    for seed in [s for s in groups if s.startswith("the ") and len(s.split()) == 2]:
        bare = seed.split()[1]
        home = bare if bare in groups else _group_holding(groups, bare)
        if home is not None and home != seed and seed in groups:
            groups[home] += [(seed, "the same name after its article"), *groups.pop(seed)]


def _group_holding(groups: Groups, alias: str) -> str | None:
    for seed, members in groups.items():
        if any(a == alias for a, _ in members):
            return seed
    return None


def _entities(groups: Groups, names: dict[str, int]) -> list[Entity]:
    out: list[Entity] = []
    for seed, members in groups.items():
        aliases = [seed] + [a for a, _ in members if a != seed]
        total = sum(names.get(a, 0) for a in aliases)
        display = max(aliases, key=lambda a: (names.get(a, 0) >= total / 4, len(a.split())))
        gender = next((g for g in map(title_gender, aliases) if g), "")
        evidence = [Evidence(a, rule) for a, rule in members if a != seed]
        ordered = [display] + [a for a in aliases if a != display]
        out.append(Entity("", display, ordered, gender, mentions=total, evidence=evidence))  # type: ignore[arg-type]
    out.sort(key=lambda e: -e.mentions)
    for i, ent in enumerate(out):
        ent.id = f"e{i}"
    return out


# "Mr. John Knightley" this often: the title with the full name tells him from a namesake
TOLD_APART = 5
# ... and that much rarer than the short form: Mr. John Knightley 28 vs Mr. Knightley 295,
# Mr. George Emerson 5 vs his father's 77; Mr. Sillerton Jackson 19 vs Mr. Jackson 39 is
# one man whose author likes his full name.
TOLD_APART_RATIO = 4
# ... and is called by his given name alone at least once for every four full-name uses
GIVEN_SHARE = 4


def told_apart(title: str, full_names: list[str], counts: dict[str, int], short: int) -> bool:
    """Written again and again, yet less often than the short "Mr. Knightley" (``short``
    uses): the full form is the exception that marks another man. Written more often
    than the short form ("Mr. Frank Churchill"), it is simply how the book names him. And
    a man the book never calls by his given name alone is the short form's own formal name:
    "Mr. Sherlock Holmes" (11) beside "Mr. Holmes" (70), but never a bare "Sherlock"; Mr.
    Knightley's brother is "John" 29 times."""
    bare = title.rstrip(".")
    uses = given = full = 0
    for alias in full_names:
        t, words = split_title(alias)
        if not t and len(words) >= 2:
            uses += sum(counts.get(f"{form} {alias}", 0) for form in (bare, bare + "."))
            full += counts.get(alias, 0)
            given = max(given, counts.get(words[0], 0))
    known_by_given = given * GIVEN_SHARE >= uses + full
    return TOLD_APART <= uses and TOLD_APART_RATIO * uses < short and known_by_given
