"""Evidence recall of long-term memory on LoCoMo-format conversations.

Each conversation is fed through the production writer turn by turn (consecutive
turns paired as message + reply, dated with their session's time); then every
question of categories 1–4 is asked through the production ``recall`` with the
memory budget. A question's score at k is the fraction of its evidence turns
whose content is in the first k returned memories (a memory covers the turns it
quotes or was derived from: ``meta["sources"]`` holds their dia_ids). Measured in
the same run, on the same embeddings: plain dense top-k over raw turns
(``speaker: text``), the baseline, plus the same baseline given as many tokens
as our memory used (``baseline_same_tokens``), so the comparison is fair on cost.

``--loo`` also re-runs retrieval for a small grid of parameters and reports
leave-one-conversation-out: for each conversation, the parameters that scored
best on the *other* conversations, evaluated on it.

    .venv/bin/python bench/memory_locomo.py --data ../shared/data/locomo [--loo]

Shared-photo turns carry their BLIP caption as "[shares a photo: …]" for both
methods. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import structlog

from memory.base import MemoryScope, Recalled, TurnRecord
from memory.chroma import ChromaStore
from memory.embeddings import E5Embedder, Embedder, HashEmbedder, Vectors
from memory.retrieval import RetrievalParams
from memory.service import LongTermMemory
from memory.store import FakeVectorStore, VectorStore
from roleplay.tokens import get_tokenizer

REPO = Path(__file__).resolve().parents[1]
GRID = [
    {"window": w, "lexical_weight": lw, "dense_weight": 1.0} for w in (1, 2) for lw in (1.0, 1.5)
]


@dataclass(frozen=True, slots=True)
class Turn:
    dia_id: str
    speaker: str
    text: str
    at: float


@dataclass(slots=True)
class Conversation:
    name: str
    turns: int
    write_s: float
    rows: list[dict[str, float]]
    grids: list[list[tuple[float, float]]]


class CachingEmbedder:
    """The bundled model, remembering texts it has embedded (the baseline reuses them)."""

    def __init__(self, model: Embedder) -> None:
        self.model, self.dim = model, model.dim
        self._cache: dict[tuple[bool, str], np.ndarray] = {}

    async def query(self, texts: Sequence[str]) -> Vectors:
        return await self._get(texts, True)

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return await self._get(texts, False)

    async def _get(self, texts: Sequence[str], is_query: bool) -> Vectors:
        todo = sorted({t for t in texts if (is_query, t) not in self._cache})
        if todo:
            fn = self.model.query if is_query else self.model.passage
            for text, vec in zip(todo, await fn(todo), strict=True):
                self._cache[(is_query, text)] = vec
        return np.stack([self._cache[(is_query, t)] for t in texts]).astype(np.float32)


def load(path: Path) -> tuple[list[Turn], list[dict[str, object]], str]:
    data = json.loads(path.read_text())
    conv = data.get("conversation", data)
    numbers = sorted(int(k.split("_")[1]) for k in conv if re.fullmatch(r"session_\d+", k))
    turns = []
    for n in numbers:
        base = _when(str(conv.get(f"session_{n}_date_time", "")))
        for i, t in enumerate(conv[f"session_{n}"]):
            text = str(t.get("text", ""))
            if t.get("blip_caption"):
                text += f" [shares a photo: {t['blip_caption']}]"
            turns.append(Turn(str(t["dia_id"]), str(t["speaker"]), text, base + i * 30))
    qa = [q for q in data["qa"] if q.get("category") in (1, 2, 3, 4)]
    return turns, qa, str(data.get("sample_id", path.stem))


def _when(stamp: str) -> float:
    try:
        dt = datetime.strptime(stamp.strip(), "%I:%M %p on %d %B, %Y")
    except ValueError:
        return 0.0
    return dt.replace(tzinfo=UTC).timestamp()


def exchanges(turns: Sequence[Turn]) -> list[TurnRecord]:
    """Consecutive turns as (message, reply) pairs; a session never pairs with the next."""
    out, i = [], 0
    while i < len(turns):
        a = turns[i]
        b = turns[i + 1] if i + 1 < len(turns) and turns[i + 1].at - a.at < 3600 else None
        out.append(
            TurnRecord(
                chat_id="locomo",
                user_message_id=a.dia_id,
                reply_message_id=b.dia_id if b else f"{a.dia_id}:none",
                user_name=a.speaker,
                character_name=b.speaker if b else "",
                user_text=a.text,
                reply_text=b.text if b else "",
                at=a.at,
            )
        )
        i += 2 if b else 1
    return out


def evidence(q: dict[str, object], known: set[str]) -> set[str]:
    ids = {p for e in q.get("evidence", []) for p in re.split(r"[;,\s]+", str(e))}  # type: ignore[attr-defined]
    return ids & known


def covered(items: Sequence[Recalled], k: int) -> set[str]:
    return {str(s) for r in items[:k] for s in r.meta.get("sources", [])}  # type: ignore[attr-defined]


async def baseline(
    embedder: CachingEmbedder,
    raw: Vectors,
    turns: Sequence[Turn],
    lines: Sequence[str],
    question: str,
    tokens: int,
) -> tuple[list[str], list[str]]:
    """Dense top-10 over raw turns, and as many top turns as fit in ``tokens``."""
    count = get_tokenizer().count
    order = np.argsort(-(raw @ (await embedder.query([question]))[0]))
    same_tokens, used = [], 0
    for i in order:
        used += count(lines[i]) + 2
        if used > tokens:
            break
        same_tokens.append(turns[i].dia_id)
    return [turns[i].dia_id for i in order[:10]], same_tokens


async def grid_scores(
    mem: LongTermMemory, scope: MemoryScope, question: str, ev: set[str], budget: int
) -> list[tuple[float, float]]:
    """Recall@5/@10 of the same question under each grid point (for leave-one-out)."""
    out = []
    for params in GRID:
        mem.params = replace(RetrievalParams(), **params)  # type: ignore[arg-type]
        alt = list(await mem.recall(scope, question, budget_tokens=budget))
        out.append((len(ev & covered(alt, 5)) / len(ev), len(ev & covered(alt, 10)) / len(ev)))
    mem.params = RetrievalParams()
    return out


async def evaluate_conversation(
    path: Path, embedder: CachingEmbedder, store: VectorStore, budget: int, loo: bool
) -> Conversation:
    turns, qa, name = load(path)
    count = get_tokenizer().count
    mem = LongTermMemory(
        store,
        embedder,
        count_tokens=count,
        prefix=f"locomo{abs(hash(name)) % 10**8}",
        dense_budget_s=60,  # a quality measure: never fall back to words alone on a busy box
    )
    scope = MemoryScope(reader_id=f"locomo-{name}", card_id="locomo")
    started = time.perf_counter()
    for record in exchanges(turns):
        await mem.remember(scope, record)
    write_s = time.perf_counter() - started
    known = {t.dia_id for t in turns}
    lines = [f"{t.speaker}: {t.text}" for t in turns]
    raw = await embedder.passage(lines)
    rows: list[dict[str, float]] = []
    grids: list[list[tuple[float, float]]] = [[] for _ in GRID] if loo else []
    for q in qa:
        ev = evidence(q, known)
        if not ev:
            continue
        got = list(await mem.recall(scope, str(q["question"]), budget_tokens=budget))
        tokens = sum(int(str(r.meta.get("tokens", count(r.text)))) for r in got[:10])
        base, same_tokens = await baseline(embedder, raw, turns, lines, str(q["question"]), tokens)
        rows.append(
            {
                "cat": int(str(q["category"])),
                "tokens": tokens,
                "r5": len(ev & covered(got, 5)) / len(ev),
                "r10": len(ev & covered(got, 10)) / len(ev),
                "b5": len(ev & set(base[:5])) / len(ev),
                "b10": len(ev & set(base)) / len(ev),
                "bt": len(ev & set(same_tokens)) / len(ev),
            }
        )
        if loo:
            for g, pair in enumerate(await grid_scores(mem, scope, str(q["question"]), ev, budget)):
                grids[g].append(pair)
    await mem.aclose()
    return Conversation(name, len(turns), write_s, rows, grids)


def mean(rows: Sequence[dict[str, float]], key: str) -> float:
    return float(np.mean([r[key] for r in rows])) if rows else 0.0


def leave_one_out(convs: Sequence[Conversation]) -> dict[str, object]:
    """Per held-out conversation: the grid point best on the others (mean r5+r10), scored on it."""
    if len(convs) < 2:
        return {"skipped": "leave-one-out needs at least two conversations"}
    held: list[tuple[float, float]] = []
    picks = []
    for c in convs:
        others = [o for o in convs if o is not c]
        totals = [
            float(np.mean([a + b for o in others for a, b in o.grids[g]])) for g in range(len(GRID))
        ]
        best = int(np.argmax(totals))
        picks.append({"held_out": c.name, "params": GRID[best]})
        held.extend(c.grids[best])
    return {
        "recall@5": round(float(np.mean([a for a, _ in held])), 4),
        "recall@10": round(float(np.mean([b for _, b in held])), 4),
        "picks": picks,
    }


def summary(convs: Sequence[Conversation]) -> dict[str, object]:
    rows = [r for c in convs for r in c.rows]
    return {
        "recall@5": round(mean(rows, "r5"), 4),
        "recall@10": round(mean(rows, "r10"), 4),
        "baseline": {
            "recall@5": round(mean(rows, "b5"), 4),
            "recall@10": round(mean(rows, "b10"), 4),
        },
        "baseline_same_tokens": {"recall": round(mean(rows, "bt"), 4)},
        "memory_tokens_mean": round(mean(rows, "tokens"), 1),
        "by_category": {
            str(cat): {
                "n": len(sub := [r for r in rows if r["cat"] == cat]),
                "recall@5": round(mean(sub, "r5"), 4),
                "recall@10": round(mean(sub, "r10"), 4),
                "baseline@10": round(mean(sub, "b10"), 4),
            }
            for cat in (1, 2, 3, 4)
        },
        "questions": len(rows),
        "conversations": [c.name for c in convs],
    }


async def main(argv: Sequence[str] | None = None) -> int:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "locomo")
    ap.add_argument("--budget", type=int, default=1200, help="memory token budget per question")
    ap.add_argument("--store", choices=["embedded", "fake"], default="embedded")
    ap.add_argument("--limit", type=int, default=0, help="only the first N conversations")
    ap.add_argument("--loo", action="store_true", help="also report leave-one-conversation-out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hash", action="store_true", help="fake embeddings (smoke tests only)")
    args = ap.parse_args(argv)
    files = sorted(args.data.glob("*.json")) if args.data.is_dir() else []
    if not files:
        print(f"skip: no LoCoMo conversations at {args.data} (pass --data PATH)")
        return 0
    files = files[: args.limit] if args.limit else files
    model: Embedder = HashEmbedder() if args.hash else E5Embedder(num_threads=args.threads)
    embedder = CachingEmbedder(model)
    convs: list[Conversation] = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            embedded = args.store == "embedded"
            store = ChromaStore(path=Path(tmp) / path.stem) if embedded else FakeVectorStore()
            c = await evaluate_conversation(path, embedder, store, args.budget, args.loo)
            convs.append(c)
            print(
                f"{c.name}: {c.turns} turns written in {c.write_s:.0f}s, {len(c.rows)} questions;"
                f" r@5 {mean(c.rows, 'r5'):.3f} r@10 {mean(c.rows, 'r10'):.3f}"
                f" | baseline {mean(c.rows, 'b5'):.3f}/{mean(c.rows, 'b10'):.3f}"
                f" | tokens {mean(c.rows, 'tokens'):.0f}",
                file=sys.stderr,
                flush=True,
            )
    result = summary(convs)
    if args.loo:
        result["leave_one_out"] = leave_one_out(convs)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
