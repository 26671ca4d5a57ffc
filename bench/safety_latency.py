"""Latency the safety layer adds per turn, at 200 concurrent turns.

    python bench/safety_latency.py [--data ../shared/data] [--turns 400] [--concurrency 200]

Each simulated turn screens a reader message (``screen``, deep check overlapped
with a simulated LLM time-to-first-token), then streams a reply through
``StreamGate`` in small pieces at LLM pace, finishes it, and runs the persona
checks the engine runs before storing the reply (``PersonaChecker.check``; the
contradiction model is deferred until after delivery, as in the engine). ``added_ms`` per turn is
all the time the turn spends inside these layers: the input screen, every
``feed`` (including any wait for the input's deep check before the first release),
``finish`` and the persona check. The texts are our own role-play turns (``tests/safety/data``);
``--data`` is accepted for symmetry with the other benchmarks and, when it has
``novels/``, replies are cut from the canon novels as well.
Last line: ``{"added_ms": {"p50", "p99"}, "holdback_chars": ..., ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from characters.cardfile import read_card_file  # noqa: E402
from characters.store import SAMPLES  # noqa: E402
from memory.embeddings import E5Embedder as MemoryEmbedder  # noqa: E402
from roleplay.consistency import (  # noqa: E402
    Exchange,
    PersonaChecker,
    PersonaContext,
    load_contradiction,
)
from safety.base import Policy  # noqa: E402
from safety.embedder import E5Embedder  # noqa: E402
from safety.lexicon import Lexicon  # noqa: E402
from safety.moderator import LayeredModerator  # noqa: E402
from safety.stream import StreamGate  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "safety" / "data"


def texts(data: Path | None) -> tuple[list[str], list[str]]:
    users: list[str] = []
    replies: list[str] = []
    for line in (DATA / "benign_roleplay.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            role, _, text = line.partition("|")
            (users if role == "user" else replies).append(text)
    for line in (DATA / "attacks_heldout.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            users.append(line.partition("|")[2])
    if data is not None and (data / "novels").is_dir():
        for path in sorted((data / "novels").glob("*/*.txt"))[:4]:
            body = re.sub(r"\s+", " ", path.read_text(encoding="utf-8-sig", errors="replace"))
            replies.extend(body[i : i + 300] for i in range(5000, 65000, 3000))
    return users, replies


CARD = read_card_file(SAMPLES / "lin-qingyu.json")


async def turn(
    mod: LayeredModerator,
    checker: PersonaChecker,
    user: str,
    reply: str,
    rng: random.Random,
    ttft_s: float,
    tick_s: float,
) -> dict[str, Any]:
    policy = Policy(rating="teen", work_id="bench-work", card_id="bench-card")
    # Wall time only, around each call into the layers. No per-piece CPU clock: on this
    # box thread_time() is a real system call costing ~0.17 ms, so timing ~75 pieces a
    # reply with it spent more of the event loop than the layers did (and inflated the
    # figures it measured). CPU is reported for the whole run instead.
    t = time.perf_counter()
    verdict = await mod.screen(user, role="user", policy=policy)
    added = time.perf_counter() - t
    screen_s = added
    if not verdict.allowed:
        return {"added": added, "held": [], "blocked_input": True, "screen": screen_s}
    gate = StreamGate(mod, policy, after=verdict.followup)
    await asyncio.sleep(ttft_s)  # context gathering + the LLM's first token
    i = 0
    while i < len(reply):
        n = rng.randint(1, 4)
        t = time.perf_counter()
        release = await gate.feed(reply[i : i + n])
        added += time.perf_counter() - t
        if not release.verdict.allowed:
            return {
                "added": added,
                "held": gate.held,
                "blocked_output": True,
                "screen": screen_s,
            }
        i += n
        await asyncio.sleep(tick_s)
    t = time.perf_counter()
    await gate.finish()
    # Stage 6 as the engine runs it: the deterministic checks inline, the contradiction
    # model after delivery (not part of the reader's wait, so not timed here).
    context = PersonaContext(
        character_name=CARD.data.name,
        chapter=3,
        card=CARD,
        card_key="lin-qingyu@bench",
        user_message=user,
        history=[Exchange("你好", "在下林清羽。")],
    )
    await checker.check(reply, context)
    added += time.perf_counter() - t
    return {"added": added, "held": gate.held, "screen": screen_s}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    users, replies = texts(args.data if args.data and args.data.is_dir() else None)
    mod = LayeredModerator(embedder=E5Embedder(threads=1, max_batch=32), deep_input="overlap")
    mod.hot("warm up")
    checker = PersonaChecker(
        contradiction=load_contradiction(MemoryEmbedder(num_threads=1)), defer_contradiction=True
    )
    # Load the model and let the embedder measure its own speed on this machine.
    for k in range(3):
        await mod.embedder.embed([f"warm up {k}: {u}" for u in users[:8]])
    gc.collect()
    gc.freeze()  # as the server does once started (web/app.py)
    rng = random.Random(0)
    jobs = [(rng.choice(users), rng.choice(replies)) for _ in range(args.turns)]
    sem = asyncio.Semaphore(args.concurrency)

    async def one(u: str, r: str, k: int) -> dict[str, Any]:
        # Readers do not all press enter in the same millisecond: spread the first wave
        # over --ramp seconds (0 = one burst, the worst case); later turns follow at once.
        if k < args.concurrency:
            await asyncio.sleep(args.ramp * k / args.concurrency)
        async with sem:
            return await turn(mod, checker, u, r, random.Random(k), args.ttft, args.tick)

    t0, cpu0 = time.monotonic(), time.process_time()
    results = await asyncio.gather(*(one(u, r, k) for k, (u, r) in enumerate(jobs)))
    wall = time.monotonic() - t0
    added = np.array([r["added"] for r in results]) * 1000
    held = np.array([h for r in results for h in r["held"]] or [0])
    screen = np.array([r["screen"] for r in results]) * 1000
    return {
        "added_ms": {
            "p50": round(float(np.percentile(added, 50)), 2),
            "p99": round(float(np.percentile(added, 99)), 2),
            "max": round(float(added.max()), 2),
        },
        # All the process's CPU (event loop and embedding thread) over the run, per turn.
        "process_cpu_ms_per_turn": round((time.process_time() - cpu0) * 1000 / len(results), 2),
        "input_screen_ms": {
            "p50": round(float(np.percentile(screen, 50)), 2),
            "p99": round(float(np.percentile(screen, 99)), 2),
        },
        "holdback_chars": Lexicon.load().max_key,
        "held_chars": {
            "mean": round(float(held.mean()), 2),
            "p99": round(float(np.percentile(held, 99)), 1),
        },
        "turns": len(results),
        "concurrency": args.concurrency,
        "ramp_s": args.ramp,
        "blocked_inputs": sum(bool(r.get("blocked_input")) for r in results),
        "blocked_outputs": sum(bool(r.get("blocked_output")) for r in results),
        "deep_checks_shed": mod.skipped,
        "embed_ms_per_text": round(getattr(mod.embedder, "seconds_per_text", 0.0) * 1000, 1),
        "wall_s": round(wall, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--turns", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--ttft", type=float, default=0.5, help="simulated LLM time to first token")
    ap.add_argument("--tick", type=float, default=0.04, help="simulated seconds between pieces")
    ap.add_argument("--ramp", type=float, default=5.0, help="seconds over which turns start")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
