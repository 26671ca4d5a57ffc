"""Train the shipped heads: ``python -m safety.train [--data ../shared/data]``.

Inputs: our own seed sentences (``safety/data/seeds/*.txt``, always) and the
COLD training split (``<data>/cold/train.csv``, when present). Only ``train.csv``
is read: 85 % fits the heads, the held-out 15 % fits the stacker and picks the
offensive threshold. The dev split is never touched here (the benchmark reports
on it). Output: ``safety/data/model.npz`` (a few MB at most).

COLD embeddings take a while on two cores, so they are cached in ``--cache`` in
chunks of 640 rows of a fixed permutation; ``--embed-limit`` caps how many train
rows get embedded (the n-gram head always sees all of them).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]

from safety.base import CATEGORIES
from safety.embedder import E5Embedder
from safety.features import fit_idf, matrix
from safety.model import EmbedModel, Models, Neighbours, NgramModel, Stacker, logit
from safety.normalize import normalize

CHUNK = 640
EMBED_HEADS = (*CATEGORIES, "offensive", "unsafe")
NGRAM_HEADS = ("offensive", "unsafe")
Arr = np.ndarray[Any, Any]
# contrast.txt: the same structures with harmless and harmful fillers (round 3)
TEMPLATE_FILES = ("templates.txt", "contrast.txt")
NOVEL_SENTENCES = 1000  # per language
CHAT_TURNS = 800  # per language
KNN_DIMS = 96
KNN_SAFE = 1500
SEED_C = 0.05  # chosen by 5-fold CV on the seeds (AUPRC per category)
OFFENSIVE_C = 0.1
# Recall weight of the category heads' decision points. F1 put most bars at the top of
# the grid once the contrast templates were in; F2 cost ~4 points of benign FP on the
# CLI path for 0.5 of recall (measured on the gen/gen_fresh sets, round 3).
RECALL_BETA = 1.5
# The contrast templates' weight in the offensive heads (hand-written seeds: 3): at 3 COLD
# dev macro-F1 fell 0.895 -> 0.869; at 0 the anti-bias lines teach those heads nothing.
CONTRAST_OFFENSIVE_WEIGHT = 1.0
# The corpus's share of the category heads: heads fitted on seeds + corpus are averaged
# with heads fitted on the seeds alone (session 15, docs/safety.md). Alone, the corpus
# heads bought harms with ordinary posts one for one; half and half kept most of the harms.
CORPUS_SHARE = 0.5
_CORPUS_HEADS = frozenset(CATEGORIES) - {"jailbreak", "personal-data"}


@dataclass
class Corpus:
    texts: list[str] = field(default_factory=list)
    labels: list[frozenset[str]] = field(default_factory=list)
    # Texts that share a group come from one template line: cross-validation keeps them
    # in one fold, or the thresholds would learn the template rather than the intent.
    groups: list[int] = field(default_factory=list)
    # Contrast templates teach the category heads; the offensive heads learn COLD's notion
    # of offence, which hundreds of templated lines at seed weight would drown (dev
    # macro-F1 0.895 -> 0.869 when they were in).
    contrast: list[bool] = field(default_factory=list)

    @property
    def offensive_weight(self) -> Arr:
        flags = self.contrast or [False] * len(self.texts)
        return np.array([CONTRAST_OFFENSIVE_WEIGHT if c else 3.0 for c in flags])

    def extend(self, other: Corpus) -> Corpus:
        start = max(self.groups, default=-1) + 1
        own = self.groups or list(range(len(self.texts)))
        theirs = other.groups or list(range(len(other.texts)))
        mine = self.contrast or [False] * len(self.texts)
        their = other.contrast or [False] * len(other.texts)
        return Corpus(
            self.texts + other.texts,
            self.labels + other.labels,
            own + [start + g for g in theirs],
            mine + their,
        )

    @property
    def unsafe(self) -> Arr:
        return np.array([bool(t) for t in self.labels], int)

    @property
    def harmful(self) -> Arr:
        """Harm to people (not attacks on the character, not personal data)."""
        return np.array([bool(t - {"jailbreak", "personal-data"}) for t in self.labels], int)

    @property
    def offensive(self) -> Arr:
        return np.array([bool(t & {"hate", "harassment"}) for t in self.labels], int)


def load_seeds(names: tuple[str, ...] = ("en.txt", "zh.txt")) -> Corpus:
    corpus = Corpus()
    folder = resources.files("safety.data").joinpath("seeds")
    for name in names:
        for n, line in enumerate(folder.joinpath(name).read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            labels, _, text = line.partition("|")
            tags = frozenset() if labels == "-" else frozenset(labels.split(","))
            unknown = tags - set(CATEGORIES)
            if unknown or not text:
                raise ValueError(f"{name}:{n}: bad seed line ({sorted(unknown)})")
            corpus.texts.append(normalize(text).clean)
            corpus.labels.append(tags)
    return corpus


def load_corpus() -> Corpus:
    """The helper-written corpus (``seeds/corpus_*.txt``): same format as the seeds."""
    folder = resources.files("safety.data").joinpath("seeds")
    names = sorted(f.name for f in folder.iterdir() if f.name.startswith("corpus_"))
    return load_seeds(tuple(names))


def load_templates(fills: int = 8) -> Corpus:
    """Expand the template files: ``labels|template`` lines get ``fills`` random slot
    fillings, ``labels*N|template`` lines get N (contrast pairs need more than 8)."""
    corpus = Corpus()
    rng = np.random.RandomState(3)
    for name in TEMPLATE_FILES:
        text = resources.files("safety.data").joinpath("seeds", name).read_text("utf-8")
        slots: dict[str, list[str]] = {}
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("@"):
                key, _, values = line[1:].partition("=")
                slots[key] = values.split("|")
                continue
            head, _, template = line.partition("|")
            labels, _, count = head.partition("*")
            tags = frozenset() if labels == "-" else frozenset(labels.split(","))
            group = len(set(corpus.groups))
            for filled in _fill(template, slots, int(count or fills), rng):
                corpus.texts.append(normalize(filled).clean)
                corpus.labels.append(tags)
                corpus.groups.append(group)
                corpus.contrast.append(name == "contrast.txt")
    return corpus


def _fill(template: str, slots: dict[str, list[str]], n: int, rng: Any) -> list[str]:
    """``n`` distinct fillings (fewer when the slots cannot make that many)."""
    names = re.findall(r"\{(\w+)\}", template)
    out: dict[str, None] = {}
    for _ in range(n * 3):
        filled = template
        for name in names:
            filled = filled.replace("{" + name + "}", str(rng.choice(slots[name])), 1)
        out[filled] = None
        if len(out) >= n:
            break
    return list(out)


def load_chat_sentences(data: Path | None, per_lang: int) -> list[str]:
    """Everyday chat turns (LoCoMo in English, CDConv in Chinese) as safe examples: moods,
    family, identity and health talk that a head must not mistake for harm."""
    if data is None:
        return []
    rng = np.random.RandomState(4)
    en: list[str] = []
    for path in sorted((data / "locomo").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        conv = doc.get("conversation", doc)
        for key, turns in conv.items():
            if key.startswith("session_") and isinstance(turns, list):
                en.extend(t["text"] for t in turns if isinstance(t, dict) and t.get("text"))
    zh: list[str] = []
    cd = data / "cdconv" / "2class_train.tsv"
    if cd.exists():
        for line in cd.read_text(encoding="utf-8").splitlines():
            zh.extend(line.split("\t")[:4])
    out: list[str] = []
    for pool in (en, zh):
        pool = sorted({t.strip() for t in pool if 6 <= len(t.strip()) <= 200})
        if pool:
            pick = rng.choice(len(pool), size=min(per_lang, len(pool)), replace=False)
            out.extend(normalize(pool[i]).clean for i in sorted(pick))
    return out


def load_cold(path: Path) -> tuple[list[str], Arr]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["TEXT"] for r in rows], np.array([int(r["label"]) for r in rows])


def cold_embeddings(texts: list[str], cache: Path, limit: int, emb: E5Embedder) -> tuple[Arr, Arr]:
    """Row indices and embeddings of the first ``limit`` rows of a fixed permutation
    (cached in chunks, so an interrupted run resumes)."""
    order = np.random.RandomState(0).permutation(len(texts))[:limit]
    cache.mkdir(parents=True, exist_ok=True)
    parts = []
    for c in range(0, len(order), CHUNK):
        fn = cache / f"train_{c:06d}.npy"
        if not fn.exists():
            print(f"embedding COLD train rows {c}..{c + CHUNK}", file=sys.stderr)
            np.save(fn, emb.embed_sync([texts[i] for i in order[c : c + CHUNK]]))
        parts.append(np.load(fn)[: len(order) - c])
    return order, np.concatenate(parts)


def fit_lr(x: Any, y: Arr, c: float, w: Arr | None = None) -> Any:
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(
        x, y, sample_weight=w
    )


def best_threshold(y: Arr, p: Arr, lo: float, hi: float) -> float:
    from sklearn.metrics import f1_score  # type: ignore[import-untyped]

    grid = np.linspace(lo, hi, 41)
    scores = [f1_score(y, p >= t, average="macro") for t in grid]
    return float(grid[int(np.argmax(scores))])


def recall_threshold(y: Arr, p: Arr, lo: float, hi: float) -> float:
    """The category heads' decision point: F-beta of the harmful class. Precision has other
    guards downstream (the story margin, the neighbour check, stance discounts), while a
    harm the head does not raise is lost for good; macro-F1 on the seeds, where the safe
    class is as large as the templates make it, put the bars at the top of the grid."""
    from sklearn.metrics import fbeta_score

    grid = np.linspace(lo, hi, 41)
    scores = [fbeta_score(y, p >= t, beta=RECALL_BETA, zero_division=0) for t in grid]
    return float(grid[int(np.argmax(scores))])


def seed_cv_thresholds(x: Arr, seeds: Corpus) -> dict[str, float]:
    """Per-category thresholds from 5-fold predictions on the seeds (never on test data)."""
    out = {}
    mu, sd = _scaler(x)
    x = (x - mu) / sd
    for cat in (*CATEGORIES, "unsafe"):
        harm = seeds.harmful.astype(bool)
        y = np.array([cat in t for t in seeds.labels]) if cat != "unsafe" else harm
        p = np.zeros(len(y))
        folds = StratifiedGroupKFold(5, shuffle=True, random_state=0)
        for tr, te in folds.split(x, y, seeds.groups or None):
            p[te] = fit_lr(x[tr], y[tr], SEED_C).predict_proba(x[te])[:, 1]
        out[cat] = recall_threshold(y.astype(int), p, 0.3, 0.85)
    return out


def _cached_embeddings(name: str, texts: list[str], cache: Path, emb: E5Embedder) -> Arr:
    """Embeddings through a per-text store in ``cache`` (so editing one seed costs one)."""
    if not texts:
        return np.zeros((0, 384), np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    keys_path, vecs_path = cache / "store_keys.npy", cache / "store_vecs.npy"
    keys: list[str] = np.load(keys_path).tolist() if keys_path.exists() else []
    vecs = np.load(vecs_path) if vecs_path.exists() else np.zeros((0, 384), np.float32)
    where = {k: i for i, k in enumerate(keys)}
    hashes = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    todo = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in where}.items())
    if todo:
        print(f"embedding {len(todo)} {name} texts", file=sys.stderr)
        new = emb.embed_sync([t for _, t in todo])
        keys += [h for h, _ in todo]
        vecs = np.concatenate([vecs, new])
        np.save(keys_path, np.asarray(keys))
        np.save(vecs_path, vecs)
        where = {k: i for i, k in enumerate(keys)}
    return np.asarray(vecs[[where[h] for h in hashes]])


def load_novel_sentences(data: Path | None, per_lang: int) -> list[str]:
    """Sentences from the canon novels: battles, deaths and villains' threats that a
    story may contain, as safe examples for every head (fiction-awareness)."""
    if data is None or not (data / "novels").is_dir():
        return []
    rng = np.random.RandomState(2)
    out: list[str] = []
    for lang, pattern in (("zh", r"(?<=[。！？”])"), ("en", r"(?<=[.!?])\s+")):
        sents: list[str] = []
        for path in sorted((data / "novels" / lang).glob("*.txt")):
            text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8-sig", errors="replace"))
            sents.extend(s.strip() for s in re.split(pattern, text) if 8 <= len(s.strip()) <= 160)
        if sents:
            pick = rng.choice(len(sents), size=min(per_lang, len(sents)), replace=False)
            out.extend(normalize(sents[i]).clean for i in sorted(pick))
    return out


def _train_ngram(seeds: Corpus, cold: list[str], cold_y: Arr, held: Arr) -> NgramModel:
    texts = [t for t, h in zip(cold, held, strict=True) if not h] + seeds.texts
    idf = fit_idf(texts)
    x = matrix(texts, idf)
    base = cold_y[~held]
    # Seeds are few but ours and precise: weigh them up against thousands of COLD rows.
    w = np.concatenate([np.ones(len(base)), np.full(len(seeds.texts), 3.0)])
    w_off = np.concatenate([np.ones(len(base)), seeds.offensive_weight])
    heads = []
    for seed_y, sw in ((seeds.offensive, w_off), (seeds.unsafe, w)):  # NGRAM_HEADS order
        lr = fit_lr(x, np.concatenate([base, seed_y]), 8.0, sw)
        heads.append((lr.coef_[0].astype(np.float32), float(lr.intercept_[0])))
    weights = np.stack([h[0] for h in heads], axis=1)
    bias = np.array([h[1] for h in heads], np.float32)
    return NgramModel(NGRAM_HEADS, idf, weights, bias)


def _train_embed(seeds: Corpus, seed_x: Arr, cold_x: Arr, cold_y: Arr, held: Arr) -> EmbedModel:
    fit = ~held
    safe = np.flatnonzero(fit & (cold_y == 0))[:1500]
    # e5 vectors live in a narrow cone (unrelated pairs still score ~0.85), so heads are
    # fitted on standardised features and the scaling is folded back into the weights.
    mu, sd = _scaler(np.concatenate([seed_x, cold_x[fit]]))
    # COLD's safe rows are background negatives for every category head: social-media
    # chatter about groups that is not an attack.
    x = (np.concatenate([seed_x, cold_x[safe]]) - mu) / sd
    cols = []
    for cat in CATEGORIES:
        y = np.concatenate([[cat in t for t in seeds.labels], np.zeros(len(safe))]).astype(int)
        cols.append(fit_lr(x, y, SEED_C))
    x_off = (np.concatenate([cold_x[fit], seed_x]) - mu) / sd
    y_off = np.concatenate([cold_y[fit], seeds.offensive])
    w_off = np.concatenate([np.ones(int(fit.sum())), seeds.offensive_weight])
    cols.append(fit_lr(x_off, y_off, OFFENSIVE_C, w_off))
    # Any category at all: ~10x the positives of one head, so it generalises further;
    # it only ever counts together with an evasion device (see evidence.wrapped_request).
    y_any = np.concatenate([seeds.harmful, np.zeros(len(safe))]).astype(int)
    cols.append(fit_lr(x, y_any, SEED_C))
    weights = np.stack([m.coef_[0] for m in cols], axis=1) / sd[:, None]
    bias = np.array([m.intercept_[0] for m in cols]) - mu @ weights
    return EmbedModel(EMBED_HEADS, weights.astype(np.float32), bias.astype(np.float32))


def _neighbours(seeds: Corpus, x: Arr, dims: int = KNN_DIMS) -> Neighbours:
    """Every labelled seed, and a sample of the safe ones, in a PCA space of ``dims``."""
    rng = np.random.RandomState(5)
    pos = [i for i, t in enumerate(seeds.labels) if t]
    neg = [i for i, t in enumerate(seeds.labels) if not t]
    keep = sorted(pos + list(rng.choice(neg, size=min(KNN_SAFE, len(neg)), replace=False)))
    mean = x.mean(axis=0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    proj = vt[:dims].T
    z = (x[keep] - mean) @ proj
    z /= np.linalg.norm(z, axis=1, keepdims=True) + 1e-9
    bits = np.zeros(len(keep), np.uint16)
    for j, i in enumerate(keep):
        for b, cat in enumerate(CATEGORIES):
            if cat in seeds.labels[i]:
                bits[j] |= 1 << b
    return Neighbours(
        CATEGORIES, mean.astype(np.float32), proj.astype(np.float32), z.astype(np.float32), bits
    )


def _blend(
    own: EmbedModel,
    own_t: dict[str, float],
    wide: EmbedModel,
    wide_t: dict[str, float],
    share: float,
) -> tuple[EmbedModel, dict[str, float]]:
    """Average the category heads the corpus teaches (logits: weights and biases) and their
    bars. The offensive and any-harm heads stay the hand seeds' (COLD's calibration rests on
    them), and so do attacks on the character and personal data, which the corpus has no
    examples of: averaging only diluted them (five attacks lost in the never-tuned sets)."""
    cols = np.array([h in _CORPUS_HEADS for h in own.heads])
    weights = np.where(cols, (1 - share) * own.weights + share * wide.weights, own.weights)
    bias = np.where(cols, (1 - share) * own.bias + share * wide.bias, own.bias)
    bars = {
        k: (1 - share) * v + share * wide_t[k] if k in _CORPUS_HEADS else v
        for k, v in own_t.items()
    }
    return EmbedModel(own.heads, weights.astype(np.float32), bias.astype(np.float32)), bars


def _scaler(x: Arr) -> tuple[Arr, Arr]:
    return x.mean(axis=0), x.std(axis=0) + 1e-6


def _fit_stack(
    ngram: NgramModel, embed: EmbedModel, clean: list[str], y: Arr, x: Arr
) -> tuple[Stacker, float]:
    """Combine the two offensive scores on held-out train rows; pick the threshold there."""
    p_ng = ngram.score_many(clean)[:, 0]
    if len(x) == 0:
        return Stacker(1.0, 0.0, 0.0), best_threshold(y, p_ng, 0.2, 0.8)
    p_em = embed.score_many(x)[:, EMBED_HEADS.index("offensive")]
    z = np.stack([logit(p_ng), logit(p_em)], axis=1)
    lr = LogisticRegression(C=1.0).fit(z, y)
    stack = Stacker(float(lr.coef_[0][0]), float(lr.coef_[0][1]), float(lr.intercept_[0]))
    p = lr.predict_proba(z)[:, 1]
    return stack, best_threshold(y, p, 0.2, 0.8)


def train(data: Path | None, cache: Path, limit: int, out: Path) -> Models:
    seeds = load_seeds()
    emb = E5Embedder(threads=2)
    seed_x = _cached_embeddings("seeds", seeds.texts, cache, emb)
    more = load_templates()
    seed_x = np.concatenate([seed_x, _cached_embeddings("templates", more.texts, cache, emb)])
    seeds = seeds.extend(more)
    novels = load_novel_sentences(data, NOVEL_SENTENCES) + load_chat_sentences(data, CHAT_TURNS)
    novel_x = _cached_embeddings("novels", novels, cache, emb)
    seeds = seeds.extend(Corpus(novels, [frozenset()] * len(novels)))
    seed_x = np.concatenate([seed_x, novel_x])
    cold_path = data / "cold" / "train.csv" if data else None
    if cold_path is None or not cold_path.exists():
        print("COLD train split not found: training on seeds only", file=sys.stderr)
        raw: list[str] = []
        cold_y = np.zeros(0, int)
    else:
        raw, cold_y = load_cold(cold_path)
    clean = [normalize(t).clean for t in raw]
    held = np.random.RandomState(1).rand(len(raw)) < 0.15
    ngram = _train_ngram(seeds, clean, cold_y, held)
    order, cold_x = np.zeros(0, int), np.zeros((0, 384), np.float32)
    if raw and limit > 0:
        order, cold_x = cold_embeddings(raw, cache, limit, emb)
    embed = _train_embed(seeds, seed_x, cold_x, cold_y[order], held[order])
    thresholds = seed_cv_thresholds(seed_x, seeds)
    corpus = load_corpus()
    if corpus.texts:
        wide = seeds.extend(corpus)
        seed_x = np.concatenate([seed_x, _cached_embeddings("corpus", corpus.texts, cache, emb)])
        seeds = wide  # the nearest-seed pool takes the corpus too
        wide_embed = _train_embed(wide, seed_x, cold_x, cold_y[order], held[order])
        embed, thresholds = _blend(
            embed, thresholds, wide_embed, seed_cv_thresholds(seed_x, wide), CORPUS_SHARE
        )
    hold = order[held[order]] if len(order) else np.flatnonzero(held)
    hold_x = cold_x[held[order]] if len(order) else cold_x
    stack, thresholds["offensive"] = _fit_stack(
        ngram, embed, [clean[i] for i in hold], cold_y[hold], hold_x
    )
    knn = _neighbours(seeds, seed_x)
    meta = {
        "seeds": len(seeds.texts),
        "corpus": len(corpus.texts),
        "corpus_share": CORPUS_SHARE,
        "cold_train": len(raw),
        "cold_embedded": len(order),
    }
    models = Models(ngram, embed, stack, knn, thresholds, meta)
    models.save(out)
    return models


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m safety.train", description=__doc__)
    ap.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "roleplay-safety")
    # 3200 COLD rows is what the shipped file was trained with (COLD dev figures in
    # docs/safety.md); more rows cost embedding time and move the offensive head little.
    ap.add_argument("--embed-limit", type=int, default=3200)
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "data" / "model.npz"
    )
    args = ap.parse_args(argv)
    models = train(
        args.data if args.data.is_dir() else None, args.cache, args.embed_limit, args.out
    )
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB); thresholds {models.thresholds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
