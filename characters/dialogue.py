"""Reading the lines a character says out of card text.

``mes_example`` holds example dialogues separated by ``<START>``; each turn
starts on a line with a speaker tag (``{{char}}:``, ``{{user}}:``, V1's
``<BOT>:``/``<USER>:``, or the character's own name). Text before the first tag
of a block is narration and is ignored.

Macros: ``{{char}}``/``<BOT>`` become the character's name here, because the
name is known and the canon backend speaks these lines verbatim. ``{{user}}``
and ``<USER>`` are left for the engine, which knows the reader's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_START = re.compile(r"<start>", re.IGNORECASE)
_CHAR_MACRO = re.compile(r"\{\{char\}\}|<bot>", re.IGNORECASE)


def fill_char(text: str, name: str) -> str:
    return _CHAR_MACRO.sub(lambda _: name, text)


def _speaker_tag(name: str) -> re.Pattern[str]:
    names = r"\{\{char\}\}|<bot>|\{\{user\}\}|<user>"
    if name.strip():
        names += "|" + re.escape(name.strip())
    return re.compile(rf"^[ \t]*({names})[ \t]*:[ \t]*", re.IGNORECASE | re.MULTILINE)


def _is_char(tag: str, name: str) -> bool:
    low = tag.lower()
    return low in ("{{char}}", "<bot>") or (bool(name.strip()) and low == name.strip().lower())


def example_lines(mes_example: str, name: str) -> Iterator[tuple[str, str]]:
    """``(line, context)`` for every character turn; context is the user turn just before."""
    tag = _speaker_tag(name)
    for block in _START.split(mes_example):
        marks = list(tag.finditer(block))
        previous: tuple[bool, str] | None = None
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(block)
            text = block[mark.end() : end].strip()
            is_char = _is_char(mark.group(1), name)
            if is_char and text:
                context = previous[1] if previous and not previous[0] else ""
                yield text, context
            previous = (is_char, text)
