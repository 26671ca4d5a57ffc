"""Arcs (volumes, round group sizes that survive an append) and reading model replies."""

from __future__ import annotations

from characters.extract.arcs import Arc, arc_size, split_arcs
from characters.extract.chapters import Chapter
from characters.extract.llm import spread
from characters.extract.llmreply import arc_snapshot, base_fields, parse_object


def book(n: int, volumes: dict[int, str] | None = None) -> list[Chapter]:
    volumes = volumes or {}
    out, volume = [], ""
    for i in range(1, n + 1):
        volume = volumes.get(i, volume)
        out.append(Chapter(i, f"第{i}章", (i - 1) * 100, i * 100, volume))
    return out


def spans(arcs: list[Arc]) -> list[tuple[int, int]]:
    return [(a.from_chapter, a.to_chapter) for a in arcs]


def test_fixed_groups_of_a_round_size() -> None:
    assert arc_size(6) == 1 and arc_size(100) == 10 and arc_size(746) == 75
    assert spans(split_arcs(book(25), max_arcs=10)) == [(1, 3), (4, 6), (7, 9), (10, 12),
        (13, 15), (16, 18), (19, 21), (22, 24), (25, 25)]  # fmt: skip
    assert len(split_arcs(book(3000))) == 10


def test_appending_chapters_keeps_earlier_arcs() -> None:
    before, after = split_arcs(book(95)), split_arcs(book(100))
    assert spans(before)[:-1] == spans(after)[:-1]
    assert spans(after)[-1] == (91, 100)


def test_volumes_are_arcs_cut_by_size() -> None:
    chapters = book(30, {1: "第一卷 下山", 8: "第二卷 归山"})
    arcs = split_arcs(chapters, max_arcs=3)
    assert spans(arcs) == [(1, 7), (8, 17), (18, 27), (28, 30)]
    assert [a.title for a in arcs] == ["第一卷 下山"] + ["第二卷 归山"] * 3
    front = book(6, {3: "第一卷", 5: "第二卷"})  # chapters before the first volume join it
    arcs = split_arcs(front, max_arcs=2)
    assert spans(arcs) == [(1, 3), (4, 4), (5, 6)] and arcs[0].title == "第一卷"


def test_spread_keeps_order_and_evenness() -> None:
    items = [f"{i:02d}" for i in range(20)]
    picked = spread(items, 10, len)
    assert picked == ["00", "04", "08", "12", "16"]
    assert spread(items, 1000, len) == items and spread(items, 1, len) == []


def test_replies_are_read_forgivingly() -> None:
    fenced = '好的：\n```json\n{"summary": "少年剑客", "personality": "直爽",}\n```'
    assert parse_object(fenced) == {"summary": "少年剑客", "personality": "直爽"}
    cut = '{"summary": "少年", "key_events": [{"chapter": 3, "event": "夜探黑风'
    events = [{"chapter": 3, "event": "夜探黑风"}]
    assert parse_object(cut) == {"summary": "少年", "key_events": events}
    half_key = '{"summary": "少年", "perso'
    assert parse_object(half_key) == {"summary": "少年"}
    assert parse_object("我不知道。") is None and parse_object("[1, 2]") is None


def test_every_fact_keeps_a_chapter_range() -> None:
    reply = {
        "summary": "下山的少年", "personality": ["直爽", "重诺"], "goals": "闯荡",
        "relationships": {"柳如烟": "同伴"},
        "key_events": [{"chapter": "第3章", "event": "夜探黑风寨"},
                       {"chapter": 40, "event": "越界"}, "拜别师父"],
    }  # fmt: skip
    snap = arc_snapshot(reply, 1, 3, zh=True)
    assert snap is not None and (snap.from_chapter, snap.to_chapter) == (1, 3)
    extra = snap.model_dump()
    assert extra["source"] == "llm" and extra["personality"].startswith("直爽；重诺")
    assert extra["relationships"] == [{"with": "柳如烟", "relation": "同伴", "chapters": [1, 3]}]
    assert [e["chapters"] for e in extra["key_events"]] == [[3, 3], [1, 3], [1, 3]]
    assert "第3章夜探黑风寨" in snap.description and "目标：闯荡" in snap.personality
    assert arc_snapshot({"relationships": []}, 1, 3, zh=True) is None
    assert base_fields({"description": "白云山掌门", "personality": 3}) == ("白云山掌门", "3")
    assert base_fields({"personality": "沉稳"}) is None
