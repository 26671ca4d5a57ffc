"""Reports, the regenerate-once policy, and review items for editors."""

from __future__ import annotations

from characters.card import CharacterCard
from roleplay.consistency import (
    ConsistencyPolicy,
    ConsistencyReport,
    Exchange,
    PersonaChecker,
    PersonaContext,
    Problem,
    ReaderReport,
    ReviewItem,
    checker_item,
    exchanges,
    reader_item,
)
from roleplay.turn.consistency import ConsistencyReport as SpineReport
from roleplay.turn.consistency import PersonaContext as SpineContext


def test_the_spine_names_still_work() -> None:
    assert SpineReport is ConsistencyReport and SpineContext is PersonaContext
    report = SpineReport(ok=False, problems=["out-of-character phrase 'as an AI'"])
    assert report.correction.startswith("Stay in character.")
    assert PersonaContext("孙悟空", 3, ["你好"]).previous_replies == ["你好"]


async def test_report_carries_evidence_and_a_correction_note(wukong: CharacterCard) -> None:
    ctx = PersonaContext("孙悟空", 14, card=wukong, card_key="wukong", user_message="你好")
    report = await PersonaChecker().check("本王用手机查了一下，作为一个AI我不知道。", ctx)
    assert report.kinds == {"self_address", "anachronism", "out_of_character"}
    assert len(report.problems) == len(report.findings) == 3
    note = report.correction
    for evidence in ("本王", "手机", "作为一个AI"):
        assert evidence in note
    assert "Do not mention this note." in note
    data = report.to_json()
    assert data["ok"] is False and {f["kind"] for f in data["findings"]} == report.kinds
    assert Problem.from_json(data["findings"][0]) == report.findings[0]
    assert report.timings_ms["total"] >= report.timings_ms["deterministic"] > 0


def test_policy_regenerates_once_then_delivers_or_withholds() -> None:
    policy = ConsistencyPolicy()
    clean = ConsistencyReport.of([])
    odd = ConsistencyReport.of([Problem("anachronism", "手机", "modern")])
    spoiler = ConsistencyReport.of([Problem("spoiler", "红孩儿", "chapter 40")])
    assert policy.decide(clean, 0) == "accept"
    assert policy.decide(odd, 0) == "regenerate"
    assert policy.decide(odd, 1) == "deliver_flagged"
    assert policy.decide(spoiler, 1) == "withhold"
    strict = ConsistencyPolicy(regenerate=False, withhold=frozenset({"anachronism"}))
    assert strict.decide(odd, 0) == "withhold"


def test_review_items_round_trip_as_json() -> None:
    first = ConsistencyReport.of([Problem("anachronism", "手机", "modern")])
    second = ConsistencyReport.of([Problem("anachronism", "电话", "modern")])
    item = checker_item(
        chat_id="c1",
        message_id="m1",
        card_id="sun-wukong",
        card_version="v1",
        character_name="孙悟空",
        chapter=14,
        user_message="你怎么联系师父？",
        attempts=[("用手机。", first), ("打电话。", second)],
        action="deliver_flagged",
    )
    again = ReviewItem.model_validate_json(item.model_dump_json())
    assert again == item and again.kinds == {"anachronism"}
    assert [a.text for a in again.attempts] == ["用手机。", "打电话。"]
    reported = reader_item(
        chat_id="c1",
        message_id="m2",
        card_id="sun-wukong",
        card_version="v1",
        character_name="孙悟空",
        chapter=14,
        user_message="你是谁？",
        reply="我是你的助手。",
        recheck=ConsistencyReport.of([]),
        report=ReaderReport(reason="out_of_character", note="他不像孙悟空"),
        reader_id="r1",
    )
    assert reported.source == "reader" and reported.reader is not None
    assert reported.attempts[0].findings == []


def test_chat_turns_become_exchanges() -> None:
    turns = [
        ("character", "喂！你是哪里来的？"),
        ("user", "你多大了？"),
        ("character", "五百多岁喽。"),
        ("system", "note"),
        ("user", "真的吗？"),
        ("character", ""),
    ]
    assert exchanges(turns) == [
        Exchange("", "喂！你是哪里来的？"),
        Exchange("你多大了？", "五百多岁喽。"),
    ]


def test_screen_runs_on_a_partial_reply(wukong: CharacterCard) -> None:
    ctx = PersonaContext("孙悟空", 14, card=wukong, card_key="wukong", user_message="你好")
    checker = PersonaChecker()
    assert checker.screen("俺老孙", ctx) == []
    found = checker.screen("俺老孙掏出手机", ctx)
    assert [p.evidence for p in found] == ["手机"]
