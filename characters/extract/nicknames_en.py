"""English pet names: "Lizzy" is Elizabeth, "Kit" is Kitty, "Skaggsy" is Skaggs.

A first name used alone that no full name explains is often a pet form of a name the
book also uses: a clipping ("Gil" of Gilbert, "Eliza" of Elizabeth), a diminutive
ending ("Freddy", "Skaggsy") or one of the traditional English hypocorisms that no
string rule finds ("Harry" for Henry, "Meg" for Margaret). It joins that person only
when one cluster has the longer name, or dominates the others that have it, as the
first-name rules of ``aliases_en`` do.
"""

from __future__ import annotations

from collections import defaultdict

from characters.extract.names_en import split_title

Groups = dict[str, list[tuple[str, str]]]

# Traditional English pet forms that are not clippings of the name (the ones that are,
# such as Will or Kate, the clipping rule finds). Kitty and Nancy are left out: as often
# given names of their own as pet forms, next to a Lady Catherine or an Anne.
HYPOCORISMS: dict[str, tuple[str, ...]] = {
    "Harry": ("Henry",), "Hal": ("Henry",), "Jim": ("James",), "Jimmy": ("James",),
    "Jack": ("John",), "Johnny": ("John",), "Bill": ("William",), "Billy": ("William",),
    "Bob": ("Robert",), "Bobby": ("Robert",), "Dick": ("Richard",), "Ned": ("Edward",),
    "Ted": ("Edward",), "Teddy": ("Edward",), "Charley": ("Charles",), "Charlie": ("Charles",),
    "Fanny": ("Frances",), "Meg": ("Margaret",), "Maggie": ("Margaret",),
    "Peggy": ("Margaret",), "Lizzy": ("Elizabeth",), "Lizzie": ("Elizabeth",),
    "Bess": ("Elizabeth",), "Bessie": ("Elizabeth",), "Betsy": ("Elizabeth",),
    "Betty": ("Elizabeth",), "Polly": ("Mary",), "Molly": ("Mary",), "Sally": ("Sarah",),
    "Nelly": ("Eleanor", "Ellen", "Helen"), "Nell": ("Eleanor", "Ellen", "Helen"),
    "Patty": ("Martha",), "Sukey": ("Susan",), "Tony": ("Anthony",),
    "Frank": ("Francis",), "Tom": ("Thomas",), "Tommy": ("Thomas",), "Joe": ("Joseph",),
    "Joey": ("Joseph",), "Kate": ("Katherine", "Katharine", "Catherine"),
    "Katie": ("Katherine", "Katharine", "Catherine"), "Dolly": ("Dorothy",),
    "Sandy": ("Alexander",), "Nan": ("Anne", "Ann"), "Nance": ("Nancy", "Anne", "Ann"),
}  # fmt: skip
_ENDINGS = ("y", "ie", "ey", "sy")  # Freddy, Annie, Skaggsy
_MIN_CLIP = 3  # "Gil" of Gilbert; "Al" or "Jo" could be anyone


def is_pet_form(short: str, name: str, first_of_full_name: bool = True) -> bool:
    """``short`` is a pet form of ``name`` (both single words). Clippings only count
    against the first name of a full name: "Imperial" is no pet form of Imperialism."""
    if short == name:
        return False
    if name in HYPOCORISMS.get(short, ()) or any(short == name + e for e in _ENDINGS):
        return True
    if not first_of_full_name or any(name == short + e for e in _ENDINGS):
        return False  # "John" is not a pet form of "Johnny"
    return len(short) >= _MIN_CLIP and name.startswith(short) and len(name) - len(short) >= 2


def join_pet_names(groups: Groups, names: dict[str, int]) -> None:
    """Move each lone first name that is a pet form of one cluster's name into it."""
    given = _given_names(groups)
    lonely = {seed: word for seed, members in groups.items() if (word := _one_word(seed, members))}
    for seed in sorted(lonely, key=lambda n: -names.get(n, 0)):
        short = lonely[seed]
        homes = {
            s
            for (name, full), seeds in given.items()
            if is_pet_form(short, name, full)
            for s in seeds
        }
        homes.discard(seed)
        home = _dominant(homes, groups, names)
        if home is None or seed not in groups or home not in groups:
            continue  # (or already moved into another cluster itself)
        moved = [(seed, "pet form of a name of the only such person"), *groups.pop(seed)]
        groups[home].extend(moved)


def _dominant(homes: set[str], groups: Groups, names: dict[str, int]) -> str | None:
    """The only cluster, or one used three times as much as the rest ("Miss Elizabeth"
    left apart from "Elizabeth Bennet" does not make "Lizzy" ambiguous)."""
    size = {h: names.get(h, 0) + sum(names.get(a, 0) for a, _ in groups.get(h, [])) for h in homes}
    if not size:
        return None
    top = max(size, key=lambda h: size[h])
    return top if size[top] >= 3 * (sum(size.values()) - size[top]) else None


def _one_word(seed: str, members: list[tuple[str, str]]) -> str:
    """ "Lizzy" (with "Miss Lizzy"): a cluster that is one given name and nothing more."""
    words = {" ".join(split_title(form)[1]) for form in [seed, *(a for a, _ in members)]}
    titles = {split_title(form)[0].rstrip(".") for form in [seed, *(a for a, _ in members)]}
    word = words.pop() if len(words) == 1 else ""
    plain = titles <= {"", "Miss", "Master"} and " " not in word
    return word if plain and word else ""


def _given_names(groups: Groups) -> dict[tuple[str, bool], set[str]]:
    """(name, is the first name of a full name) -> the clusters called by it: first names
    of full names, "Lord Henry", and one-word forms (maybe a surname: Skaggsy, Skaggs)."""
    given: dict[tuple[str, bool], set[str]] = defaultdict(set)
    for seed, members in groups.items():
        for form in [seed, *(a for a, _ in members)]:
            title, words = split_title(form)
            if not words:
                continue
            if not title or (len(words) == 1 and title.rstrip(".") not in ("Mr", "Mrs", "Ms")):
                given[(words[0], len(words) >= 2)].add(seed)
    return given
