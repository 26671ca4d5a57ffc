"""Train the contradiction detector on CDConv's 2-class *train* split.

    python scripts/train_contradiction.py --data ../shared/data/cdconv

Writes ``roleplay/consistency/contradiction.npz`` (numpy arrays the runtime
loads without scikit-learn or torch). Model and threshold are selected on a
stratified 20 % held out of the train file, then the chosen model is refit on
all of it. The dev file is never read here, so
``bench/contradiction_cdconv.py --test 2class_dev.tsv`` stays an honest test.

e5 vectors take minutes to compute on two cores; they are cached outside the
repo (``--cache``, default in the system temp folder) and reused on re-runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from roleplay.consistency.features import full_view, pair_vector, view_texts  # noqa: E402
from roleplay.consistency.report import Exchange  # noqa: E402

OUT = REPO / "roleplay" / "consistency" / "contradiction.npz"
BLOCKS = ("lex", "cos", "b1", "b2", "u2", "full")
Pair = tuple[Exchange, Exchange]


def read_pairs(path: Path) -> tuple[list[Pair], np.ndarray]:
    """Rows ``u1 \\t b1 \\t u2 \\t b2 \\t label`` of a CDConv 2-class TSV."""
    pairs, labels = [], []
    for line in path.read_text("utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 5 or cols[4].strip() not in ("0", "1"):
            continue
        pairs.append((Exchange(cols[0], cols[1]), Exchange(cols[2], cols[3])))
        labels.append(int(cols[4]))
    return pairs, np.asarray(labels)


class VectorCache:
    """e5 ``query:`` vectors by text, kept in an .npz outside the repo."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path, allow_pickle=False) as z:
                self.vectors = dict(zip(z["texts"].tolist(), z["vectors"], strict=True))

    def fill(self, texts: Iterable[str], threads: int = 2) -> None:
        missing = sorted({t for t in texts if t not in self.vectors}, key=len)
        if not missing:
            return
        from memory.embeddings import E5Embedder

        model = E5Embedder(num_threads=threads)
        started = time.monotonic()
        for i in range(0, len(missing), 256):
            batch = missing[i : i + 256]
            self.vectors.update(zip(batch, model.query_sync(batch), strict=True))
            done = i + len(batch)
            rate = done / max(time.monotonic() - started, 1e-6)
            print(f"embedded {done}/{len(missing)} ({rate:.0f}/s)", file=sys.stderr, flush=True)
            if done % 5120 < 256 or done == len(missing):
                self.save()

    def save(self) -> None:
        texts = list(self.vectors)
        np.savez(
            self.path,
            texts=np.asarray(texts),
            vectors=np.stack([self.vectors[t] for t in texts]).astype(np.float32),
        )


# Which blocks are reduced by PCA, under which shared name, to how many dimensions.
PROJECT = {"b1": "b", "b2": "b", "u1": "u", "u2": "u", "full": "f"}
DIMS = {"b": 24, "u": 16, "f": 32}


def featurise(
    pairs: Sequence[Pair], cache: VectorCache, blocks: Sequence[str], project: dict[str, Any]
) -> np.ndarray:
    cache.fill(t for a, b in pairs for t in view_texts(a, b, blocks))
    return np.stack([pair_vector(a, b, cache.vectors, blocks, project) for a, b in pairs])


def fit_projections(
    pairs: Sequence[Pair], cache: VectorCache, blocks: Sequence[str]
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, np.ndarray]]:
    """PCA per shared name over the train texts (unsupervised: no labels are used)."""
    cache.fill(t for a, b in pairs for t in view_texts(a, b, blocks))
    texts: dict[str, list[str]] = {}
    for block in blocks:
        name = PROJECT.get(block)
        if name is None:
            continue
        for a, b in pairs:
            view = {"u1": a.user, "b1": a.reply, "u2": b.user, "b2": b.reply}
            texts.setdefault(name, []).append(view.get(block) or full_view(a, b))
    project, arrays = {}, {}
    for name, items in texts.items():
        pca = PCA(DIMS[name], random_state=0).fit(np.stack([cache.vectors[t] for t in items]))
        mean, comps = pca.mean_.astype(np.float32), pca.components_.T.astype(np.float32)
        arrays[f"proj_{name}_mean"], arrays[f"proj_{name}"] = mean, comps
        for block in blocks:
            if PROJECT.get(block) == name:
                project[block] = (mean, comps)
    return project, arrays


def _fit(x: np.ndarray, y: np.ndarray, config: dict[str, Any]) -> Any:
    if config["kind"] == "trees":
        return HistGradientBoostingClassifier(
            max_iter=config["iters"],
            learning_rate=config["rate"],
            max_leaf_nodes=config["leaves"],
            min_samples_leaf=30,
            l2_regularization=1.0,
            class_weight="balanced",
            early_stopping=False,
            random_state=0,
        ).fit(x, y)
    if config["kind"] == "logistic":
        return LogisticRegression(C=config["C"], max_iter=4000, class_weight="balanced").fit(x, y)
    return MLPClassifier(
        (config["hidden"],),
        alpha=config["alpha"],
        early_stopping=True,
        validation_fraction=0.1,
        max_iter=400,
        random_state=config.get("seed", 0),
    ).fit(x, y)


def _standardise(x: np.ndarray, config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    if config["kind"] == "trees":  # trees split raw values; the exported thresholds are raw
        return np.zeros(x.shape[1]), np.ones(x.shape[1])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale < 1e-6, 1.0, scale)


