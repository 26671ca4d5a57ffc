"""Retrieval latency and write throughput with many readers in the embedded store.

1. Bulk-load ``--readers`` × ``--per-reader`` memories (synthetic sentences from a
   2 000-word vocabulary, synthetic unit vectors) straight into the store, in the
   production layout (``memory.scopes``).
2. Writes: ``--writes`` exchanges from ``--active`` readers go through the production
   path: ``remember`` appends them to the Redis stream (a private redis-server), and the
   queue worker drains that backlog through the writer (extraction, reconciliation,
   summaries, upsert, generation bump in Redis). The embedder returns vectors instantly,
   so embedding time is excluded. ``writes_per_s`` counts memory items (turns, facts,
   summaries) stored per second from the worker's start until the stream is empty.
3. Retrieval: ``--queries`` calls of the production ``recall`` (budget 1 200) on active
   readers with reader messages: real chat lines (LoCoMo turns and CDConv user
   utterances, half and half) when ``--chat-data`` has them, else a built-in mixed
   Chinese/English list; each mentions one word of the stored vocabulary, so the lexical
   side has work. ``retrieval_ms`` includes the e5 query embedding (the product's, capped
   at 64 tokens), ``store_only_ms`` has the query vectors computed beforehand.
   ``cold_ms`` is the first recall for a reader whose mirror is not loaded yet.
4. ``embeds_per_s``: e5 passage embeddings per second, batches of 32.

    .venv/bin/python bench/memory_scale.py [--readers 1000 --per-reader 1000]
        [--chat-data ../shared/data] [--path DIR]

Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
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
from redis.asyncio import Redis

from memory.base import MemoryScope, TurnRecord
from memory.chroma import ChromaStore
from memory.embeddings import E5Embedder, Vectors
from memory.items import MemoryItem
from memory.queue import WriteQueue
from memory.scopes import memory_space
from memory.service import LongTermMemory
from memory.store import Record
from roleplay.store.redis_server import EmbeddedRedis
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


class ForeignLoad:
    """CPU cores that other processes kept busy lately, from ``/proc/stat`` (Linux; None
    elsewhere), measured over windows of at least ``window_s``."""

    def __init__(self, window_s: float = 0.5) -> None:
        self.window_s = window_s
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._last = self._sample()
        self.cores: float | None = None

    def _sample(self) -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:
                fields = [int(x) for x in fh.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = (sum(fields) - fields[3] - fields[4]) / self._tick  # all but idle and iowait
        own = os.times()
        return time.monotonic(), busy, own.user + own.system

    def update(self) -> float | None:
        now = self._sample()
        if now is None or self._last is None:
            return None
        elapsed = now[0] - self._last[0]
        if elapsed >= self.window_s:
            others = (now[1] - self._last[1]) - (now[2] - self._last[2])
            self.cores, self._last = max(0.0, others / elapsed), now
        return self.cores


@functools.lru_cache(maxsize=1)
def vocabulary(n: int = 2000) -> list[str]:
    rng = random.Random(3)
    return [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(n)
    ]


# Reader messages when no data folder is given: short chat lines in both languages, a few
# role-play paragraphs (the real sets below are what the published figures use).
CHAT = [
    "Do you remember what I told you about my sister?",
    "What was the name of the town we talked about last week?",
    "I finally finished the book you recommended!",
    "Can you tell me again how you learned the seventy-two transformations?",
    "你还记得我上次说的那本书吗？",
    "我今天考试考得不错，想跟你分享一下。",
    "师父又被妖怪抓走了，我们该怎么办？",
    "Why did you leave the mountain in the first place?",
    "hi",
    "早上好！",
    "haha that's so you",
    "你上次说要带我去花果山看看，还算数吗？",
    "*sits down next to you by the fire and warms my hands* It has been a long road since "
    "the river crossing. Tell me honestly, do you still think about that night?",
    "我把你送我的那把扇子弄丢了，找了一整天都没找到，心里特别难受。你会生我的气吗？"
    "我真的不是故意的，下次一定好好保管。",
    "Okay so today was a mess: my train was late, I spilled coffee on my notes, and my boss "
    "asked about the report I told you about. Any advice on how to calm down?",
    "what did I say my favourite colour was?",
]


def load_messages(data: Path | None) -> list[str]:
    """Real chat lines: LoCoMo turns (English) and CDConv user utterances (Chinese), evenly."""
    en: list[str] = []
    for path in sorted((data / "locomo").glob("*.json")) if data else []:
        conv = json.loads(path.read_text())
        conv = conv.get("conversation", conv)
        en += [
            str(t["text"])
            for k, v in conv.items()
            if k.startswith("session_")
            for t in v
            if isinstance(v, list) and isinstance(t, dict) and t.get("text")
        ]
    zh: list[str] = []
    tsv = data / "cdconv" / "4class_dev.tsv" if data else None
    if tsv is not None and tsv.exists():
        with tsv.open(encoding="utf-8") as fh:
            zh = [text for row in csv.reader(fh, delimiter="\t") for text in (row[0], row[2])]
    if not en or not zh:
        return []
    n = min(len(en), len(zh))
    return random.Random(11).sample(en, n) + random.Random(12).sample(zh, n)


def reader_messages(rng: random.Random, n: int, pool: Sequence[str]) -> list[str]:
    """``n`` messages from ``pool``, each mentioning one stored word (readers refer back)."""
    vocab, out = vocabulary(), []
    for _ in range(n):
        text, word = rng.choice(pool), rng.choice(vocab)
        spaces = [i for i, c in enumerate(text) if c == " "]
        at = rng.choice(spaces) if spaces else rng.randrange(len(text) + 1)
        out.append(f"{text[:at]} {word} {text[at:].lstrip()}".strip())
    return out


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


def count_stored(queue: WriteQueue) -> list[int]:
    """Wrap the worker's apply functions to count the memory items they store."""
    stored = [0]
    many, one = queue.apply_many, queue.apply
    assert many is not None

    async def apply_many(entries: Sequence[tuple[MemoryScope, TurnRecord]]) -> object:
        n = await many(entries)
        stored[0] += int(str(n))
        return n

    async def apply(scope: MemoryScope, turn: TurnRecord) -> object:
        items = await one(scope, turn)
        stored[0] += len(items) if isinstance(items, list) else 0
        return items

    queue.apply_many, queue.apply = apply_many, apply
    return stored


