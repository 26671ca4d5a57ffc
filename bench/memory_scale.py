"""Retrieval latency and write throughput with many readers in the embedded store.

1. Bulk-load ``--readers`` × ``--per-reader`` memories (synthetic sentences from a
   2 000-word vocabulary, synthetic unit vectors) straight into the store, one
   collection per reader (the production layout, ``memory.scopes``).
2. Writes: ``--writes`` exchanges through the production writer (extraction,
   reconciliation, summaries, upsert, generation bump) for ``--active`` readers, in
   batches of 32 as the queue worker applies them, with an embedder that returns
   vectors instantly, so embedding time is excluded. ``writes_per_s`` counts memory
   items (turns, facts, summaries) stored per second.
3. Retrieval: ``--queries`` calls of the production ``recall`` (budget 1 200) on
   active readers: ``retrieval_ms`` with the real e5 query embedding,
   ``store_only_ms`` with the query vectors computed beforehand. ``cold_ms`` is the
   first recall for a reader whose mirror is not loaded yet (one extra store read).
4. ``embeds_per_s``: e5 passage embeddings per second, batches of 32.

    .venv/bin/python bench/memory_scale.py [--readers 1000 --per-reader 1000]

Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import structlog

from memory.base import MemoryScope, TurnRecord
from memory.chroma import ChromaStore
from memory.embeddings import E5Embedder, Vectors
from memory.items import MemoryItem
from memory.scopes import memory_space
from memory.service import LongTermMemory
from memory.store import Record
from roleplay.tokens import get_tokenizer

DIM = 384


class InstantEmbedder:
    """Random unit vectors, except for texts given beforehand (precomputed queries)."""

    dim = DIM

    def __init__(self, known: dict[str, Vectors] | None = None) -> None:
        self.known = known or {}
        self._rng = np.random.default_rng(7)

    async def query(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self.known.get(t, self._one()) for t in texts])

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._one() for _ in texts])

    def _one(self) -> Vectors:
        v = self._rng.standard_normal(DIM).astype(np.float32)
        return v / np.linalg.norm(v)


@functools.lru_cache(maxsize=1)
def vocabulary(n: int = 2000) -> list[str]:
    rng = random.Random(3)
    return [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(n)
    ]


# Reader messages of ordinary length, for the cost of embedding a real query (the
# synthetic queries above are random letter strings: 2–3× more tokens per word).
CHAT = [
    "Do you remember what I told you about my sister?",
    "What was the name of the town we talked about last week?",
    "I finally finished the book you recommended!",
    "Can you tell me again how you learned the seventy-two transformations?",
    "你还记得我上次说的那本书吗？",
    "我今天考试考得不错，想跟你分享一下。",
    "师父又被妖怪抓走了，我们该怎么办？",
    "Why did you leave the mountain in the first place?",
]


async def query_embed_ms(e5: E5Embedder, rounds: int = 25) -> dict[str, float]:
    out = []
    for _ in range(rounds):
        for text in CHAT:
            started = time.perf_counter()
            await e5.query([text])
            out.append((time.perf_counter() - started) * 1000)
    return pct(out)


def sentence(rng: random.Random, vocab: list[str], lo: int = 10, hi: int = 22) -> str:
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(lo, hi))).capitalize() + "."


async def bulk_load(store: ChromaStore, readers: int, per: int, vocab: list[str]) -> float:
    rng, nprng = random.Random(1), np.random.default_rng(1)
    started = time.perf_counter()
    for r in range(readers):
        vecs = nprng.standard_normal((per, DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        records = []
        for i in range(per):
            item = MemoryItem(
                id=f"r{r}-{i}",
                kind="turn",
                text=sentence(rng, vocab),
                reader_id=f"reader{r}",
                card_id="card",
                chat_id=f"chat{r}",
                speaker="Reader" if i % 2 else "Char",
                sources=(f"m{r}-{i}",),
                seq=i,
                at=1.7e9 + i * 60,
            )
            records.append(Record(item.id, item.text, item.to_meta(), vecs[i].tolist()))
        for start in range(0, per, 1000):
            await store.upsert(memory_space("scale", f"reader{r}"), records[start : start + 1000])
        if r % 50 == 49:
            rate = (r + 1) * per / (time.perf_counter() - started)
            print(
                f"loaded {r + 1}/{readers} readers ({rate:.0f} items/s)",
                file=sys.stderr,
                flush=True,
            )
    return readers * per / (time.perf_counter() - started)


def pct(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(float(np.percentile(values, 50)), 2),
        "p99": round(float(np.percentile(values, 99)), 2),
    }


async def timed_recalls(mem: LongTermMemory, plan: Sequence[tuple[str, str]]) -> list[float]:
    out = []
    for reader, query in plan:
        scope = MemoryScope(reader_id=reader, card_id="card")
        t = time.perf_counter()
        got = await mem.recall(scope, query, budget_tokens=1200)
        out.append((time.perf_counter() - t) * 1000)
        assert got, "recall returned nothing: the store is not answering"
    return out


async def write_phase(
    mem: LongTermMemory, args: argparse.Namespace, active: list[str], rng: random.Random
) -> float:
    """Memory items stored per second, batches of 32 exchanges as the queue worker applies."""
    vocab = vocabulary()
    writes, started = 0, time.perf_counter()
    batch: list[tuple[MemoryScope, TurnRecord]] = []
    for i in range(args.writes):
        reader = active[i % len(active)]
        turn = TurnRecord(
            chat_id=f"chat-new-{reader}",
            user_message_id=f"w{args.seed}-{i}u",
            reply_message_id=f"w{args.seed}-{i}r",
            user_name="Reader",
            character_name="Char",
            user_text=f"I love {rng.choice(vocab)}. " + sentence(rng, vocab),
            reply_text=sentence(rng, vocab),
            at=1.8e9 + i + args.seed * 1e6,
        )
        batch.append((MemoryScope(reader_id=reader, card_id="card"), turn))
        if len(batch) == 32 or i == args.writes - 1:
            writes += await mem.writer.apply_many(batch)
            batch = []
    return writes / (time.perf_counter() - started)


async def embed_phase(e5: E5Embedder, rng: random.Random) -> float:
    texts = [sentence(rng, vocabulary()) for _ in range(256)]
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        await e5.passage(texts[start : start + 32])
    return len(texts) / (time.perf_counter() - started)


async def prepare(store: ChromaStore, args: argparse.Namespace, path: Path) -> float:
    marker = path / f"loaded-{args.readers}x{args.per_reader}"
    if marker.exists():  # --path reused: the bulk load was measured when it was made
        return float(marker.read_text())
    bulk = await bulk_load(store, args.readers, args.per_reader, vocabulary())
    marker.write_text(str(bulk))
    return bulk


async def run(args: argparse.Namespace, path: Path) -> dict[str, object]:
    vocab, rng = vocabulary(), random.Random(5 + args.seed)
    store = ChromaStore(path=path, timeout_s=60)
    bulk = await prepare(store, args, path)
    active = [f"reader{i}" for i in rng.sample(range(args.readers), min(args.active, args.readers))]
    e5 = E5Embedder(num_threads=args.threads)
    queries = [
        " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 9))) for _ in range(args.queries)
    ]
    known = dict(zip(queries, await e5.query(queries), strict=True))
    mem = LongTermMemory(
        store,
        InstantEmbedder(known),
        count_tokens=get_tokenizer().count,
        prefix="scale",
        mirror_capacity=max(256, len(active)),
        recall_timeout_s=60,
    )
    cold = await timed_recalls(mem, [(r, queries[i % len(queries)]) for i, r in enumerate(active)])
    writes_per_s = await write_phase(mem, args, active, rng)
    plan = [(rng.choice(active), q) for q in queries]
    store_only = await timed_recalls(mem, plan)
    mem.bank.embedder = e5  # the real path: the query is embedded inside recall
    full = await timed_recalls(mem, plan)
    embeds_per_s = await embed_phase(e5, rng)
    chat_embed = await query_embed_ms(e5)
    await store.aclose()
    return {
        "retrieval_ms": pct(full),
        "store_only_ms": pct(store_only),
        "writes_per_s": round(writes_per_s, 1),
        "embeds_per_s": round(embeds_per_s, 1),
        "cold_ms": pct(cold),
        "chat_query_embed_ms": chat_embed,
        "bulk_load_per_s": round(bulk, 1),
        "readers": args.readers,
        "per_reader": args.per_reader,
        "active_readers": len(active),
        "queries": len(queries),
        "exchanges_written": args.writes,
        "load_average": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--readers", type=int, default=1000)
    ap.add_argument("--per-reader", type=int, default=1000)
    ap.add_argument("--active", type=int, default=100, help="readers chatting during the run")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--writes", type=int, default=500, help="exchanges written (2+ memories each)")
    ap.add_argument(
        "--path",
        type=Path,
        default=None,
        help="store folder, kept and reused by later runs (default: a temp dir)",
    )
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="vary it when reusing --path")
    args = ap.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if args.path is not None:
        result = asyncio.run(run(args, args.path))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(run(args, Path(tmp)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
