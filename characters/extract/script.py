"""Traditional and simplified Chinese: analyse in simplified, keep offsets, key both forms.

The rules and word lists are written in simplified characters, so a traditional
book is converted before analysis. OpenCC's conversion keeps the length of
almost every line; where it does not, that line is converted character by
character, so every offset found in the converted text is valid in the original.
"""

from __future__ import annotations

from functools import cache

import opencc

_SAMPLE = 50_000


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    """More than a few percent of the characters change under t2s: a traditional text."""
    sample = "".join(ch for ch in text[:_SAMPLE] if "\u4e00" <= ch <= "\u9fff")
    if not sample:
        return False
    converted = _converter("t2s").convert(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return changed / len(sample) > 0.05


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, the same length, offset for offset."""
    conv = _converter("t2s")
    whole = str(conv.convert(text))
    if len(whole) == len(text):
        return whole
    out = []
    for line in text.splitlines(keepends=True):
        done = conv.convert(line)
        if len(done) != len(line):
            done = "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in line)
        out.append(done)
    return "".join(out)


def traditional_forms(names: list[str]) -> dict[str, list[str]]:
    """simplified name -> its traditional spelling(s), for lorebook keys and aliases."""
    conv = _converter("s2t")
    out: dict[str, list[str]] = {}
    for name in names:
        trad = conv.convert(name)
        if trad != name:
            out[name] = [trad]
    return out
