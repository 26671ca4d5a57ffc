"""Contradictions of the character's own earlier replies and of its canon answers.

A small trained model (``contradiction.npz`` next to this file, written by
``scripts/train_contradiction.py``) scores an ordered pair of exchanges
(u1, b1) -> (u2, b2): does b2 contradict b1? It needs e5 vectors, which cost
~10 ms a text, so a cheap lexical trigger decides first whether the new
exchange answers something already answered: the reader asks the same kind
of question again, asks about what the character said, or probes its memory.
Most turns stop at the trigger; vectors of earlier texts are cached.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from memory.embeddings import Embedder
from roleplay.consistency.features import (
    Floats,
    Projection,
    bigrams,
    clean,
    containment,
    jaccard,
    pair_vector,
    quantity_clash,
    view_texts,
)
from roleplay.consistency.report import Exchange, Problem, ProblemKind

MODEL_FILE = "contradiction.npz"
RESTATES = 0.6  # share of the reply's bigrams found in the earlier answer
_NEGATION = re.compile(r"不|没|无|别|非|未")
_PROBE = re.compile(r"你(还)?(知道|记得)|记不记得|还记得|刚才|刚刚|之前|上次|不是说")


class ContradictionModel:
    """Pure-numpy inference: boosted trees, or standardise + a small MLP (or logistic)."""

    def __init__(self, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
        self.meta = meta
        self.blocks: tuple[str, ...] = tuple(meta["blocks"])
        self.threshold = float(meta["threshold"])
        self._a = arrays
        # Several blocks may share one reduction (b1 and b2 use the same PCA).
        self.project: dict[str, Projection] = {
            block: (arrays[f"proj_{name}_mean"], arrays[f"proj_{name}"])
            for block, name in meta.get("project", {}).items()
        }

    @classmethod
    def load(cls, path: Path | None = None) -> ContradictionModel:
        if path is None:
            ref = resources.files("roleplay.consistency").joinpath(MODEL_FILE)
            with resources.as_file(ref) as found:
                return cls._read(found)
        return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> ContradictionModel:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files if k != "meta"}
            meta = json.loads(str(z["meta"]))
        for key, value in arrays.items():
            if value.dtype == np.float16:
                arrays[key] = value.astype(np.float32)
        return cls(meta, arrays)

    def texts(self, first: Exchange, second: Exchange) -> list[str]:
        return view_texts(first, second, self.blocks)

    def features(
        self, pairs: Sequence[tuple[Exchange, Exchange]], vectors: Mapping[str, Floats]
    ) -> Floats:
        return np.stack([pair_vector(a, b, vectors, self.blocks, self.project) for a, b in pairs])

    def predict(self, x: Floats) -> Floats:
        """Probabilities of contradiction for rows of pair vectors."""
        raw = self._trees(x) if self.meta["kind"] == "trees" else self._mlp(x)
        out: Floats = (1.0 / (1.0 + np.exp(-raw))).astype(np.float32)
        return out

    def _mlp(self, x: Floats) -> Floats:
        h = (x - self._a["mean"]) / self._a["scale"]
        layers = int(self.meta["layers"])
        for i in range(layers):
            h = h @ self._a[f"W{i}"] + self._a[f"b{i}"]
            if i < layers - 1:
                h = np.maximum(h, 0.0)
        out: Floats = h[:, 0]
        return out

    def _trees(self, x: Floats) -> Floats:
        """All trees at once, one level per step: ``depth`` numpy operations, not a Python walk."""
        a = self._a
        feature, threshold = a["feature"], a["threshold"]
        left, right, leaf, value = a["left"], a["right"], a["leaf"], a["value"]
        trees = np.arange(feature.shape[0])[:, None]
        node = np.zeros((feature.shape[0], x.shape[0]), dtype=np.int64)
        rows = np.arange(x.shape[0])[None, :]
        for _ in range(int(self.meta["depth"])):
            f = feature[trees, node]
            go_left = x[rows, f] <= threshold[trees, node]
            nxt = np.where(go_left, left[trees, node], right[trees, node])
            node = np.where(leaf[trees, node], node, nxt)
        out: Floats = value[trees, node].sum(axis=0) + float(self.meta["baseline"])
        return out


@lru_cache(maxsize=8192)
def _grams(text: str) -> frozenset[str]:
    # Canon lines and earlier turns are scored on every turn; their bigrams are not rebuilt.
    return frozenset(bigrams(text))


def trigger_score(earlier: Exchange, user: str) -> float:
    """How much the new message asks again what ``earlier`` answered (0..1, lexical, ~µs)."""
    now, then = _grams(user), _grams(earlier.user)
    same_question = max(jaccard(now, then), 0.8 * containment(now, then))
    about_answer = 0.8 * containment(now, _grams(earlier.reply))
    return max(same_question, about_answer)


@dataclass(frozen=True, slots=True)
class Candidate:
    earlier: Exchange
    kind: ProblemKind
    trigger: float


class ContradictionChecker:
    def __init__(
        self,
        model: ContradictionModel,
        embedder: Embedder,
        *,
        trigger: float = 0.5,
        min_score: float = 0.85,
        max_pairs: int = 2,
        cache_size: int = 4096,
    ) -> None:
        self.model = model
        self.embedder = embedder
        self.trigger = trigger
        # The model's own threshold maximises macro-F1 on CDConv, where a repeated question
        # is often answered inconsistently; in a chat a false alarm costs a regeneration,
        # so flag only confident scores.
        self.min_score = max(min_score, model.threshold)
        self.max_pairs = max_pairs
        self._cache: OrderedDict[str, Floats] = OrderedDict()
        self._cache_size = cache_size

    def candidates(
        self, user: str, history: Sequence[Exchange], canon: Sequence[Exchange]
    ) -> list[Candidate]:
        """The earlier answers worth comparing with; usually none."""
        if not user.strip():
            return []
        probe = bool(_PROBE.search(user))
        scored: list[Candidate] = []
        for kind, pool in (("reply_contradiction", history), ("card_contradiction", canon)):
            for earlier in pool:
                score = trigger_score(earlier, user)
                if score >= self.trigger or (probe and score >= self.trigger / 2):
                    scored.append(Candidate(earlier, kind, score))  # type: ignore[arg-type]
        scored.sort(key=lambda c: -c.trigger)
        return scored[: self.max_pairs]

    async def find(
        self, reply: str, user: str, history: Sequence[Exchange], canon: Sequence[Exchange]
    ) -> list[Problem]:
        found = self.candidates(user, history, canon)
        if not found:
            return []
        problems = [p for c in found if (p := _quantity_problem(c, reply)) is not None]
        settled = {p.source for p in problems}
        rest = [
            c for c in found if c.earlier.reply not in settled and not _restates(c.earlier, reply)
        ]
        if not rest:
            return problems  # the rule is surer than the model: skip the vectors
        second = Exchange(clean(user), clean(reply))
        pairs = [(_cleaned(c.earlier), second) for c in rest]
        vectors = await self._embed({t for a, b in pairs for t in self.model.texts(a, b)})
        scores = self.model.predict(self.model.features(pairs, vectors))
        problems += [
            _problem(c, reply, _DETAIL[c.kind], float(s))
            for c, s in zip(rest, scores, strict=True)
            if s >= self.min_score
        ]
        return problems

    async def _embed(self, texts: set[str]) -> dict[str, Floats]:
        missing = [t for t in texts if t not in self._cache]
        if missing:
            vectors = await self.embedder.query(missing)
            for text, vec in zip(missing, vectors, strict=True):
                self._cache[text] = vec
        for text in texts:
            self._cache.move_to_end(text)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return {t: self._cache[t] for t in texts}


def _cleaned(x: Exchange) -> Exchange:
    return Exchange(clean(x.user), clean(x.reply), x.chapter)


_DETAIL = {
    "reply_contradiction": "contradicts what the character said before",
    "card_contradiction": "contradicts the character's canon answer",
}


def _problem(c: Candidate, reply: str, detail: str, score: float | None) -> Problem:
    return Problem(
        c.kind,
        reply if len(reply) <= 120 else reply[:117] + "...",
        detail,
        source=c.earlier.reply,
        chapter=c.earlier.chapter,
        score=score,
        checker="contradiction",
    )


def _quantity_problem(c: Candidate, reply: str) -> Problem | None:
    """Same question, same unit, different number (二十岁 then 四十五岁): no model needed.

    On CDConv train this rule is right 94 % of the time at the trigger's threshold.
    """
    clash = quantity_clash(c.earlier.reply, reply)
    if clash is None:
        return None
    before, now = clash
    return _problem(c, reply, f"{_DETAIL[c.kind]}: {now} where it said {before}", None)


def _restates(earlier: Exchange, reply: str) -> bool:
    """Saying again what was said is not a contradiction, whatever CDConv's priors suggest.

    Most of the reply's bigrams come from the earlier answer and no negation was added
    or dropped (the quantity rule has already looked at the numbers).
    """
    now, then = bigrams(clean(reply)), bigrams(clean(earlier.reply))
    flipped = _NEGATION.findall(reply) != _NEGATION.findall(earlier.reply)
    return containment(now, then) >= RESTATES and not flipped
