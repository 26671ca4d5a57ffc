"""The English roster: name candidates from the text, grouped into people."""

from __future__ import annotations

from characters.extract.aliases_en import cluster_english
from characters.extract.model import Entity
from characters.extract.names_en import collect_names, person_names
from characters.extract.quotes import Quote


def build_roster_en(text: str, quotes: list[Quote], min_count: int | None = None) -> list[Entity]:
    stats = collect_names(text, [(q.start, q.end) for q in quotes])
    if min_count is None:
        min_count = 1 if len(text) < 50_000 else 2  # a short story names people rarely
    return cluster_english(person_names(stats, min_count))
