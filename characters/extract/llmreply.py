"""Reading a model's JSON reply into a snapshot, forgivingly, and never trusting it.

Models wrap JSON in code fences, add a sentence before it, leave a trailing comma, or
stop mid-object at their token cap; all of that is repaired. What cannot be read
yields ``None`` and the caller falls back to the deterministic profile. Every fact
keeps a chapter range: a key event the model dates inside its arc keeps that chapter,
anything else gets the arc's range.
"""

from __future__ import annotations

import json
import re
from typing import Any

from characters.novel import Snapshot

MAX_TEXT = 400  # characters per field: a profile, not an essay
MAX_ITEMS = 8
_FENCE = re.compile(r"```(?:json)?", re.I)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CLOSERS = {"{": "}", "[": "]"}


def parse_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in ``text``, repaired if it is cut off or sloppy."""
    text = _FENCE.sub("", text)
    start = text.find("{")
    if start < 0:
        return None
    chunk = text[start:]
    end = chunk.rfind("}")
    candidates = [chunk[: end + 1]] if end >= 0 else []
    candidates += _close(chunk)
    for candidate in candidates:
        for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                obj = json.loads(attempt)
            except ValueError:
                continue
            if isinstance(obj, dict):
                return obj
    return None


def _close(chunk: str) -> list[str]:
    """Close what a reply cut off at its token cap left open: as it is, and cut back to
    the last complete value (a key without its value cannot be closed)."""
    stack, in_string, comma = _scan(chunk)
    tail = chunk + '"' if in_string else chunk.rstrip().rstrip(",")
    out = [tail + "".join(reversed(stack))]
    if comma > 0:
        kept = chunk[:comma]
        out.append(kept + "".join(reversed(_scan(kept)[0])))
    return out


def _scan(text: str) -> tuple[list[str], bool, int]:
    """(closers still needed, inside a string at the end, last comma outside strings)."""
    stack: list[str] = []
    in_string = escaped = False
    comma = -1
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in _CLOSERS:
            stack.append(_CLOSERS[ch])
        elif ch in "}]" and stack:
            stack.pop()
        elif ch == ",":
            comma = i
    return stack, in_string, comma


def arc_snapshot(obj: dict[str, Any] | None, lo: int, hi: int, zh: bool) -> Snapshot | None:
    """A map reply -> the arc's snapshot (None when it holds no profile at all)."""
    if obj is None:
        return None
    summary, personality = _text(obj.get("summary")), _text(obj.get("personality"))
    speech, goals = _text(obj.get("speech_style")), _text(obj.get("goals"))
    if not (summary or personality or speech or goals):
        return None
    relations = _relations(obj.get("relationships"), lo, hi)
    events = _events(obj.get("key_events"), lo, hi)
    return Snapshot.model_validate({
        "from_chapter": lo, "to_chapter": hi, "arc": [lo, hi],
        "description": _describe(summary, relations, events, zh),
        "personality": _character(personality, speech, goals, zh),
        "source": "llm", "summary": summary, "speech_style": speech, "goals": goals,
        "relationships": relations, "key_events": events,
    })  # fmt: skip


def base_fields(obj: dict[str, Any] | None) -> tuple[str, str] | None:
    """A reduce reply -> (description, personality), or None."""
    if obj is None:
        return None
    description, personality = _text(obj.get("description")), _text(obj.get("personality"))
    return (description, personality) if description else None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()[:MAX_TEXT]
    if isinstance(value, list):
        return "；".join(_text(v) for v in value if _text(v))[:MAX_TEXT]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _relations(value: Any, lo: int, hi: int) -> list[dict[str, Any]]:
    if isinstance(value, dict):  # {"name": "relation"} is a common shortcut
        value = [{"with": k, "relation": v} for k, v in value.items()]
    out = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        who = _text(item.get("with") or item.get("name") or item.get("character"))
        what = _text(item.get("relation") or item.get("relationship") or item.get("attitude"))
        if who:
            out.append({"with": who[:40], "relation": what, "chapters": [lo, hi]})
    return out[:MAX_ITEMS]


def _events(value: Any, lo: int, hi: int) -> list[dict[str, Any]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            item = {"event": item}
        if not isinstance(item, dict):
            continue
        event = _text(item.get("event") or item.get("description"))
        if not event:
            continue
        chapter = _chapter(item.get("chapter"))
        where = [chapter, chapter] if chapter is not None and lo <= chapter <= hi else [lo, hi]
        out.append({"event": event, "chapters": where})
    return out[:MAX_ITEMS]


def _chapter(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        m = re.search(r"\d+", value)
        return int(m.group(0)) if m else None
    return None


def _describe(
    summary: str, relations: list[dict[str, Any]], events: list[dict[str, Any]], zh: bool
) -> str:
    parts = [summary] if summary else []
    if relations:
        rel = [f"{r['with']}（{r['relation']}）" if r["relation"] else r["with"] for r in relations]
        parts.append(("关系：" + "；".join(rel)) if zh else "Relations: " + "; ".join(rel))
    if events:
        told = [f"{_where(e['chapters'], zh)}{e['event']}" for e in events]
        parts.append(("经历：" + "；".join(told)) if zh else "Events: " + "; ".join(told))
    return ("。" if zh else ". ").join(p.rstrip("。. ") for p in parts) + ("。" if zh else ".")


def _where(chapters: list[int], zh: bool) -> str:
    lo, hi = chapters
    span = str(lo) if lo == hi else f"{lo}–{hi}"
    return f"第{span}章" if zh else f"(ch. {span}) "


def _character(personality: str, speech: str, goals: str, zh: bool) -> str:
    parts = [personality] if personality else []
    if speech:
        parts.append(("说话方式：" if zh else "Speech: ") + speech)
    if goals:
        parts.append(("目标：" if zh else "Goals: ") + goals)
    if not parts:
        return ""
    return ("。" if zh else ". ").join(p.rstrip("。. ") for p in parts) + ("。" if zh else ".")
