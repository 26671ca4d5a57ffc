"""Shape patterns split by script: a pattern's Chinese branches never run on English text,
nor its English branches on Chinese.

Python's ``re`` tries every branch of an alternation at every position, and a Chinese
branch that opens with ``我?`` or ``\\S{0,8}`` cannot be ruled out by a quick scan: on an
English sentence a mixed pattern cost 5-8 times what its English half does (the self-harm
ideation shapes 142 -> 17 µs a sentence). A branch that needs CJK characters cannot match
text without them, and one that needs ASCII letters cannot match text without those, so
each half runs only where it could match. Text with both scripts, or neither, gets the
whole pattern. ``tests/safety/test_scripts.py`` checks the halves agree with the whole on
every line we have.
"""

from __future__ import annotations

import re

_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile("[a-zA-Z]")
_ESCAPES = re.compile(r"\\[a-zA-Z]|\(\?[a-zA-Z:=!<]+|\[[^\]]*\]")


class Split:
    """``search`` as the pattern's (the same match: the other half cannot match the text),
    run over the half that can."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        # In their order: where two branches match at one place the first wins, as before.
        parts = [(branch, _script(branch)) for branch in branches(pattern.pattern)]
        self.zh = _compile([b for b, kind in parts if kind != "en"], pattern)
        self.en = _compile([b for b, kind in parts if kind != "zh"], pattern)

    def search(self, text: str, script: str | None = None) -> re.Match[str] | None:
        """``script``: ``of(text)``, when the caller runs many patterns over one text."""
        script = script or of(text)
        if script == "both":
            return self.pattern.search(text)
        half = self.zh if script == "zh" else self.en
        return half.search(text) if half is not None else None


def of(text: str) -> str:
    """ "zh" for text with CJK characters and no ASCII letters, "en" for the reverse, else
    "both" (both scripts, or neither)."""
    cjk, latin = bool(_CJK.search(text)), bool(_LATIN.search(text))
    if cjk == latin:
        return "both"
    return "zh" if cjk else "en"


def branches(source: str) -> list[str]:
    """The top-level alternatives of a regex source (groups, classes and escapes kept)."""
    out: list[str] = []
    current: list[str] = []
    depth, in_class, escaped = 0, False, False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append("".join(current))
            current = []
            continue
        current.append(ch)
    out.append("".join(current))
    return out


def _script(branch: str) -> str:
    """ "zh" for a branch written in CJK only, "en" for ASCII words only, else "both"."""
    bare = _ESCAPES.sub("", branch)
    cjk, words = bool(_CJK.search(bare)), bool(re.search("[a-z]{2,}", bare))
    if cjk and not words:
        return "zh"
    if words and not cjk:
        return "en"
    return "both"


def _compile(parts: list[str], like: re.Pattern[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(parts), like.flags) if parts else None
