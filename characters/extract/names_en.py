"""English name candidates: capitalised word runs, honorifics, and who says things.

A capitalised word counts as a name only where capitals carry information: not
at a sentence start, and not when the same word is common in lower case. Title
forms (Mr., Lady, the General) and subjects of speech verbs are strong evidence
that a candidate is a person rather than a place or a day of the week.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from characters.extract.lexicon import EN_FEMALE_TITLES, EN_MALE_TITLES, EN_NOT_NAMES, EN_SAY

_TITLES = sorted(EN_MALE_TITLES | EN_FEMALE_TITLES, key=len, reverse=True)
_TITLE_RE = "|".join(re.escape(t) for t in _TITLES)
_WORD = r"(?:O['’]|Mc|Mac)?[A-Z][a-zà-ÿ]+(?:-[A-Z]?[a-zà-ÿ]+)?"
_ALL_TITLES = EN_MALE_TITLES | EN_FEMALE_TITLES
# "at Hartfield", "to the Grange": where one goes or stays is a place
_PLACE_BEFORE = re.compile(
    r"\b(?:at|in|to|from|near|into|towards|through|round|leave|reach)\s+(?:the\s+)?$"
)
_PARTICLE = r"(?:de|De|von|van|van der|der|du|le|La|la|di|da|St\.)\s+"
_CANDIDATE = re.compile(
    rf"\b(?:(?P<title>(?:{_TITLE_RE})\.?)\s+)?"
    rf"(?P<name>(?:{_PARTICLE})?{_WORD}(?:\s+(?:{_PARTICLE})?{_WORD}){{0,2}})"
)
# "said the Secretary", "the old Colonel", "cried nanny": people named by their role.
_THE_ROLE = re.compile(r"\b[Tt]he\s+((?:[A-Z][a-z]+\s+)?[A-Z][a-z]+)\b(?!\s+[A-Z])")
_SAY_ROLE = re.compile(
    rf"\b(?:{'|'.join(EN_SAY)})\s+(the\s+(?:[a-z]+(?:-[a-z]+)?\s+)?[a-z]+"
    r"(?:\s+(?:in|with)\s+the\s+(?:[a-z]+\s+)?[a-z]+)?\b"
    r"(?=[,.;!?:]|\s+(?:to|at|from|as|in|with)\s|\s+(?:[a-z]+ly|somewhat|rather|very)\b)"
    r"|[a-z]+\b(?=[,.;!?]))"
)
_DEGREE = frozenset({"somewhat", "rather", "very"})
# "said the crowd", "said the two women": many voices, nobody's name
_GROUP = re.compile(
    r"(?<!s)s$|\b(?:two|three|four|both|all|several|many|some)\b|"
    r"\b(?:men|women|children|people|folk|crowd|company|party|family|group|mob|others|board|"
    r"committee|council|jury|court|audience)$"
)
_QUOTE_END = re.compile(r"[\"”’'][ \t]*$")
# "the maid said at once:": the same role as the subject of a speech verb
_ROLE_SAYS = re.compile(rf"\b[Tt]he\s+([a-z]+(?:-[a-z]+)?)\s+(?:{'|'.join(EN_SAY)})\b")
_ABBREVIATED = frozenset("Mr Mrs Ms Dr St Rev M Mme Mlle".split())
_SAY_AFTER = re.compile(rf"\s*(?:{'|'.join(EN_SAY)})\b")
_SAY_BEFORE = re.compile(rf"\b(?:{'|'.join(EN_SAY)})\s*$")


# "Come and sit down, William." / "And, my dear Jane, I…" / "Mr. Beebe!": a name set off
# by punctuation is someone spoken to; "Mrs. Long said so too" only speaks of her
_BEFORE_VOCATIVE = re.compile(
    r"(?:^|[,.!?;:—-]|\b(?:[Mm]y\s+(?:dear(?:est)?|good|poor)|[Dd]ear(?:est)?|[Oo]h|O|[Aa]h|"
    r"[Yy]es|[Nn]o|[Ww]ell|[Tt]hank\s+you|[Gg]ood\s+(?:morning|night|evening|bye))\s*,?)\s*$"
)
_AFTER_VOCATIVE = re.compile(r"\s*(?:[,.!?;:—-]|$)")


def spoken_to(text: str, q_start: int, q_end: int, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]``, inside the quote ``text[q_start:q_end]``,
    is someone spoken to."""
    before = text[max(q_start, start - 24) : start]
    return bool(_BEFORE_VOCATIVE.search(before) and _AFTER_VOCATIVE.match(text[end:q_end]))


