from __future__ import annotations

from importlib import resources

from safety.base import CATEGORIES
from safety.model import Models
from safety.train import load_seeds


def test_shipped_model_loads_from_the_package_alone() -> None:
    ref = resources.files("safety.data").joinpath("model.npz")
    with resources.as_file(ref) as path:
        assert path.stat().st_size < 5_000_000
    models = Models.load()
    assert set(CATEGORIES) <= set(models.embed.heads)
    assert set(models.thresholds) >= set(CATEGORIES) | {"offensive"}
    scores = models.ngram.score("你好")
    assert set(scores) == {"offensive", "unsafe"} and all(0 <= v <= 1 for v in scores.values())


def test_seed_sets_parse_and_cover_every_category_in_both_languages() -> None:
    seeds = load_seeds()
    for cat in CATEGORIES:
        has = [t for t, labels in zip(seeds.texts, seeds.labels, strict=True) if cat in labels]
        assert any(ord(c) > 0x4E00 for t in has for c in t), cat
        assert any(t.isascii() for t in has), cat


def test_neighbours_ship_with_the_model() -> None:
    import numpy as np

    models = Models.load()
    assert len(models.knn.points) > 100
    probe = models.knn.mean[None, :] + 0.01
    share = models.knn.support(np.asarray(probe, np.float32))[0]
    assert set(share) == set(CATEGORIES) and all(0.0 <= v <= 1.0 for v in share.values())
