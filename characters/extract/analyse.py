"""Text in, speakers out: paragraphs, quotes, roster, mentions and attribution in one call.

This is the deterministic core the pipeline runs per book and the benchmarks run
per test text; everything after it (profiles, glossary, cards) only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from characters.extract.attribution import Scene, Utterance, find_tags, utterances
from characters.extract.model import Attribution, Entity
from characters.extract.quotes import Quote, find_quotes, paragraphs
from characters.extract.ranker import decide
from characters.extract.roster_en import build_roster_en
from characters.extract.scene import add_narrator, assign_genders, build_scene


@dataclass(slots=True)
class Analysis:
    language: str
    paras: list[tuple[int, int]]
    quotes: list[Quote]
    entities: list[Entity]
    scene: Scene
    units: list[Utterance]
    attributions: list[Attribution]  # one per quote


def analyse(
    text: str,
    language: str,
    *,
    entities: list[Entity] | None = None,
    weights: np.ndarray | None = None,
) -> Analysis:
    """Attribute every quote in ``text``; ``entities`` replaces roster building when given."""
    paras = paragraphs(text)
    quotes = find_quotes(text, paras)
    if language == "zh":
        from characters.extract.quotes_zh import speech_quotes

        quotes = speech_quotes(text, paras, quotes)
    fresh_roster = entities is None
    if entities is None:
        entities = build_roster(text, quotes, language)
    add_narrator(text, entities, language)
    if fresh_roster:
        assign_genders(text, entities, language)
    scene = build_scene(text, paras, quotes, entities, language)
    units = utterances(scene)
    find_tags(scene, units)
    result = Analysis(language, paras, quotes, entities, scene, units, [])
    result.attributions = per_quote(result, decide(scene, units, weights))
    return result


def per_quote(result: Analysis, decided: list[Attribution]) -> list[Attribution]:
    """Spread each utterance's attribution over its quotes."""
    out = [Attribution("", 0.0, "none")] * len(result.quotes)
    for unit, att in zip(result.units, decided, strict=True):
        for i in unit.quotes:
            out[i] = att
    return out


def build_roster(text: str, quotes: list[Quote], language: str) -> list[Entity]:
    if language == "zh":
        from characters.extract.roster_zh import build_roster_zh

        return build_roster_zh(text, quotes)
    return build_roster_en(text, quotes)