@dataclass(slots=True)
class NameStats:
    """Counts over the whole text; what clustering and person detection decide from."""

    count: Counter[str] = field(default_factory=Counter)
    titled: Counter[str] = field(default_factory=Counter)  # "Mr. Elton" -> 3
    speaker: Counter[str] = field(default_factory=Counter)  # subject of a speech verb
    sentence_start: Counter[str] = field(default_factory=Counter)
    place: Counter[str] = field(default_factory=Counter)  # "at Hartfield", "to London"
    after_the: Counter[str] = field(default_factory=Counter)  # "the Lintons"
    lower: Counter[str] = field(default_factory=Counter)  # "rose" for "Rose"
    # "Now, Ben," inside a quote: the indexes of the quotes that speak to the name
    spoken_to: dict[str, list[int]] = field(default_factory=dict)


def collect_names(text: str, quote_spans: list[tuple[int, int]]) -> NameStats:
    """Name-like capitalised runs with their counts (quotes included: vocatives count)."""
    stats = NameStats()
    lower = Counter(w for w in re.findall(r"\b[a-z][a-z'’]+\b", text))
    starts = [s for s, _ in quote_spans]
    for m in _CANDIDATE.finditer(text):
        title, words = m.group("title"), m.group("name").split()
        at_start = _sentence_start(text, m.start())
        # "But Emma", "Poor Harriet": a capitalised common word opening a sentence
        while words and not title and _common(words[0], at_start, lower):
            if words[0] in _ALSO_GIVEN and (
                len(words) > 1 or _named_here(text, m.start(), words[0], at_start)
            ):
                break  # "May Welland", "said May"
            words.pop(0)
            at_start = False
        if not words or words[0].rstrip(".") in _ALL_TITLES:
            continue
        if words[-1] in EN_NOT_NAMES and not (len(words) == 1 and words[0] in _ALSO_GIVEN):
            continue
        key = f"{title} {' '.join(words)}" if title else " ".join(words)
        if not title and len(words) == 1:
            stats.lower[key] = lower[words[0].lower()]
            i = bisect.bisect_right(starts, m.start()) - 1
            q_start, q_end = quote_spans[i] if i >= 0 else (0, 0)
            if m.end() <= q_end and spoken_to(text, q_start, q_end, m.end() - len(key), m.end()):
                stats.spoken_to.setdefault(key, []).append(i)
        _count(stats, key, text, m.start(), m.end(), bool(title), at_start)
    _roles(text, stats, lower)
    return stats


# Given names that are also months or modal verbs: "May Welland", "said May", "Will's"
_ALSO_GIVEN = frozenset({"May", "June", "April", "Will"})
_SAY_ANY = re.compile(rf"\s+(?:{'|'.join(EN_SAY)})\b")


def _named_here(text: str, start: int, word: str, at_start: bool) -> bool:
    """ "May" names a person where a month or "may" cannot stand: before "'s" or next to
    a speech verb; "Will" also in mid-sentence, where the verb is never capitalised."""
    end = start + len(word)
    if text[end : end + 2] in ("'s", "’s") or _SAY_ANY.match(text, end):
        return True
    if _SAY_BEFORE.search(text, max(0, start - 20), start):
        return True
    return word == "Will" and not at_start


def _common(word: str, at_start: bool, lower: Counter[str]) -> bool:
    return word in EN_NOT_NAMES or (at_start and lower[word.lower()] > 2)


def _count(
    stats: NameStats, key: str, text: str, start: int, end: int, titled: bool, at_start: bool
) -> None:
    stats.count[key] += 1
    if titled:
        stats.titled[key] += 1
    if at_start:
        stats.sentence_start[key] += 1
    if _SAY_AFTER.match(text, end) or _SAY_BEFORE.search(text, max(0, start - 20), start):
        stats.speaker[key] += 1
    if _PLACE_BEFORE.search(text, max(0, start - 12), start):
        stats.place[key] += 1
    if text[max(0, start - 4) : start].lower() == "the ":
        stats.after_the[key] += 1


