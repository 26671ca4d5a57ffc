"""Novel -> characters: roster, aliases, attributed quotes, cards and a lorebook.

Public API: ``run_pipeline`` (a whole book), ``append_chapters`` (new chapters on
an existing extraction), ``ProgressEvent`` (what ``progress`` callbacks receive),
``ExtractError`` (bad input). The CLI is ``characters.extract.cli``; the design is
in docs/extraction.md.
"""

from __future__ import annotations

from characters.extract.append import append_chapters
from characters.extract.errors import ExtractError
from characters.extract.pipeline import ProgressEvent, Result, run_pipeline

__all__ = ["ExtractError", "ProgressEvent", "Result", "append_chapters", "run_pipeline"]
