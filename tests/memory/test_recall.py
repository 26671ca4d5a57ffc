"""Retrieval: canon up to the reader's chapter, budget packing, windows, rolling summaries."""

from __future__ import annotations

from memory.chroma import ChromaStore
from memory.items import MemoryItem
from memory.lexical import BM25, terms
from memory.retrieval import RetrievalParams, pack
from memory.store import FakeVectorStore
from memory.summary import Summarizer, SummaryPolicy
from roleplay.tokens import get_tokenizer
from tests.memory.conftest import build_memory, scope, turn

CHAPTERS = [
    (
        1,
        "第一回\n\n花果山上有一块仙石，石破天惊，生出一只石猴。\n\n石猴发现了水帘洞，众猴拜他为王。",
    ),
    (2, "第二回\n\n美猴王漂洋过海，拜菩提祖师为师，得名孙悟空，学会七十二变和筋斗云。"),
    (3, "第三回\n\n孙悟空大闹天宫，偷吃蟠桃，被如来佛祖压在五行山下。"),
]


def test_terms_work_for_chinese_and_english() -> None:
    assert "悟空" in terms("孙悟空学会了筋斗云")
    assert terms("Painting paints") == ["paint", "paint"]
    index = BM25()
    index.add("a", "孙悟空学会七十二变")
    index.add("b", "猪八戒吃西瓜")
    assert index.search("悟空会什么变化", 2)[0][0] == "a"
    assert index.search("悟空", 5, allowed=["b"]) == []


async def test_canon_only_up_to_the_readers_chapter(chroma_store: ChromaStore) -> None:
    mem = build_memory(chroma_store)
    assert await mem.index_canon("xyj", CHAPTERS) >= 3
    early = scope(work_id="xyj", chapter=2)
    got = await mem.recall(early, "孙悟空被压在五行山下了吗？大闹天宫", budget_tokens=600)
    canon = [r for r in got if r.kind == "canon"]
    assert canon and all(int(str(r.meta["chapter"])) <= 2 for r in canon)
    assert all("五行山" not in r.text for r in got)
    none_yet = await mem.recall(scope(work_id="xyj", chapter=0), "孙悟空 石猴", budget_tokens=600)
    assert [r for r in none_yet if r.kind == "canon"] == []
    late = await mem.recall(scope(work_id="xyj", chapter=3), "五行山", budget_tokens=600)
    top = [r for r in late if r.kind == "canon"][0]
    assert "五行山" in top.text and top.meta["chapter"] == 3 and "offset" in top.meta


async def test_recall_fits_the_budget_and_brings_neighbouring_turns() -> None:
    mem = build_memory(FakeVectorStore())
    s = scope()
    for i in range(30):
        await mem.remember(s, turn(f"Filler message number {i} about the weather.", "Okay."))
    await mem.remember(s, turn("Guess what I adopted yesterday?", "Tell me!"))
    await mem.remember(s, turn("A tiny kitten called Mochi.", "How lovely."))
    count = get_tokenizer().count
    for budget in (30, 120, 400):
        got = await mem.recall(s, "what is the kitten called", budget_tokens=budget)
        assert sum(count(r.text) + 2 for r in got) <= budget
    got = await mem.recall(s, "what is the kitten called", budget_tokens=400)
    assert "Mochi" in got[0].text and "adopted" in got[0].text  # the question came along


def test_pack_skips_overlaps_and_shrinks_windows() -> None:
    items = [
        MemoryItem(
            id=f"t{i}",
            kind="turn",
            text=f"line {i}",
            reader_id="r",
            card_id="c",
            chat_id="x",
            speaker="A",
            seq=i,
            at=1.0,
        )
        for i in range(6)
    ]
    by_id = {i.id: i for i in items}

    def around(item: MemoryItem, radius: int) -> list[MemoryItem]:
        return [
            by_id[f"t{j}"]
            for j in range(item.seq - radius, item.seq + radius + 1)
            if f"t{j}" in by_id
        ]

    ranked = [(items[2], 1.0), (items[3], 0.9), (items[5], 0.5)]
    out = pack(ranked, around, lambda t: len(t.split()), 100, RetrievalParams(window=1))
    assert [r.meta["window"] for r in out] == [["t1", "t2", "t3"], ["t4", "t5"]]
    tight = pack(ranked, around, lambda t: len(t.split()), 6, RetrievalParams(window=2))
    assert tight and all(len(r.meta["window"]) <= 2 for r in tight)  # type: ignore[arg-type]


async def test_rolling_summaries_stay_within_a_fixed_budget() -> None:
    count = get_tokenizer().count
    policy = SummaryPolicy(chunk=6, keep_recent=4, summary_tokens=60, max_summaries=3)
    mem = build_memory(FakeVectorStore(), summarizer=Summarizer(count, policy))
    s = scope()
    for i in range(60):
        await mem.remember(s, turn(f"Day {i}: I visited museum number {i} in town {i}.", "Nice!"))
    summaries = [m for m in await mem.control.list_memories("alice") if m["kind"] == "summary"]
    assert 1 <= len(summaries) <= policy.max_summaries
    assert all(count(str(m["text"])) <= policy.summary_tokens for m in summaries)
    assert all(m["sources"] for m in summaries)  # every quote keeps its message id