def _noun(text: str, word: str, cache: dict[str, bool]) -> bool:
    if word not in cache:
        uses = re.findall(rf"\b(?:the|a|an|my|our|your|his|their)\s+{re.escape(word)}\b", text)
        named = re.findall(rf"\b{re.escape(word.capitalize())}\b", text)  # "Nanny"
        cache[word] = len(uses) + len(named) >= 2
    return cache[word]


def _roles(text: str, stats: NameStats, lower: Counter[str]) -> None:
    the_role: Counter[str] = Counter()
    the_says: Counter[str] = Counter()
    the_word: Counter[str] = Counter()
    the_word_says: Counter[str] = Counter()
    for m in _THE_ROLE.finditer(text):
        words = m.group(1).split()
        known_title = words[-1] in _ALL_TITLES
        abbreviated = words[-1] in _ABBREVIATED  # "the Mr. Knightley" is no role
        if words[-1] in EN_NOT_NAMES or abbreviated:
            continue
        says = _SAY_AFTER.match(text, m.end()) or _SAY_BEFORE.search(
            text, m.start() - 20, m.start()
        )
        if lower[words[-1].lower()] == 0 and not known_title:
            # "the Thames" is a place, but "said the Jew": an epithet used as a name
            if len(words) == 1:
                the_word["the " + words[0]] += 1
                the_word_says["the " + words[0]] += bool(says)
            continue
        the_role["the " + words[-1]] += 1
        the_says["the " + words[-1]] += bool(says)
    _epithets(stats, the_word, the_word_says)
    for key, n in the_role.items():
        # "the Crown", "the Lake": capitalised nouns that never speak are places or things
        if (n >= 3 and the_says[key]) or (key.split()[-1] in _ALL_TITLES and n >= 1):
            stats.count[key] += n
            stats.titled[key] += n
    _job_roles(text, stats)


def _job_roles(text: str, stats: NameStats) -> None:
    """ "said the croupier" again and again: a minor character known only by a job.
    Family words and man/lady describe named people and are resolved like pronouns."""
    nouns: dict[str, bool] = {}
    tags = list(_SAY_ROLE.finditer(text))
    said = [m.group(1) for m in tags]
    # right after a quote ('…," said the vicar'): "answered the letter" is no speaker
    tagged = {m.group(1) for m in tags if _QUOTE_END.search(text, m.start() - 4, m.start())}
    said += ["the " + m.group(1) for m in _ROLE_SAYS.finditer(text)]
    for found in said:
        words = found.split()  # hard-wrapped lines
        if len(words) == 3 and words[-1] in _DEGREE:  # "the valet somewhat (affably)"
            words.pop()
        phrase = " ".join(words)
        # "the man" is resolved like a pronoun; "the hump-backed man" and "the gentleman
        # in the white waistcoat" are how a book names someone it never names
        marked = len(words) > 2 and ("-" in phrase or bool({"in", "with"} & set(words)))
        if words[-1].endswith("ly") or (words[-1] in _NOT_ROLES | _DESCRIPTIONS and not marked):
            continue
        if " " not in phrase and not _noun(text, phrase, nouns):
            continue  # "said softly", "spoke of": a bare word must be used as a noun
        stats.count[phrase] += 1
        stats.speaker[phrase] += 1
    _named_again(text, {" ".join(p.split()) for p in tagged}, stats)


def _named_again(text: str, tagged: set[str], stats: NameStats) -> None:
    """ "said the vicar" once and "the vicar" six times more: a minor character, not a
    passer-by. One pass over the text counts every such role."""
    once = [
        p[4:]
        for p in tagged
        if p.startswith("the ") and stats.speaker[p] == 1 and not _GROUP.search(p)
    ]
    if not once:
        return
    roles = "|".join(re.escape(w) for w in sorted(once, key=len, reverse=True))
    uses = Counter(m.group(1) for m in re.finditer(rf"\b[Tt]he ({roles})\b", text))
    for role in once:
        if uses[role] >= _ROLE_USES:
            stats.count["the " + role] = uses[role]


_EPITHET_SHARE = 0.6  # of the bare word's uses that follow "the"


def _epithets(stats: NameStats, uses: Counter[str], says: Counter[str]) -> None:
    """ "the Jew", "the Dodger": a capitalised word almost always after "the" that speaks
    is a person's epithet, and "the" belongs to the name (readers and annotators write
    it so); the bare word is then not a name of its own."""
    for key, n in uses.items():
        bare = key.split()[-1]
        if says[key] >= 2 and n >= 3 and n >= _EPITHET_SHARE * stats.count[bare]:
            for counter in (stats.count, stats.speaker):
                counter[key] += counter.pop(bare, 0)
            stats.titled[key] += n
            stats.speaker[key] = max(stats.speaker[key], says[key])


