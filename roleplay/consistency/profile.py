"""What one card looks like to the checks at one chapter, built once and cached.

Building it (automata, shingle sets) costs a few milliseconds; a turn then
only scans the reply. Profiles are cached per ``card_key`` ("id@version",
which changes whenever the card does) and chapter.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from roleplay.consistency.address import AddressChecker, parse_rules
from roleplay.consistency.era import AnachronismLexicon, parse_era
from roleplay.consistency.report import Exchange
from roleplay.consistency.spoilers import FutureLine, SpoilerIndex

if TYPE_CHECKING:
    from characters.card import CharacterCard
    from characters.lore import LoreEntry
    from roleplay.llm.base import CanonLine

NOVEL_KEY = "novel_roleplay"


@dataclass(frozen=True, slots=True)
class PersonaProfile:
    name: str
    chapter: int | None
    era: AnachronismLexicon
    address: AddressChecker
    spoilers: SpoilerIndex | None
    # Canon question/answer pairs the reader may see: the card's facts to contradict.
    canon: tuple[Exchange, ...]
    summary: str  # what an LLM judge is told about the character


def lore_chapter(entry: LoreEntry) -> int | None:
    """The chapter a lorebook entry's subject first appears in, if the extraction recorded it."""
    ours: Any = entry.extensions.get(NOVEL_KEY)
    if not isinstance(ours, dict):
        return None
    for key in ("first_chapter", "chapter"):
        value = ours.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def build_profile(card: CharacterCard, chapter: int | None) -> PersonaProfile:
    data, novel = card.data, card.novel
    work = novel.work
    snap = card.snapshot_for(chapter)
    lines = card.canon_lines()
    seen = [x for x in lines if chapter is None or x.chapter is None or x.chapter <= chapter]
    visible = [snap.description, snap.personality, snap.scenario, data.name, *novel.aliases]
    visible += [f"{x.context}\n{x.text}" for x in seen]
    era = parse_era(work.era if work else "")
    summary = "\n".join(
        [
            f"Name: {data.name}; also called: {', '.join(novel.aliases) or '-'}",
            f"Work: {work.title if work else '-'}; era: {era.label or '-'}",
            f"Calls itself: {', '.join(novel.self_address) or '-'}",
            f"Description: {snap.description}",
            f"Personality: {snap.personality}",
        ]
    )
    rules = parse_rules((novel.model_extra or {}).get("addressing"))
    return PersonaProfile(
        name=data.name,
        chapter=chapter,
        era=AnachronismLexicon(era, work.language if work else ""),
        address=AddressChecker(novel.self_address, rules, [x.text for x in seen]),
        spoilers=None if chapter is None else _spoilers(card, chapter, lines, visible),
        canon=tuple(Exchange(x.context, x.text, x.chapter) for x in seen if x.context),
        summary=summary,
    )


def _spoilers(
    card: CharacterCard, chapter: int, lines: list[CanonLine], visible: list[str]
) -> SpoilerIndex:
    """Later lorebook subjects and later canon lines; earlier lore counts as visible text."""
    terms: dict[str, int] = {}
    book = card.data.character_book
    for entry in book.entries if book is not None else []:
        first = lore_chapter(entry)
        if first is not None and first > chapter:
            for key in entry.keys:
                terms[key] = min(first, terms.get(key, first))
        elif entry.enabled:
            visible.append(entry.body)
    future = [
        FutureLine(x.text, x.chapter)
        for x in lines
        if x.chapter is not None and x.chapter > chapter
    ]
    return SpoilerIndex(chapter, visible, terms, future)


class ProfileCache:
    """A small LRU of profiles keyed by card key and chapter."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int | None], PersonaProfile] = OrderedDict()

    def get(self, key: str, card: CharacterCard, chapter: int | None) -> PersonaProfile:
        if not key:
            return build_profile(card, chapter)
        item = self._items.get((key, chapter))
        if item is None:
            item = build_profile(card, chapter)
            self._items[(key, chapter)] = item
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end((key, chapter))
        return item
