"""Finding quoted speech: “…”, 「…」, 『…』, "…", ‘…’ and '…', and the paragraphs around it.

A quote's ``start``/``end`` bound its words, marks excluded, as offsets into the
document text. One rule explains most of the code: novels never close a quote
across a paragraph break. A paragraph that ends inside a quote either continues
it (the next paragraph opens with a quote mark, the convention in English and
Chinese alike) or was mis-punctuated; both cases close the quote at the break,
so one missing mark never swallows the rest of the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_MAX_QUOTE = 4000  # longer "quotes" are a stray mark; a real speech this long is a letter
_BLANK_LINE = re.compile(r"\n[ \t\r\u3000]*\n")
_SENTENCE_END = tuple(".!?\"'”’。！？…」』")


@dataclass(frozen=True, slots=True)
class Quote:
    start: int
    end: int
    para: int  # index into the paragraph list
    # True when the quote continues the previous paragraph's open quote (same speaker)
    continued: bool = False


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blank-line separated if the text is hard-wrapped."""
    sep = _BLANK_LINE if _hard_wrapped(text) else re.compile(r"\n")
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        _add_span(text, pos, m.start(), spans)
        pos = m.end()
    _add_span(text, pos, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start] in " \t\r\n\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\r\n\u3000":
        end -= 1
    if end > start:
        spans.append((start, end))


def _hard_wrapped(text: str) -> bool:
    """Gutenberg-style text wraps lines at ~70 columns and marks paragraphs by blank lines."""
    if not _BLANK_LINE.search(text):
        return False  # nothing to split at: short lines are paragraphs (or sentences) then
    lines = [ln for ln in text[:400_000].split("\n") if ln.strip()]
    ends = sum(1 for ln in lines if ln.rstrip().endswith(_SENTENCE_END))
    if ends > 0.6 * len(lines):
        return False  # wrapping cuts lines mid-sentence; lines that end sentences are paragraphs
    if len(lines) < 20:
        return True
    lengths = sorted(len(ln.rstrip("\r")) for ln in lines)
    return lengths[len(lengths) // 2] <= 80 and lengths[int(len(lengths) * 0.95)] <= 90


def find_quotes(text: str, paras: list[tuple[int, int]]) -> list[Quote]:
    """Every quote, in order; quotes nested inside another quote are part of it."""
    single = _single_quote_style(text)
    quotes: list[Quote] = []
    carried = False  # the previous paragraph ended inside an open quote
    for index, (start, end) in enumerate(paras):
        found, still_open = _scan_paragraph(text, start, end, index, single)
        if found and carried and found[0].start <= start + 1:
            found[0] = Quote(found[0].start, found[0].end, index, continued=True)
        quotes.extend(found)
        carried = still_open
    return quotes


def _single_quote_style(text: str) -> bool:
    """Some (mostly British) books quote speech with ‘…’ or '…' and never use doubles."""
    sample = text[:300_000]
    doubles = sample.count("“") + sample.count('"') + sample.count("「")
    singles = sample.count("‘") + len(re.findall(r"(?:^|\s)'\w", sample))
    return singles > 4 * max(doubles, 5)


def _scan_paragraph(
    text: str, start: int, end: int, para: int, single: bool
) -> tuple[list[Quote], bool]:
    found: list[Quote] = []
    i = start
    while i < end:
        ch = text[i]
        close = _closer(text, i, start, single)
        if close is None:
            i += 1
            continue
        stop = _find_close(text, i + 1, end, ch, close, single)
        q_end = stop if stop >= 0 else end
        if q_end - (i + 1) > _MAX_QUOTE:
            i += 1
            continue
        if q_end > i + 1:
            found.append(Quote(i + 1, q_end, para))
        if stop < 0:
            return found, True
        i = stop + 1
    return found, False


def _closer(text: str, i: int, para_start: int, single: bool) -> str | None:
    ch = text[i]
    if ch in _PAIRS and (ch != "‘" or single):
        return _PAIRS[ch]
    if ch == '"':
        return '"'
    if ch == "'" and single and _opens_single(text, i, para_start):
        return "'"
    return None


def _opens_single(text: str, i: int, para_start: int) -> bool:
    before = text[i - 1] if i > para_start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isalnum() and not after.isspace()


# Web texts mix marks: “…" and "…” are common, so either closes a double quote.
_CLOSERS = {"”": '”"', '"': '"”', "」": "」", "』": "』"}


def _find_close(text: str, i: int, end: int, opener: str, close: str, single: bool) -> int:
    if close != "'" and close != "’":
        closers = _CLOSERS[close]
        depth = 0
        while i < end:
            ch = text[i]
            if ch == opener and opener in "「『":
                depth += 1  # 「…「…」…」 nests; “ does not (nested speech uses ‘’ or 『』)
            elif ch in closers:
                if depth == 0:
                    return i
                depth -= 1
            i += 1
        return -1
    while i < end:
        # an apostrophe inside a word (don't, Jones's) never closes a single quote
        if text[i] == close and not (text[i - 1].isalpha() and _alpha_at(text, i + 1)):
            return i
        i += 1
    return -1


def _alpha_at(text: str, i: int) -> bool:
    return i < len(text) and text[i].isalpha()