_DESCRIPTIONS = frozenset(
    "man gentleman boy father brother uncle husband son fellow youth lad woman lady girl "
    "mother sister aunt wife daughter child other latter former one stranger visitor".split()
)
_NOT_ROLES = frozenset(
    "he she it they i you we him her them me us this that one other others another nothing "
    "herself himself itself myself same first last next word back home out enough "
    "of to with on in at for from by into upon about over after before up down off away "
    "something everything anything all both none who which what so yes no again too "
    "once twice softly quietly gently aloud nobody somebody everybody man woman "
    # words a tag parse can take for a name ("said, with…", "the second old gentleman")
    "more less most least much many few rest whole not is was be are were has had can could "
    "will would shall should may might must very still just only even also then now there "
    "here when where how why second third fourth fifth voice voices".split()
)


def _sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\r\n\"“‘'_(—-":
        if text[i] == "\n" and i > 0 and text[i - 1] in "\r\n":
            return True
        i -= 1
    return i < 0 or text[i] in ".!?:;"


_ROLE_SPEAKS = 2  # "said the parlourmaid" twice: a minor character known by her job
_ROLE_USES = 3  # or once, with the role written three times in all


def person_names(stats: NameStats, min_count: int = 2) -> dict[str, int]:
    """Candidates that look like people: a title, a speech verb, or frequent mid-sentence use."""
    keep: dict[str, int] = {}
    for name, n in stats.count.items():
        if n < min_count:
            continue
        mid = n - stats.sentence_start[name]
        titled = stats.titled[name] > 0
        says = stats.speaker[name] > 0
        if stats.lower[name] * 4 > n and stats.speaker[name] < 2:
            continue  # "Hope", "Will": mostly ordinary words, unless they speak ("said Rose")
        if (
            name[0].islower()
            and not stats.titled[name]
            and stats.speaker[name] < _ROLE_SPEAKS
            and not (stats.speaker[name] and n >= _ROLE_USES)
        ):
            continue  # a role in lower case ("the policeman") must speak more than once
        if _household(name, n, stats):
            continue
        placey = stats.place[name] > 0.25 * n and not titled
        if (titled or says or mid >= 3) and not (placey and stats.speaker[name] < 2):
            keep[name] = n
    return keep


def _household(name: str, n: int, stats: NameStats) -> bool:
    """ "the Lintons": the plural of a name the book uses more, mostly after "the", is a
    family, not a person ("Williams" beside "William" is a surname: no "the")."""
    single = name[:-1] if name.endswith("s") and " " not in name else ""
    return bool(single) and stats.count[single] >= n and 2 * stats.after_the[name] >= n


def title_gender(name: str) -> str:
    first = name.split()[0].rstrip(".") if name else ""
    if name.startswith("the "):
        first = name.split()[1]
    if first in EN_MALE_TITLES:
        return "m"
    if first in EN_FEMALE_TITLES:
        return "f"
    return ""


def split_title(name: str) -> tuple[str, list[str]]:
    """("Mr.", ["John", "Knightley"]) for "Mr. John Knightley"; ("", [...]) without title.
    A surname's particles are part of it, in lower case: "Mr. Henry van der Luyden" is
    ["Henry", "van der Luyden"], and "De Griers" is the same surname as "de Griers"."""
    words = name.split()
    if words and words[0] == "the":
        if name.islower():  # "the gentleman in the white waistcoat": one role, like "the beadle"
            return name, []
        return " ".join(words[:2]), words[2:]
    if words and words[0].rstrip(".") in EN_MALE_TITLES | EN_FEMALE_TITLES and len(words) > 1:
        return words[0], _with_particles(words[1:])
    return "", _with_particles(words)


_PARTICLES = frozenset("van der den de du des la le von di da del della ten ter".split())


def _with_particles(words: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for word in words:
        if word.lower() in _PARTICLES or word == "St.":  # Lord St. Simon, Neville St. Clair
            run.append(word if word == "St." else word.lower())
            continue
        out.append(" ".join([*run, word]))
        run = []
    return out + run
