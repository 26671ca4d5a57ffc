"""The one error extraction raises on purpose: the input (or an output folder) is unusable."""

from __future__ import annotations

from roleplay.errors import InvalidInput


class ExtractError(InvalidInput):
    """The novel could not be read, or the extraction cannot proceed; the message says why."""

    code = "invalid_novel"
