"""English-only candidates for the ranker: the wider conversation and the narrator's "I".

The shared features offer as speakers only the last four turns' speakers and the names
of the narration nearby. In long English exchanges the speaker is often someone who
spoke five or more turns ago (rejoining after two others) or who was addressed by name
a few turns back ("Really, Miss Abbott, …"); in a first-person novel it is often the
narrator, whose "I" in the paragraph is what a name is for anyone else; and an untagged
quote after "Mrs. Bennet … continued her triumph." is usually the sentence's subject
speaking (leave-one-novel-out +0.4 points, most of it on pronoun tags). A name set off by
punctuation inside a quote ("Come and sit down, William.") is the listener: not this
speaker, and likely the next (+0.5 points, most of it on untagged quotes); answered by
name ("Next week, Lucy."), Lucy likely spoke the turn before (+0.15). These features
put them among the candidates so that the learned weights can choose them; they never
fire for Chinese, whose weights were fit without them.

Tried and left out (leave-one-novel-out on PDNC): the eight names the narration used
most in the last 5 000 characters (-0.6 points: more candidates, more noise), "the
pronoun fits the speaker one/two turns back" (-0.2) and "named in the next turn's
quote" (-0.1); names inside a quote-within-a-quote ('Ah! Mrs. Bennet, …') left out of the
names said inside a quote (-0.03).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from characters.extract.attribution import NARRATOR, Scene, Utterance, adjacent
from characters.extract.model import Entity, Mention
from characters.extract.names_en import split_title, spoken_to

FEATURES_EN = (
    "conv_earlier", "addressed_recent", "narrator_para", "narrator_prev_para", "lead_subject",
    "addressee_sex_fits", "addressee_sex_clash", "kin_fits",
    "vocative_inside", "vocative_prev", "vocative_next",
)  # fmt: skip
_EARLIEST = 8  # turns back; the beam remembers this many decisions

Add = Callable[[str, str, float], None]


def conversation_en(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, add: Add
) -> None:
    """Speakers five to eight turns back in an unbroken exchange (four are ``prevN``)."""
    for back in range(1, _EARLIEST + 1):
        j = k - back
        if j < 0 or not adjacent(units, j, j + 1):
            return
        if back > 4:
            add(speakers[j], "conv_earlier", 1.0)


def static_en(scene: Scene, units: list[Utterance], k: int, add: Add) -> None:
    """Evidence that does not depend on earlier decisions (computed once per utterance)."""
    for back in range(2, 5):  # one turn back is ``addressed_prev``
        j = k - back
        if j < 0 or not adjacent(units, j, j + 1):
            break
        for m in scene.inside.between(units[j].start, units[j].end):
            add(m.entity, "addressed_recent", 1.0 / (back - 1))
    if NARRATOR in scene.entities:
        _narrator(scene, units[k], add)
    _lead_subject(scene, units[k], add)
    for entity in _vocatives(scene, units[k]):
        add(entity, "vocative_inside", 1.0)
    if k and adjacent(units, k - 1, k):
        _addressee_sex(scene, units[k - 1], add)
        for entity in _vocatives(scene, units[k - 1]):
            add(entity, "vocative_prev", 1.0)
    if k + 1 < len(units) and adjacent(units, k, k + 1):  # "Next week, Lucy.": Lucy asked
        for entity in _vocatives(scene, units[k + 1]):
            add(entity, "vocative_next", 1.0)


def _vocatives(scene: Scene, unit: Utterance) -> set[str]:
    """Whom the utterance's quotes speak to by name (cached: read for three turns)."""
    key = ("vocatives", unit.start)
    if key in scene.static:
        cached: set[str] = scene.static[key]
        return cached
    found: set[str] = set()
    scene.static[key] = found
    for i in unit.quotes:
        q = scene.quotes[i]
        for m in scene.inside.between(q.start, q.end):
            if is_vocative(scene.text, q.start, q.end, m):
                found.add(m.entity)
    return found


