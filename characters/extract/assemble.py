"""From a finished analysis to the published folder: profiles, glossary, cards, lorebook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from characters.extract.cards import build_card, build_lorebook
from characters.extract.chapters import Chapter
from characters.extract.glossary import build_glossary
from characters.extract.mentions import AliasIndex, pronouns
from characters.extract.model import Mention
from characters.extract.output import Bundle, publish
from characters.extract.profile import Profile, build_profiles
from characters.extract.state import Analysis, Meta
from characters.novel import Work

if TYPE_CHECKING:
    from characters.extract.llmstage import ProfileRun
    from characters.extract.pipeline import Progress

MIN_CARD_LINES = 3  # a card needs something to say


def assemble_and_publish(
    out: Path,
    work_dir: Path,
    meta: Meta,
    text: str,
    chapters: list[Chapter],
    analysis: Analysis,
    progress: Progress,
    profile_run: ProfileRun | None = None,
) -> Bundle:
    """``profile_run``: the LLM profile stage's settings (None: deterministic cards only)."""
    from characters.extract.pipeline import ProgressEvent

    progress(ProgressEvent("profiles", 0, 1))
    analysed = _analysis_text(text, meta.language)
    variants = _variants(analysis, text, analysed, meta.language)
    mentions = narration_mentions(analysed, analysis, meta.language)
    profiles = build_profiles(analysed, meta.language, chapters, analysis.quotes,
                              analysis.attributions, mentions, analysis.entities)  # fmt: skip
    _restore_original_text(text, profiles)
    terms = build_glossary(analysed, meta.language, chapters, analysis.entities, original=text)
    work = Work(id=meta.work_id, title=meta.title, language=meta.language)
    names = {e.id: e.name for e in analysis.entities}
    source = {"file": meta.source, "sha256": meta.sha256, "encoding": meta.encoding}
    cards = {
        e.id: build_card(e, profiles[e.id], work, chapters, names, source)
        for e in analysis.entities
        if e.kind != "other" and len(profiles[e.id].lines) >= MIN_CARD_LINES
    }
    # Lore entries are shown from a subject's first chapter on, so they keep the
    # deterministic text: an LLM base description sums up the whole book.
    book = build_lorebook(work, analysis.entities, profiles, terms, variants, cards)
    llm = None
    if profile_run is not None:
        from characters.extract.llmstage import Book, refine_cards

        entities = {e.id: e for e in analysis.entities}
        story = Book(text, meta.language, meta.title, chapters, entities, profiles, mentions)
        llm = refine_cards(cards, story, profile_run, progress)
    progress(ProgressEvent("profiles", 1, 1, message=f"{len(cards)} cards"))
    progress(ProgressEvent("output", 0, 1))
    bundle = Bundle(text, chapters, analysis, profiles, terms, cards, book, meta.title, work_dir,
                    llm)  # fmt: skip
    publish(out, bundle)
    progress(ProgressEvent("output", 1, 1))
    return bundle


def _analysis_text(text: str, language: str) -> str:
    if language != "zh":
        return text
    from characters.extract.script import is_traditional, to_simplified

    return to_simplified(text) if is_traditional(text) else text


def _variants(analysis: Analysis, text: str, analysed: str, language: str) -> dict[str, list[str]]:
    """Traditional spellings of every alias when the book is traditional (both are keys)."""
    if language != "zh" or text is analysed:
        return {}
    from characters.extract.script import traditional_forms

    forms = traditional_forms([a for e in analysis.entities for a in e.aliases])
    for ent in analysis.entities:
        ent.aliases += [
            t for a in list(ent.aliases) for t in forms.get(a, []) if t not in ent.aliases
        ]
    return forms


def narration_mentions(text: str, analysis: Analysis, language: str) -> list[Mention]:
    """Names (and pronouns) outside quotes, for presence and relationships."""
    index = AliasIndex(analysis.entities, language)
    spans = [(q.start, q.end) for q in analysis.quotes]
    found: list[Mention] = []
    pos = 0
    for start, end in [*spans, (len(text), len(text))]:
        if start > pos:
            found += index.find(text, pos, start)
            found += pronouns(text, pos, start, language)
        pos = max(pos, end)
    found.sort(key=lambda m: m.start)
    return found


def _restore_original_text(text: str, profiles: dict[str, Profile]) -> None:
    """Lines quote the book as written (traditional stays traditional)."""
    for prof in profiles.values():
        for line in prof.lines:
            line.text = text[line.start : line.end]
            if line.context_span[1] > line.context_span[0]:
                line.context = text[line.context_span[0] : line.context_span[1]]
