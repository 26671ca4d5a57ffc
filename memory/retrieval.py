"""Ranking and packing: fuse dense and lexical ranks, re-rank, expand turns, fit the budget.

Reciprocal-rank fusion needs no score calibration (e5 cosines are compressed and
BM25 scores unbounded), which is why it is used instead of a weighted sum. A hit
on a conversation turn is returned with its neighbours: answers are often spread
over a question and its reply ("Yeah, I painted that last year!"). The default
parameters were chosen on LoCoMo with leave-one-conversation-out (docs/memory.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from memory.base import Recalled
from memory.items import MemoryItem

Count = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class RetrievalParams:
    dense_k: int = 40
    lexical_k: int = 40
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    importance_weight: float = 0.2
    recency_weight: float = 0.1
    recency_half_life_s: float = 30 * 86400.0
    superseded_factor: float = 0.6
    window: int = 2
    max_items: int = 10
    canon_share: float = 0.35


def fuse(ranked: Sequence[Sequence[str]], weights: Sequence[float], k: int) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ids, weight in zip(ranked, weights, strict=True):
        for rank, item_id in enumerate(ids):
            scores[item_id] = scores.get(item_id, 0.0) + weight / (k + rank + 1)
    return scores


def rerank(
    scores: Mapping[str, float],
    items: Mapping[str, MemoryItem],
    params: RetrievalParams,
    now: float | None = None,
) -> list[tuple[MemoryItem, float]]:
    """Fused score × (importance, recency) factors; superseded facts stay findable but lower."""
    now = time.time() if now is None else now
    out = []
    for item_id, score in scores.items():
        item = items.get(item_id)
        if item is None:
            continue
        age = max(0.0, now - item.at)
        recency = math.exp(-age * math.log(2) / params.recency_half_life_s)
        factor = 1.0 + params.importance_weight * (item.importance - 0.5)
        factor += params.recency_weight * recency
        if not item.current:
            factor *= params.superseded_factor
        out.append((item, score * factor))
    out.sort(key=lambda pair: pair[1], reverse=True)
    return out


def day(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at)) if at > 0 else "?"


def render(item: MemoryItem) -> str:
    """One memory as the prompt shows it: dated, attributed, and marked if no longer true."""
    body = f"{item.speaker}: {item.text}" if item.kind == "turn" and item.speaker else item.text
    if not item.current:
        until = day(item.valid_to) if item.valid_to else "?"
        return f"[{day(item.at)}–{until}, no longer true] {body}"
    label = {"summary": "summary", "fact": "fact"}.get(item.kind)
    return f"[{day(item.at)}{' ' + label if label else ''}] {body}"


def render_window(window: Sequence[MemoryItem]) -> str:
    first, rest = window[0], window[1:]
    lines = [render(first)]
    lines += [f"{i.speaker}: {i.text}" if i.speaker else i.text for i in rest]
    return "\n".join(lines)


def pack(
    ranked: Sequence[tuple[MemoryItem, float]],
    neighbours: Callable[[MemoryItem, int], list[MemoryItem]],
    count: Count,
    budget_tokens: int,
    params: RetrievalParams,
    count_line: Count | None = None,
) -> list[Recalled]:
    """Greedy in rank order; a turn brings its window (shrunk to fit), overlaps are skipped.

    Windows are sized from per-line counts (``count_line``, memoised by the caller) and
    only the chosen text is counted exactly, so a recall tokenises a handful of strings,
    not every candidate at every radius."""
    count_line = count_line or count
    out: list[Recalled] = []
    covered: set[str] = set()
    used = 0
    for examined, (item, score) in enumerate(ranked):
        if len(out) >= params.max_items or budget_tokens - used < 4 or examined > 40:
            break
        if item.id in covered:
            continue
        fitted = _fit(item, neighbours, covered, count, count_line, budget_tokens - used, params)
        if fitted is None:
            continue
        window, text, cost = fitted
        covered.update(w.id for w in window)
        used += cost
        sources = [s for w in window for s in w.sources]
        recalled = item.to_recalled(score, text)
        recalled.meta.update(sources=sources, window=[w.id for w in window], tokens=cost)
        out.append(recalled)
    return out


def _fit(
    item: MemoryItem,
    neighbours: Callable[[MemoryItem, int], list[MemoryItem]],
    covered: set[str],
    count: Count,
    count_line: Count,
    room: int,
    params: RetrievalParams,
) -> tuple[list[MemoryItem], str, int] | None:
    widest = neighbours(item, params.window)
    at = next((n for n, w in enumerate(widest) if w.id == item.id), 0)
    for radius in range(params.window, -1, -1):
        window = [w for w in widest[max(0, at - radius) : at + radius + 1] if w.id not in covered]
        if not window:
            return None
        header = count_line(f"[{day(window[0].at)}] ")
        estimate = sum(count_line(line_of(w)) + 1 for w in window) + header + 2
        if estimate > room + 2:  # joined lines tokenise within a token or so of the parts
            continue
        text = render_window(window) if item.kind == "turn" else render(item)
        cost = count(text) + 2  # the prompt builder's per-item overhead
        if cost <= room:
            return window, text, cost
    return None


def line_of(item: MemoryItem) -> str:
    return f"{item.speaker}: {item.text}" if item.speaker else item.text