def holdout(x: np.ndarray, y: np.ndarray, config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities on a stratified fifth of train, from a model fit on the rest."""
    fit_idx, val_idx = train_test_split(
        np.arange(len(y)), test_size=0.2, random_state=0, stratify=y
    )
    mean, scale = _standardise(x[fit_idx], config)
    model = _fit((x[fit_idx] - mean) / scale, y[fit_idx], config)
    return model.predict_proba((x[val_idx] - mean) / scale)[:, 1], y[val_idx]


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    scored = [(f1_score(y, p >= t, average="macro"), float(t)) for t in np.arange(0.2, 0.8, 0.01)]
    f1, t = max(scored)
    return float(t), float(f1)


def configs(quick: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"kind": "trees", "iters": 250, "rate": 0.06, "leaves": 31}]
    if quick:
        return out
    out += [
        {"kind": "trees", "iters": 500, "rate": 0.03, "leaves": 31},
        {"kind": "trees", "iters": 300, "rate": 0.05, "leaves": 15},
        {"kind": "logistic", "C": 0.05},
        {"kind": "mlp", "hidden": 64, "alpha": 1e-1},
    ]
    return out


def export_trees(
    model: HistGradientBoostingClassifier,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Every tree's nodes as padded [trees, nodes] arrays for level-by-level numpy inference."""
    trees = [predictors[0].nodes for predictors in model._predictors]
    width = max(len(t) for t in trees)
    arrays = {
        "feature": np.zeros((len(trees), width), np.int16),
        "threshold": np.zeros((len(trees), width), np.float64),
        "left": np.zeros((len(trees), width), np.int16),
        "right": np.zeros((len(trees), width), np.int16),
        "leaf": np.ones((len(trees), width), bool),
        "value": np.zeros((len(trees), width), np.float32),
    }
    for i, nodes in enumerate(trees):
        n = len(nodes)
        arrays["feature"][i, :n] = nodes["feature_idx"]
        arrays["threshold"][i, :n] = nodes["num_threshold"]
        arrays["left"][i, :n] = nodes["left"]
        arrays["right"][i, :n] = nodes["right"]
        arrays["leaf"][i, :n] = nodes["is_leaf"]
        arrays["value"][i, :n] = nodes["value"]
    depth = max(int(t["depth"].max()) for t in trees) + 1
    meta = {
        "kind": "trees",
        "depth": depth,
        "baseline": float(model._baseline_prediction.ravel()[0]),
    }
    return arrays, meta


def export(
    model: Any,
    mean: np.ndarray,
    scale: np.ndarray,
    meta: dict[str, Any],
    proj: dict[str, np.ndarray],
) -> None:
    if isinstance(model, HistGradientBoostingClassifier):
        arrays, extra = export_trees(model)
        meta = {**meta, **extra}
        arrays |= {k: v.astype(np.float32) for k, v in proj.items()}
        np.savez_compressed(OUT, meta=np.asarray(json.dumps(meta, ensure_ascii=False)), **arrays)
        return
    if isinstance(model, LogisticRegression):
        layers = [(model.coef_.T, model.intercept_)]
    else:
        layers = list(zip(model.coefs_, model.intercepts_, strict=True))
    arrays: dict[str, np.ndarray] = {
        "mean": mean.astype(np.float32),
        "scale": scale.astype(np.float32),
    }
    for i, (w, b) in enumerate(layers):
        # float16 halves the file; the scores move by well under 1e-3.
        arrays[f"W{i}"] = np.asarray(w, dtype=np.float16)
        arrays[f"b{i}"] = np.asarray(b, dtype=np.float32)
    meta = {**meta, "kind": "mlp", "layers": len(layers)}
    arrays |= {k: v.astype(np.float32) for k, v in proj.items()}
    np.savez_compressed(OUT, meta=np.asarray(json.dumps(meta, ensure_ascii=False)), **arrays)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--data", type=Path, required=True, help="the cdconv folder")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cdconv-e5.npz")
    parser.add_argument("--blocks", default=",".join(BLOCKS))
    parser.add_argument("--quick", action="store_true", help="one configuration only")
    args = parser.parse_args(argv)
    train = args.data / "2class_train.tsv"
    if not train.exists():
        print(f"no {train}; nothing to train on", file=sys.stderr)
        return 2
    blocks = tuple(args.blocks.split(","))
    pairs, y = read_pairs(train)
    cache = VectorCache(args.cache)
    project, proj_arrays = fit_projections(pairs, cache, blocks)
    x = featurise(pairs, cache, blocks, project)
    print(f"{len(y)} train pairs, {x.shape[1]} features", file=sys.stderr)
    results = []
    for config in configs(args.quick):
        probs, truth = holdout(x, y, config)
        threshold, f1 = best_threshold(truth, probs)
        acc = float(accuracy_score(truth, probs >= threshold))
        results.append((f1, acc, threshold, config))
        print(
            f"holdout {config}: macro-F1 {f1:.4f} acc {acc:.4f} at {threshold:.2f}", file=sys.stderr
        )
    f1, acc, threshold, config = max(results, key=lambda r: r[0])
    mean, scale = _standardise(x, config)
    model = _fit((x - mean) / scale, y, config)
    meta = {
        "version": 1,
        "blocks": list(blocks),
        "project": {b: PROJECT[b] for b in project},
        "threshold": round(threshold, 3),
        "config": config,
        "holdout": {"macro_f1": round(f1, 4), "accuracy": round(acc, 4), "share": 0.2},
        "trained_on": "CDConv 2class_train.tsv",
    }
    export(model, mean, scale, meta, proj_arrays)
    print(json.dumps({"out": str(OUT), "bytes": OUT.stat().st_size, **meta}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
