"""Chinese quote marks that are not speech: “青锋”剑, “咯咯”地笑, “远亲不如近邻”的老话.

Chinese prose puts terms, nicknames, sounds and sayings in the same “” as speech.
Taken for turns they break up an exchange (a phantom speaker between A and B) and
hide the colon that leads a real quote in. Such a quote sits inside a sentence of
narration, is not led in by a colon, and has no punctuation of its own; speech
almost always has (“好。”), and it opens its line or follows 说：.
"""

from __future__ import annotations

from characters.extract.quotes import Quote

_SPEECH_PUNCT = set("。！？，…；：、!?,;—")
_LEAD_IN = set("：:")


def speech_quotes(text: str, paras: list[tuple[int, int]], quotes: list[Quote]) -> list[Quote]:
    """The quotes that can be someone speaking."""
    return [q for q in quotes if not _inline(text, paras, q)]


def _inline(text: str, paras: list[tuple[int, int]], q: Quote) -> bool:
    if q.continued or any(ch in _SPEECH_PUNCT for ch in text[q.start : q.end]):
        return False
    before = text[paras[q.para][0] : max(0, q.start - 1)].rstrip()
    return bool(before) and before[-1] not in _LEAD_IN
