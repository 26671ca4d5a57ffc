"""COLD (Chinese offensive language): the moderator's verdicts against gold labels.

    python bench/moderation_cold.py --data ../shared/data/cold [--test FILE.csv]

Evaluates ``--test`` (default: ``test.csv`` if the folder has one, else ``dev.csv``)
through the same path as ``roleplay moderate``: predicted offensive = flagged in
any category, score = the highest category score. The heads were trained on
``train.csv`` only. With a fine-grained label column (COLD's test split), the
per-kind accuracy is printed too (kind 3, anti-bias, is the usual failure).
Last line: ``{"accuracy", "macro_f1", "f1_offensive", "auprc", ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, average_precision_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from safety.base import Policy  # noqa: E402
from safety.cli import result  # noqa: E402
from safety.embedder import precompute  # noqa: E402
from safety.moderator import LayeredModerator  # noqa: E402


def load(path: Path) -> tuple[list[str], np.ndarray, list[str] | None]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    fine_key = next((k for k in rows[0] if k.startswith("fine")), None) if rows else None
    fine = [r[fine_key] for r in rows] if fine_key else None
    return [r["TEXT"] for r in rows], np.array([int(r["label"]) for r in rows]), fine


async def score(
    texts: list[str], cache: Path | None, threads: int
) -> tuple[np.ndarray, np.ndarray]:
    mod = LayeredModerator(embedder=precompute(texts, cache, threads))
    verdicts = await mod.screen_many(texts, ["user"] * len(texts), Policy())
    pred = np.array([not v.allowed for v in verdicts], int)
    prob = np.array([max(result(None, v)["scores"].values()) for v in verdicts])
    return pred, prob


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True, help="the cold/ folder")
    ap.add_argument("--test", type=Path, help="CSV to evaluate (default test.csv or dev.csv)")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "roleplay-safety")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    test = args.test or next(
        (args.data / n for n in ("test.csv", "dev.csv") if (args.data / n).exists()), None
    )
    if test is None or not test.exists():
        print(f"no test file under {args.data}; skipping", file=sys.stderr)
        return 0
    texts, y, fine = load(test)
    t0 = time.monotonic()
    pred, prob = asyncio.run(score(texts, args.cache, args.threads))
    out = {
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
        "f1_offensive": round(float(f1_score(y, pred)), 4),
        "auprc": round(float(average_precision_score(y, prob)), 4),
        "n": len(y),
        "file": test.name,
        "seconds": round(time.monotonic() - t0, 1),
    }
    if fine is not None:
        kinds = sorted(set(fine))
        out["accuracy_by_fine_label"] = {
            k: round(
                float(np.mean([p == t for p, t, f in zip(pred, y, fine, strict=True) if f == k])), 4
            )
            for k in kinds
        }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
