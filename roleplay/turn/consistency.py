"""Stage 6: does the reply stay in character?

The checks live in ``roleplay.consistency`` (see docs/consistency.md); this
module keeps the names the engine imports. ``MarkerChecker`` is the cheap
default (out-of-character phrases only); ``PersonaChecker`` adds the card's
era, forms of address, spoilers, contradictions and an optional LLM judge.
"""

from __future__ import annotations

from roleplay.consistency.checker import PersonaChecker
from roleplay.consistency.markers import MarkerChecker
from roleplay.consistency.report import (
    ConsistencyChecker,
    ConsistencyReport,
    Exchange,
    PersonaContext,
    Problem,
)

__all__ = [
    "ConsistencyChecker",
    "ConsistencyReport",
    "Exchange",
    "MarkerChecker",
    "PersonaChecker",
    "PersonaContext",
    "Problem",
]
