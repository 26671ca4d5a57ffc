"""Persona consistency: does a reply stay in character? (GUIDE §2, stage 6.)

Public API::

    PersonaChecker(contradiction=..., judge=...).check(reply, PersonaContext(...))
        -> ConsistencyReport(ok, problems, findings, correction)
    ConsistencyPolicy().decide(report, attempt) -> "accept" | "regenerate" | ...
    ReviewItem / checker_item / reader_item    the editors' review queue
    load_contradiction(embedder)               the trained pair model, ready to use

See docs/consistency.md for the checks, the data they read and the wiring.
"""

from __future__ import annotations

from memory.embeddings import Embedder
from roleplay.consistency.checker import PersonaChecker, exchanges
from roleplay.consistency.contradiction import ContradictionChecker, ContradictionModel
from roleplay.consistency.judge import JudgeBudget, LLMJudge
from roleplay.consistency.markers import MarkerChecker, find_markers
from roleplay.consistency.profile import PersonaProfile, ProfileCache, build_profile
from roleplay.consistency.report import (
    ConsistencyChecker,
    ConsistencyReport,
    Exchange,
    PersonaContext,
    Problem,
    ProblemKind,
)
from roleplay.consistency.review import (
    WITHHELD_TEXT,
    Action,
    ConsistencyPolicy,
    ReaderReport,
    ReviewItem,
    checker_item,
    reader_item,
)


def load_contradiction(
    embedder: Embedder, *, trigger: float = 0.5, min_score: float = 0.85
) -> ContradictionChecker:
    """The shipped contradiction model behind its trigger, using ``embedder`` (e5)."""
    return ContradictionChecker(
        ContradictionModel.load(), embedder, trigger=trigger, min_score=min_score
    )


__all__ = [
    "WITHHELD_TEXT",
    "Action",
    "ConsistencyChecker",
    "ConsistencyPolicy",
    "ConsistencyReport",
    "ContradictionChecker",
    "ContradictionModel",
    "Exchange",
    "JudgeBudget",
    "LLMJudge",
    "MarkerChecker",
    "PersonaChecker",
    "PersonaContext",
    "PersonaProfile",
    "Problem",
    "ProblemKind",
    "ProfileCache",
    "ReaderReport",
    "ReviewItem",
    "build_profile",
    "checker_item",
    "exchanges",
    "find_markers",
    "load_contradiction",
    "reader_item",
]