async def write_phase(
    mem: LongTermMemory, args: argparse.Namespace, active: list[str], rng: random.Random
) -> float:
    """Items per second through the write queue, draining a backlog of ``--writes`` exchanges."""
    assert mem.queue is not None
    vocab, stored = vocabulary(), count_stored(mem.queue)
    for i in range(args.writes):
        reader = rng.choice(active)
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
        await mem.remember(MemoryScope(reader_id=reader, card_id="card"), turn)
    started = time.perf_counter()
    await mem.start()
    assert await mem.flush(timeout_s=3600), "the write queue did not drain"
    elapsed = time.perf_counter() - started
    await mem.queue.aclose()
    return stored[0] / elapsed


async def embed_phase(e5: E5Embedder, rng: random.Random) -> float:
    texts = [sentence(rng, vocabulary()) for _ in range(256)]
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        await e5.passage(texts[start : start + 32])
    return len(texts) / (time.perf_counter() - started)


async def query_embed_ms(e5: E5Embedder, queries: Sequence[str], cap: int) -> dict[str, float]:
    """The query embedding alone, as recall does it (one message, capped)."""
    out = []
    for text in queries:
        started = time.perf_counter()
        await e5.query([text], max_tokens=cap)
        out.append((time.perf_counter() - started) * 1000)
    return pct(out)


