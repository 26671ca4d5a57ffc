"""Accuracy and macro-F1 of the shipped contradiction detector on a CDConv 2-class TSV.

    python bench/contradiction_cdconv.py --data ../shared/data/cdconv --test 2class_dev.tsv

The model is the one in the package (``roleplay/consistency/contradiction.npz``),
trained on the train split only; this script never trains. e5 vectors are
cached outside the repo (``--cache``). It also times the model's own
inference per pair (the vectors excluded: they are the embedder's cost, see
docs/consistency.md). The last line is the JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from roleplay.consistency import (  # noqa: E402
    Exchange,
    PersonaChecker,
    PersonaContext,
    ProfileCache,
    load_contradiction,
)
from roleplay.consistency.contradiction import ContradictionModel  # noqa: E402

RUNTIME_MIN_SCORE = 0.85  # ContradictionChecker's default min_score
from scripts.train_contradiction import VectorCache, read_pairs  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CDConv 2-class contradiction benchmark")
    parser.add_argument("--data", type=Path, required=True, help="the cdconv folder")
    parser.add_argument("--test", default="2class_dev.tsv", help="a 2-class TSV in --data")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cdconv-e5.npz")
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows (smoke runs)")
    parser.add_argument(
        "--latency", type=int, default=0, help="also time N full checks as chat turns (real e5)"
    )
    args = parser.parse_args(argv)
    path = args.test if Path(args.test).is_absolute() else args.data / args.test
    if not Path(path).exists():
        print(f"skipped: {path} not found", file=sys.stderr)
        print(json.dumps({"skipped": True}))
        return 0
    pairs, y = read_pairs(Path(path))
    if args.limit:
        pairs, y = pairs[: args.limit], y[: args.limit]
    model = ContradictionModel.load()
    cache = VectorCache(args.cache)
    cache.fill(t for a, b in pairs for t in model.texts(a, b))
    started = time.perf_counter()
    probs = model.predict(model.features(pairs, cache.vectors))
    per_pair_ms = (time.perf_counter() - started) * 1000 / max(len(pairs), 1)
    result = scores(y, probs, model.threshold)
    result |= {"test": Path(path).name, "n": len(y), "positives": int(y.sum())}
    result["features_and_model_ms_per_pair"] = round(per_pair_ms, 4)
    if args.latency:
        result["latency"] = asyncio.run(turn_latency(pairs[: args.latency]))
    print(json.dumps(result))
    return 0


def scores(y: np.ndarray, probs: np.ndarray, threshold: float) -> dict[str, object]:
    """The benchmark's metrics at the model's threshold, then the run-time operating point."""
    pred = probs >= threshold
    strict = probs >= max(RUNTIME_MIN_SCORE, threshold)
    return {
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
        "threshold": round(threshold, 3),
        "majority_macro_f1": round(float(f1_score(y, np.zeros_like(y), average="macro")), 4),
        "runtime_min_score": RUNTIME_MIN_SCORE,
        "runtime_precision": round(float(y[strict].mean()) if strict.any() else 0.0, 4),
        "runtime_recall": round(float(strict[y == 1].mean()), 4),
    }


async def turn_latency(pairs: list[tuple[Exchange, Exchange]]) -> dict[str, float]:
    """Each pair as a chat turn: (u1, b1) earlier, u2 now, b2 the reply; 孙悟空's card loaded.

    Times the whole ``PersonaChecker.check`` (deterministic checks, the trigger, and e5 +
    model when it fires) with a cold vector cache per turn, as in a new chat. The card's
    profile is built once, as in the server.
    """
    from characters.card import parse_card_json
    from characters.store import SAMPLES
    from memory.embeddings import E5Embedder

    card = parse_card_json(json.loads((SAMPLES / "sun-wukong.json").read_text("utf-8")))
    embedder = E5Embedder(num_threads=1)
    profiles = ProfileCache()
    canon = profiles.get("bench", card, 14).canon
    fired: list[float] = []
    quiet: list[float] = []
    for first, second in pairs:
        contradiction = load_contradiction(embedder)
        checker = PersonaChecker(contradiction=contradiction, profiles=profiles)
        ctx = PersonaContext(
            "孙悟空", 14, card=card, card_key="bench", user_message=second.user, history=[first]
        )
        report = await checker.check(second.reply, ctx)
        hit = contradiction.candidates(second.user, [first], canon)
        (fired if hit else quiet).append(report.timings_ms["total"])

    def pct(xs: list[float], q: float) -> float:
        return round(float(np.percentile(xs, q)), 3) if xs else 0.0

    return {
        "turns": len(pairs),
        "trigger_rate": round(len(fired) / max(len(pairs), 1), 4),
        "quiet_p50_ms": pct(quiet, 50),
        "quiet_p99_ms": pct(quiet, 99),
        "fired_p50_ms": pct(fired, 50),
        "fired_p99_ms": pct(fired, 99),
    }


if __name__ == "__main__":
    raise SystemExit(main())
