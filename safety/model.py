"""The trained heads, loaded from the small file ``safety/data/model.npz``.

``NgramModel``  linear heads on hashed char n-grams: the hot path, every text.
``EmbedModel``  linear heads on multilingual-e5 embeddings: the deep path, for
                input screens, grey-zone sentences and batch jobs.
``Stacker``     how the two offensive scores combine when both exist.

``safety/train.py`` writes the file; nothing here needs the training data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from safety.features import buckets, matrix, weighted

F32 = npt.NDArray[np.float32]


def sigmoid(x: F32) -> F32:
    # maximum/minimum, not np.clip: on a chat turn's two heads clip's dispatch costs more
    # than the arithmetic
    x = np.minimum(np.maximum(x, -30), 30)
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float32)


def logit(p: F32) -> F32:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class NgramModel:
    heads: tuple[str, ...]
    idf: F32
    weights: F32  # (buckets, heads)
    bias: F32

    def score(self, clean: str) -> dict[str, float]:
        idx, val = weighted(buckets(clean), self.idf)
        z = val @ self.weights[idx] + self.bias if len(idx) else self.bias
        return dict(zip(self.heads, sigmoid(np.asarray(z, np.float32)).tolist(), strict=True))

    def score_many(self, cleans: list[str]) -> F32:
        x: Any = matrix(cleans, self.idf)
        return sigmoid(np.asarray(x @ self.weights, np.float32) + self.bias)


@dataclass(frozen=True, slots=True)
class EmbedModel:
    heads: tuple[str, ...]
    weights: F32  # (dim, heads)
    bias: F32

    def score_many(self, emb: F32) -> F32:
        return sigmoid(emb @ self.weights + self.bias)


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Labelled training sentences in a small PCA space: a local sanity check on the
    linear heads, which extrapolate confidently into regions no seed ever covered."""

    heads: tuple[str, ...]
    mean: F32  # (dim,)
    proj: F32  # (dim, k)
    points: F32  # (n, k), unit rows
    labels: npt.NDArray[np.uint16]  # bit i set = labelled heads[i]

    def support(self, emb: F32, k: int = 5) -> list[dict[str, float]]:
        """Per text, the share of its k nearest seeds labelled with each head."""
        if len(self.points) == 0:
            return [{} for _ in range(len(emb))]
        z = (emb - self.mean) @ self.proj
        z /= np.linalg.norm(z, axis=1, keepdims=True) + 1e-9
        nearest = np.argsort(-(z @ self.points.T), axis=1)[:, :k]
        out = []
        for row in nearest:
            bits = self.labels[row]
            out.append({h: float(np.mean((bits >> i) & 1)) for i, h in enumerate(self.heads)})
        return out


@dataclass(frozen=True, slots=True)
class Stacker:
    """p = sigmoid(a·logit(ngram) + b·logit(embed) + c), fitted on held-out train."""

    a: float
    b: float
    c: float

    def combine(self, ngram: float, embed: float) -> float:
        z = self.a * _logit1(ngram) + self.b * _logit1(embed) + self.c
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _logit1(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class Models:
    ngram: NgramModel
    embed: EmbedModel
    stack: Stacker
    knn: Neighbours
    thresholds: dict[str, float]
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> Models:
        if path is None:
            with resources.as_file(resources.files("safety.data").joinpath("model.npz")) as p:
                return cls._read(p)
        return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> Models:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            ngram = NgramModel(
                tuple(meta["ngram_heads"]),
                z["ngram_idf"].astype(np.float32),
                z["ngram_w"].astype(np.float32),
                z["ngram_b"].astype(np.float32),
            )
            embed = EmbedModel(
                tuple(meta["embed_heads"]),
                z["embed_w"].astype(np.float32),
                z["embed_b"].astype(np.float32),
            )
            knn = Neighbours(
                tuple(meta["knn_heads"]),
                z["knn_mean"].astype(np.float32),
                z["knn_proj"].astype(np.float32),
                z["knn_points"].astype(np.float32),
                z["knn_labels"].astype(np.uint16),
            )
        stack = Stacker(*meta["stack"])
        return cls(ngram, embed, stack, knn, dict(meta["thresholds"]), meta)

    def save(self, path: Path) -> None:
        meta = dict(self.meta)
        meta.update(
            ngram_heads=list(self.ngram.heads),
            embed_heads=list(self.embed.heads),
            stack=[self.stack.a, self.stack.b, self.stack.c],
            knn_heads=list(self.knn.heads),
            thresholds=self.thresholds,
        )
        np.savez_compressed(
            path,
            meta=np.asarray(json.dumps(meta, ensure_ascii=False)),
            ngram_idf=self.ngram.idf.astype(np.float16),
            ngram_w=self.ngram.weights.astype(np.float16),
            ngram_b=self.ngram.bias,
            embed_w=self.embed.weights.astype(np.float16),
            embed_b=self.embed.bias,
            knn_mean=self.knn.mean.astype(np.float16),
            knn_proj=self.knn.proj.astype(np.float16),
            knn_points=self.knn.points.astype(np.float16),
            knn_labels=self.knn.labels,
        )