async def prepare(store: ChromaStore, args: argparse.Namespace, path: Path) -> float:
    marker = path / f"loaded-{args.readers}x{args.per_reader}"
    if marker.exists():  # --path reused: the bulk load was measured when it was made
        return float(marker.read_text())
    bulk = await bulk_load(store, args.readers, args.per_reader, vocabulary())
    marker.write_text(str(bulk))
    return bulk


async def run(args: argparse.Namespace, path: Path, redis: Redis) -> dict[str, object]:
    rng = random.Random(5 + args.seed)
    store = ChromaStore(path=path, timeout_s=60)
    bulk = await prepare(store, args, path)
    active = [f"reader{i}" for i in rng.sample(range(args.readers), min(args.active, args.readers))]
    e5 = E5Embedder(num_threads=args.threads)
    pool = load_messages(args.chat_data) or CHAT
    queries = reader_messages(rng, args.queries, pool)
    known = dict(zip(queries, await e5.query(queries, max_tokens=args.query_tokens), strict=True))
    mem = LongTermMemory(
        store,
        InstantEmbedder(known),
        redis=redis,
        count_tokens=get_tokenizer().count,
        prefix="scale",
        queue_stream=f"scale:memq:{args.seed}",
        mirror_capacity=max(256, len(active)),
        recall_timeout_s=60,
        dense_budget_s=60,  # measure the whole path: never fall back to words alone
        query_tokens=args.query_tokens,
    )
    cold = await timed_recalls(mem, [(r, queries[i % len(queries)]) for i, r in enumerate(active)])
    busy, load = {}, ForeignLoad(window_s=0)
    writes_per_s = await write_phase(mem, args, active, rng)
    busy["writes"] = load.update()
    plan = [(rng.choice(active), q) for q in queries]
    store_only = await timed_recalls(mem, plan)
    busy["store_only"] = load.update()
    mem.bank.embedder = e5  # the real path: the query is embedded inside recall
    full = await timed_recalls(mem, plan)
    busy["retrieval"] = load.update()
    embeds_per_s = await embed_phase(e5, rng)
    tokens = [e5.query_tokens(q) for q in queries]
    result = {
        "retrieval_ms": pct(full),
        "store_only_ms": pct(store_only),
        "writes_per_s": round(writes_per_s, 1),
        "embeds_per_s": round(embeds_per_s, 1),
        "cold_ms": pct(cold),
        "query_embed_ms": await query_embed_ms(e5, queries, args.query_tokens),
        "query_tokens": pct(tokens)
        | {"over_cap": round(np.mean(np.array(tokens) > args.query_tokens), 3)},
        # Cores that other processes kept busy during each phase: this box is shared, and
        # the figures above mean little unless these are near zero.
        "other_processes_cores": {k: None if v is None else round(v, 2) for k, v in busy.items()},
        "messages": "locomo+cdconv" if pool is not CHAT else "built-in",
    }
    await store.aclose()
    return result | {
        "bulk_load_per_s": round(bulk, 1),
        "readers": args.readers,
        "per_reader": args.per_reader,
        "active_readers": len(active),
        "queries": len(queries),
        "exchanges_written": args.writes,
        "threads": args.threads,
        "query_cap": args.query_tokens,
        "load_average": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


async def run_with_redis(args: argparse.Namespace, path: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp)) as server:
        redis = Redis.from_url(server.url, decode_responses=True)
        try:
            return await run(args, path, redis)
        finally:
            await redis.aclose()


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
    ap.add_argument(
        "--chat-data",
        type=Path,
        default=None,
        help="data folder with locomo/ and cdconv/ for real reader messages",
    )
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--query-tokens", type=int, default=64, help="the recall's query cap (the product's: 64)"
    )
    ap.add_argument("--seed", type=int, default=0, help="vary it when reusing --path")
    args = ap.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if args.path is not None:
        result = asyncio.run(run_with_redis(args, args.path))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(run_with_redis(args, Path(tmp)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
