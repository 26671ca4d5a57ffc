"""Every occurrence of every known alias, and of he/she/他/她, in one pass.

Aho-Corasick with longest match: "齐天大圣" wins over "大圣" inside it, and "Mr. John
Knightley" over "John". English matches must sit on word boundaries; Chinese
ones cannot (there are none), which is why longest-match matters there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

from characters.extract.model import Entity, Gender, Mention, Reference
from characters.extract.names_en import title_gender

_EN_PRONOUN = re.compile(r"\b(he|she|He|She|I)\b")
_MALE_ROLES = (
    "man gentleman boy father brother uncle husband son lord king prince fellow youth lad "
    "old man squire master grandfather nephew"
).split()
_FEMALE_ROLES = (
    "woman lady girl mother sister aunt wife daughter maid nurse queen princess widow "
    "grandmother niece mistress housekeeper landlady"
).split()
_OTHER_ROLES = (
    "doctor stranger visitor other latter former servant clerk officer landlord host guest "
    "child magistrate undertaker jailer driver waiter porter secretary colonel captain major "
    "professor inspector policeman president general priest vicar clergyman young one"
).split()
ROLE_GENDER = {w: "m" for w in _MALE_ROLES} | {w: "f" for w in _FEMALE_ROLES}
_EN_ROLE = re.compile(  # "Her father fondly replied," opens a sentence too
    r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Mm]y|[Tt]heir|[Yy]our|[Oo]ur)\s+"
    r"(?:(?:old|young|little|elder|younger|poor|good|tall|stout|other|first|second|third)\s+)?"
    r"("
    + "|".join(sorted(_MALE_ROLES + _FEMALE_ROLES + _OTHER_ROLES, key=len, reverse=True))
    + r")\b"
)
_ZH_PRONOUN = re.compile(r"(他|她)(?!们)")


_LEADS = frozenset("the van der den de du des la le von di da del della ten ter".split())


def _other_case(alias: str) -> str:
    """The same name with its leading article or particle in the other case."""
    head, _, rest = alias.partition(" ")
    if not rest or head.lower() not in _LEADS:
        return alias
    return (head.capitalize() if head.islower() else head.lower()) + " " + rest


class AliasIndex:
    """Maps surface forms to entity ids; build once per roster, search many texts."""

    def __init__(self, entities: Iterable[Entity], language: str) -> None:
        self.language = language
        self._auto = ahocorasick.Automaton()
        self.owner: dict[str, str] = {}
        self._sex: dict[str, str] = {}
        for ent in entities:
            self._sex[ent.id] = ent.gender
            if ent.kind == "narrator":
                continue
            for alias in ent.aliases:
                # "The Jew" opening a sentence is "the Jew"; "De Griers" is "de Griers"
                forms = [alias, _other_case(alias)] if language != "zh" else [alias]
                for form in forms:
                    if form and form not in self.owner:
                        self.owner[form] = ent.id
                        self._auto.add_word(form, form)
        if self.owner:
            self._auto.make_automaton()

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Longest non-overlapping alias matches in ``text[start:end]`` (document offsets)."""
        if not self.owner:
            return []
        stop = len(text) if end is None else end
        chunk = text[start:stop]
        found: list[Mention] = []
        english = self.language != "zh"
        if english:  # hard-wrapped books break "Mr.\nJackson" across lines; same length
            chunk = chunk.replace("\r", " ").replace("\n", " ")
        for last, alias in self._auto.iter_long(chunk):
            begin = last - len(alias) + 1
            if english and not _word_bounded(chunk, begin, last + 1):
                continue
            if english and self._other_sex_title(chunk, begin, self.owner[alias]):
                continue  # "Mrs. Cahill" when the roster knows only Mr. Cahill
            s = start + begin
            found.append(Mention(s, s + len(alias), self.owner[alias], alias))
        return found

    def _other_sex_title(self, text: str, begin: int, entity: str) -> bool:
        title = _TITLE_BEFORE.search(text, max(0, begin - 9), begin)
        if title is None:
            return False
        return self._sex.get(entity, "") not in ("", title_gender(title.group(1)))


_TITLE_BEFORE = re.compile(r"\b(Mrs|Miss|Ms|Lady|Madame|Mme|Mlle|Mr|Sir|Lord)\.?\s+$")


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def pronouns(text: str, start: int, end: int, language: str) -> list[Mention]:
    """he/she/I or 他/她 in ``text[start:end]`` as unresolved mentions."""
    pattern = _ZH_PRONOUN if language == "zh" else _EN_PRONOUN
    out: list[Mention] = []
    for m in pattern.finditer(text, start, end):
        word = m.group(1)
        gender: Gender = _gender_of(word)
        out.append(Mention(m.start(), m.end(), "", word, gender))
    if language == "zh":
        from characters.extract.roles_zh import role_mentions

        out += role_mentions(text, start, end)
        out.sort(key=lambda x: x.start)
    else:
        for m in _EN_ROLE.finditer(text, start, end):
            sex = ROLE_GENDER.get(m.group(1))
            kind: Reference = "m" if sex == "m" else "f" if sex == "f" else "x"
            out.append(Mention(m.start(), m.end(), "", m.group(0), kind, role=True))
        out.sort(key=lambda x: x.start)
    return out


def _gender_of(word: str) -> Gender:
    if word in ("he", "He", "他"):
        return "m"
    if word in ("she", "She", "她"):
        return "f"
    return ""
