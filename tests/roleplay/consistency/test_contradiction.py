"""The shipped contradiction model: it loads from the package, its trigger, and real checks."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import numpy as np
import pytest

from characters.card import CharacterCard
from memory.embeddings import E5Embedder, Vectors
from roleplay.consistency import (
    ContradictionChecker,
    ContradictionModel,
    Exchange,
    PersonaChecker,
    PersonaContext,
    load_contradiction,
)

AGE = Exchange("你今年多大了？", "我今年二十岁，刚上大二。")


class CountingEmbedder:
    """Real e5 vectors, counting the texts it is asked for."""

    dim = 384

    def __init__(self, inner: E5Embedder) -> None:
        self.inner = inner
        self.texts: list[str] = []

    async def query(self, texts: Sequence[str]) -> Vectors:
        self.texts += texts
        return await self.inner.query(texts)

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return await self.inner.passage(texts)


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder(num_threads=2)


@pytest.fixture
def embedder(e5: E5Embedder) -> CountingEmbedder:
    return CountingEmbedder(e5)


def test_the_model_ships_inside_the_package() -> None:
    path = resources.files("roleplay.consistency").joinpath("contradiction.npz")
    assert path.is_file()
    model = ContradictionModel.load()
    assert 0 < model.threshold < 1 and "lex" in model.blocks
    assert model.meta["trained_on"].endswith("2class_train.tsv")
    first, second = Exchange("a", "b"), Exchange("c", "d")
    vectors = {t: np.full(384, 0.05, np.float32) for t in model.texts(first, second)}
    probs = model.predict(model.features([(first, second)] * 3, vectors))
    assert probs.shape == (3,) and np.all((probs >= 0) & (probs <= 1))


def test_the_trigger_fires_on_the_same_question_only(embedder: CountingEmbedder) -> None:
    checker = ContradictionChecker(ContradictionModel.load(), embedder)
    history = [AGE, Exchange("你喜欢吃什么？", "我最爱吃桃子。")]
    assert checker.candidates("今天天气真好，出去走走吧。", history, ()) == []
    again = checker.candidates("你今年多大？", history, ())
    assert [c.earlier for c in again] == [AGE]
    assert again[0].kind == "reply_contradiction"


async def test_no_vectors_are_computed_when_the_trigger_is_quiet(
    embedder: CountingEmbedder,
) -> None:
    checker = ContradictionChecker(ContradictionModel.load(), embedder)
    assert await checker.find("外面下雨了。", "天气怎么样？", [AGE], ()) == []
    assert embedder.texts == []


async def test_contradicting_an_earlier_reply_is_caught(embedder: CountingEmbedder) -> None:
    checker = PersonaChecker(contradiction=load_contradiction(embedder))
    ctx = PersonaContext("林清羽", None, user_message="你多大了？", history=[AGE])
    report = await checker.check("我已经四十五岁了，孩子都上中学了。", ctx)
    assert [f.kind for f in report.findings] == ["reply_contradiction"]
    finding = report.findings[0]
    assert finding.source == AGE.reply and "[45]岁" in finding.detail  # the quantity rule
    assert "contradiction" in report.timings_ms
    consistent = await checker.check("二十岁呀，我刚上大二。", ctx)
    assert consistent.ok, consistent.problems
    # No number to compare: the model decides, on e5 vectors.
    report = await checker.check("我还是个小孩子，没上学呢。", ctx)
    assert report.findings and report.findings[0].score is not None


async def test_contradicting_the_card_s_canon_answer(
    wukong: CharacterCard, embedder: CountingEmbedder
) -> None:
    """The card says the staff weighs 13,500 jin (a line the reader at chapter 14 may see)."""
    checker = PersonaChecker(contradiction=load_contradiction(embedder))
    ctx = PersonaContext(
        "孙悟空", 14, card=wukong, card_key="wukong", user_message="金箍棒有多重？"
    )
    report = await checker.check("不重不重，也就八百斤罢了。", ctx)
    assert "card_contradiction" in report.kinds
    assert any("一万三千五百斤" in f.source for f in report.findings)


async def test_deferred_mode_keeps_e5_off_the_turn(embedder: CountingEmbedder) -> None:
    checker = PersonaChecker(contradiction=load_contradiction(embedder), defer_contradiction=True)
    ctx = PersonaContext("林清羽", None, user_message="你多大了？", history=[AGE])
    report = await checker.check("我还是个小孩子，没上学呢。", ctx)
    assert report.ok and "contradiction" not in report.timings_ms and embedder.texts == []
    later = await checker.contradictions("我还是个小孩子，没上学呢。", ctx)
    assert later.kinds == {"reply_contradiction"} and "contradiction" in later.timings_ms