def is_vocative(text: str, start: int, end: int, m: Mention) -> bool:
    """Whether the name ``m`` inside the quote ``text[start:end]`` is someone spoken to."""
    return spoken_to(text, start, end, m.start, m.end)


# ", sir", "Madam,": how the last turn addressed its listener, who usually answers
_SIR = re.compile(r"(?:,\s*|\b(?:yes|no|thank you|pardon)\s+)sir\b|^\W*Sir\b|\bsir[,.!?]", re.I)
_MADAM = re.compile(r"\b(?:ma'am|madam|ma’am|mum)\b|,\s*miss\b", re.I)


def _addressee_sex(scene: Scene, prev: Utterance, add: Add) -> None:
    said = " ".join(scene.text[scene.quotes[i].start : scene.quotes[i].end] for i in prev.quotes)
    male, female = bool(_SIR.search(said)), bool(_MADAM.search(said))
    if male == female:  # neither, or both: no telling whom it addressed
        return
    sex = "m" if male else "f"
    near = scene.narration.between(max(0, prev.start - 1500), prev.end)
    for entity in {m.entity for m in near if m.pronoun is None}:
        ent = scene.entities.get(entity)
        if ent is None:
            continue
        if ent.gender == sex:
            add(entity, "addressee_sex_fits", 1.0)
        elif ent.gender and ent.kind == "person":
            add(entity, "addressee_sex_clash", 1.0)


def _lead_subject(scene: Scene, unit: Utterance, add: Add) -> None:
    """ "Mrs. Bennet, who fancied she had gained a victory, continued her triumph. "…" ":
    the named subject of the last sentence that leads into the quote (in its paragraph,
    or in the narration paragraph just before). Tried: a he/she subject read as the last
    name that fits (implicit +0.1, anaphoric -0.3)."""
    start, stop = scene.paras[unit.para][0], unit.start
    if stop - start < 3 and unit.para > 0:  # the quote opens its paragraph: the one before
        start, stop = scene.paras[unit.para - 1]
        first = unit.quotes[0]
        if any(start <= q.start < stop for q in scene.quotes[max(0, first - 3) : first]):
            return
    names = [m for m in scene.narration.between(start, stop) if m.pronoun is None]
    subject = next((m for m in reversed(names) if _opens(scene.text, start, m.start)), None)
    if subject is not None:
        add(subject.entity, "lead_subject", 1.0)


def _opens(text: str, floor: int, pos: int) -> bool:
    opener = _OPENER.search(text, max(floor, pos - 24), pos)
    i = (opener.start() if opener else pos) - 1
    while i >= floor and text[i] in " \t\r\n\"“”'_(":
        i -= 1
    return i < floor or text[i] in ".!?;:"


# "Then Mrs. Bennet said", "At last Jane answered": a sentence may open before its subject
_OPENER = re.compile(
    r"\b(?:Then|But|And|So|Now|Presently|Here|Still|Yet|At last|At length|At once|"
    r"At this|Again|Meanwhile|Suddenly|Finally|[A-Z][a-z]+ly),?\s+$"
)


def _narrator(scene: Scene, unit: Utterance, add: Add) -> None:
    """ "I shook my head. "No."": the paragraph's own "I", or the one just before."""
    start, end = scene.paras[unit.para]
    inside = [(scene.quotes[i].start, scene.quotes[i].end) for i in unit.quotes]
    for m in scene.narration.between(start, end):
        if m.pronoun == "" and not any(a <= m.start < b for a, b in inside):
            add(NARRATOR, "narrator_para", 1.0)
            break
    if unit.para > 0:
        p_start, p_end = scene.paras[unit.para - 1]
        if any(m.pronoun == "" for m in scene.narration.between(p_start, p_end)):
            add(NARRATOR, "narrator_prev_para", 1.0)


# "said her mother", "said the son": a family word in a speech tag names a relative of
# someone nearby (the possessor, or for "the" anyone recent). A
# family shares a surname, and a mother or wife is "Mrs." + that surname (Mrs. Bennet for
# Elizabeth Bennet), a father or husband "Mr."; an aunt or uncle is often called so.
_KIN = re.compile(
    r"^(his|her|their|the)\s+(?:\w+\s+)?(mother|father|sister|brother|son|daughter|wife|husband|"
    r"aunt|uncle|mamma|papa|grandmother|grandfather)$",
    re.I,
)
_KIN_SEX = {"mother": "f", "sister": "f", "daughter": "f", "wife": "f", "aunt": "f",
            "mamma": "f", "grandmother": "f"}  # fmt: skip
_PARENT_TITLE = {"mother": "Mrs", "wife": "Mrs", "mamma": "Mrs", "father": "Mr",
                 "husband": "Mr", "papa": "Mr"}  # fmt: skip
_KIN_WINDOW = 1500


def kin_en(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, m: Mention, add: Add
) -> int:
    """Marks the relatives a family word in the tag can mean; returns how many there are."""
    found = _KIN.match(" ".join(m.surface.split()))
    if found is None:
        return 0
    owner_sex = {"his": "m", "her": "f"}.get(found.group(1).lower(), "")
    noun = found.group(2).lower()
    relatives = _relatives(scene, _possessors(scene, units, speakers, k, m, owner_sex), noun)
    for entity in relatives:
        add(entity, "kin_fits", 1.0)
    return len(relatives)


def _possessors(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, m: Mention, sex: str
) -> set[str]:
    """Who "her" can be: the recent speakers of the exchange and the people named nearby."""
    near = {x.entity for x in scene.narration.between(m.start - _KIN_WINDOW, m.start)}
    for back in range(1, 5):
        j = k - back
        if j < 0 or not adjacent(units, j, j + 1):
            break
        near.add(speakers[j])
    out = set()
    for entity in near:
        ent = scene.entities.get(entity)
        if ent is not None and ent.kind == "person" and (not sex or ent.gender == sex):
            out.add(entity)
    return out


def _relatives(scene: Scene, owners: set[str], noun: str) -> set[str]:
    family = _families(scene)
    title = _PARENT_TITLE.get(noun)
    out: set[str] = set()
    for owner in owners:
        surnames = family[owner][0]
        parent = {f"{title} {n}" for n in surnames} if title else set()
        if parent & family[owner][1]:
            continue  # "her mother" cannot be Mrs. Bennet's own mother by this rule
        for ent in scene.entities.values():
            if ent.id == owner or ent.kind != "person" or not _sex_fits(ent, noun):
                continue
            if noun in ("aunt", "uncle"):
                fits = any(a.split()[0] == noun.title() for a in ent.aliases)
            elif title is not None:
                fits = bool(parent & family[ent.id][1])
            else:
                fits = bool(surnames & family[ent.id][0])
            if fits:
                out.add(ent.id)
    return out


def _families(scene: Scene) -> dict[str, tuple[set[str], set[str]]]:
    """Each entity's surnames and bare title + surname forms, once per document: the beam
    asks for them on every path it keeps."""
    if "kin" not in scene.static:
        scene.static["kin"] = {e.id: (_surnames(e), _titled(e)) for e in scene.entities.values()}
    families: dict[str, tuple[set[str], set[str]]] = scene.static["kin"]
    return families


def _sex_fits(ent: Entity, noun: str) -> bool:
    sex = _KIN_SEX.get(noun, "m")
    return not ent.gender or ent.gender == sex


def _surnames(ent: Entity) -> set[str]:
    """ "Bennet" from "Elizabeth Bennet" or "Mrs. Bennet"; a lone "Elizabeth" has none."""
    out = set()
    for alias in ent.aliases:
        title, words = split_title(alias)
        if len(words) >= 2 or (title and words):
            out.add(words[-1])
    return out


def _titled(ent: Entity) -> set[str]:
    """ "Mrs Bennet" for "Mrs. Bennet": the bare title + surname forms the entity owns."""
    out = set()
    for alias in ent.aliases:
        title, words = split_title(alias)
        if title and len(words) == 1:
            out.add(f"{title.rstrip('.')} {words[0]}")
    return out
