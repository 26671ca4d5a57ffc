from __future__ import annotations

import copy
from typing import Any

import pytest

from characters.card import export_card_json, parse_card_json
from characters.novel import NovelExtension, Snapshot, Work
from roleplay.errors import CardError
from roleplay.llm.base import CanonLine

# --- parsing the three versions -------------------------------------------------------


def test_v3_parses_every_field(v3_card: dict[str, Any]) -> None:
    card = parse_card_json(v3_card)
    assert card.source_spec == "v3"
    assert card.spec == "chara_card_v3" and card.spec_version == "3.0"
    data = card.data
    assert data.name == "林照"
    assert data.nickname == "阿照"
    assert data.group_only_greetings == ["各位，药铺打烊了。"]
    assert data.creation_date == 1700000000
    assert data.assets is not None and data.assets[0].uri == "ccdefault:"
    assert data.character_book is not None
    assert data.character_book.entries[0].position == "after_char"
    assert card.ignored_keys == []


def test_v2_parses_and_defaults_v3_fields(v2_card: dict[str, Any]) -> None:
    card = parse_card_json(v2_card)
    assert card.source_spec == "v2"
    assert card.data.name == "Marlow"
    assert card.data.nickname == "" and card.data.source == [] and card.data.assets is None
    assert card.data.character_book is None


def test_v1_is_lifted_into_the_v3_shape(v1_card: dict[str, Any]) -> None:
    card = parse_card_json(v1_card)
    assert card.source_spec == "v1"
    assert card.spec == "chara_card_v3"
    assert card.data.personality == "quick, cheeky"
    assert card.data.alternate_greetings == [] and card.data.extensions == {}


def test_v1_quirks_of_real_exporters_are_tolerated(v1_card: dict[str, Any]) -> None:
    del v1_card["scenario"]  # some V1 files simply omit fields
    v1_card |= {
        "avatar": "pip.png",
        "chat": "Pip - 2023-1-1",
        "create_date": "1672531200000",
        "talkativeness": "0.5",
        "fav": False,
        "creatorcomment": "made for the tests",
        "metadata": {"version": 1, "tool": {"name": "an editor"}},
    }
    card = parse_card_json(v1_card)
    assert card.data.scenario == ""
    assert card.data.creator_notes == "made for the tests"
    assert card.data.extensions == {"talkativeness": "0.5", "fav": False}
    assert sorted(card.ignored_keys) == ["avatar", "chat", "create_date", "metadata"]


def test_v2_with_top_level_duplicates_uses_data(v2_card: dict[str, Any]) -> None:
    v2_card |= {"name": "Old Name", "description": "stale copy", "chat": "x", "fav": True}
    v2_card["data"]["avatar"] = "none"
    card = parse_card_json(v2_card)
    assert card.data.name == "Marlow"
    assert card.data.description.startswith("{{char}} keeps")
    assert card.ignored_keys == ["chat", "data.avatar"]


def test_data_without_spec_is_read_as_v2(v2_card: dict[str, Any]) -> None:
    del v2_card["spec"], v2_card["spec_version"]
    assert parse_card_json(v2_card).source_spec == "v2"


def test_nulls_mean_absent(v2_card: dict[str, Any]) -> None:
    v2_card["data"] |= {"creator_notes": None, "tags": None, "extensions": None}
    card = parse_card_json(v2_card)
    assert (card.data.creator_notes, card.data.tags, card.data.extensions) == ("", [], {})


def test_numeric_character_version_is_kept_as_text(v2_card: dict[str, Any]) -> None:
    v2_card["data"]["character_version"] = 1.5
    assert parse_card_json(v2_card).data.character_version == "1.5"


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alternate_greetings", ["a", "b", 3], "data.alternate_greetings[2]: expected a string"),
        ("tags", "sea, storm", "data.tags: expected a list"),
        ("extensions", [], "data.extensions: expected an object"),
        ("description", {"text": "x"}, "data.description: expected a string"),
        ("creation_date", "yesterday", "data.creation_date: expected an integer"),
    ],
)
def test_wrong_types_name_the_field(
    v2_card: dict[str, Any], field: str, value: object, message: str
) -> None:
    v2_card["data"][field] = value
    with pytest.raises(CardError) as info:
        parse_card_json(v2_card)
    assert info.value.message == message
    assert info.value.detail == [{"path": message.split(":")[0], "problem": message.split(": ")[1]}]


def test_lorebook_entry_errors_have_the_full_path(v3_card: dict[str, Any]) -> None:
    v3_card["data"]["character_book"]["entries"][0]["keys"] = ["ok", None]
    with pytest.raises(CardError, match=r"data\.character_book\.entries\[0\]\.keys\[1\]: expected"):
        parse_card_json(v3_card)


def test_several_problems_are_counted(v2_card: dict[str, Any]) -> None:
    v2_card["data"] |= {"tags": 1, "creator": 2}
    with pytest.raises(CardError, match=r"\(and 1 more problems\)") as info:
        parse_card_json(v2_card)
    assert isinstance(info.value.detail, list) and len(info.value.detail) == 2


def test_missing_name_and_bad_spec() -> None:
    with pytest.raises(CardError, match="^name: is required$"):
        parse_card_json({"description": "nameless"})
    with pytest.raises(CardError, match="unknown card spec 'chara_card_v9'"):
        parse_card_json({"spec": "chara_card_v9", "data": {"name": "x"}})
    with pytest.raises(CardError, match="data: expected an object"):
        parse_card_json({"spec": "chara_card_v2", "data": "x"})
    with pytest.raises(CardError, match="lorebook"):
        parse_card_json({"entries": {}})


def test_fifty_megabyte_description_is_refused(v2_card: dict[str, Any]) -> None:
    v2_card["data"]["description"] = "x" * (50 * 1024 * 1024)
    with pytest.raises(CardError, match=r"data\.description is 52,428,800 characters") as info:
        parse_card_json(v2_card)
    assert "limit for one text field is 200,000" in info.value.message


def test_whole_card_over_eight_megabytes_is_refused(v2_card: dict[str, Any]) -> None:
    v2_card["data"]["alternate_greetings"] = ["长" * 150_000] * 20  # 9 MB of UTF-8
    with pytest.raises(CardError, match="larger than 8 MB"):
        parse_card_json(v2_card)


def test_too_many_lorebook_entries(v3_card: dict[str, Any]) -> None:
    entry = {"keys": ["k"], "content": "c"}
    v3_card["data"]["character_book"]["entries"] = [entry] * 5001
    with pytest.raises(CardError, match="5,001 entries; the limit is 5,000"):
        parse_card_json(v3_card)


def test_absurd_nesting_is_refused(v2_card: dict[str, Any]) -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100):
        node["x"] = {}
        node = node["x"]
    v2_card["data"]["extensions"]["deep"] = deep
    with pytest.raises(CardError, match="nested more than 64 levels"):
        parse_card_json(v2_card)


# --- export and round trips ------------------------------------------------------------


@pytest.mark.parametrize("spec", ["v2", "v3"])
def test_json_round_trip_keeps_the_card(v3_card: dict[str, Any], spec: Any) -> None:
    card = parse_card_json(v3_card)
    again = parse_card_json(export_card_json(card, spec))
    if spec == "v3":
        assert again.model_dump() == card.model_dump()
    else:  # V2 cannot carry the V3-only fields; everything else survives
        v3_only = {"nickname", "creator_notes_multilingual", "source", "group_only_greetings"}
        v3_only |= {"creation_date", "modification_date", "assets"}
        assert again.data.model_dump(exclude=v3_only) == card.data.model_dump(exclude=v3_only)


def test_v3_export_is_the_input(v3_card: dict[str, Any]) -> None:
    exported = export_card_json(parse_card_json(v3_card), "v3")
    assert exported["spec"] == "chara_card_v3" and exported["spec_version"] == "3.0"
    for key, value in v3_card["data"].items():
        if key != "character_book":
            assert exported["data"][key] == value, key


def test_v2_export_shape(v3_card: dict[str, Any]) -> None:
    exported = export_card_json(parse_card_json(v3_card), "v2")
    assert exported["spec"] == "chara_card_v2" and exported["spec_version"] == "2.0"
    assert "nickname" not in exported["data"] and "assets" not in exported["data"]
    assert "use_regex" not in exported["data"]["character_book"]["entries"][0]
    assert exported["data"]["extensions"]["novel_roleplay"]["work"]["title"] == "青灯录"


def test_v1_export_is_flat(v2_card: dict[str, Any]) -> None:
    exported = export_card_json(parse_card_json(v2_card), "v1")
    assert set(exported) == {
        "name",
        "description",
        "personality",
        "scenario",
        "first_mes",
        "mes_example",
    }
    assert parse_card_json(exported).data.name == "Marlow"


def test_v1_round_trip(v1_card: dict[str, Any]) -> None:
    card = parse_card_json(v1_card)
    assert parse_card_json(export_card_json(card, "v1")).model_dump() == card.model_dump()


def test_unknown_extension_keys_round_trip_untouched(v3_card: dict[str, Any]) -> None:
    original = copy.deepcopy(v3_card["data"]["extensions"])
    card = parse_card_json(v3_card)
    for spec in ("v2", "v3"):
        exported = export_card_json(card, spec)
        assert exported["data"]["extensions"] == original
    book = export_card_json(card, "v3")["data"]["character_book"]
    assert book["extensions"] == {"other_tool": {"keep": True}}
    assert book["entries"][0]["extensions"] == {"depth": 4}


def test_unknown_export_spec(v2_card: dict[str, Any]) -> None:
    with pytest.raises(CardError, match="use v1, v2 or v3"):
        export_card_json(parse_card_json(v2_card), "v4")  # type: ignore[arg-type]


# --- the novel_roleplay extension -------------------------------------------------------


def test_novel_view_is_typed(v3_card: dict[str, Any]) -> None:
    novel = parse_card_json(v3_card).novel
    assert novel.schema_version == 1
    assert novel.work == Work(id="qingdeng", title="青灯录", language="zh", era="架空")
    assert novel.aliases == ["林姑娘", "阿照"]
    assert novel.lines[0].chapter == 3
    assert novel.snapshots[1].to_chapter is None
    assert novel.provenance is not None and novel.provenance.model_extra == {
        "run": "2024-01-01",
        "chapters": [1, 40],
    }


def test_novel_view_of_a_plain_card_is_empty(v2_card: dict[str, Any]) -> None:
    novel = parse_card_json(v2_card).novel
    assert novel.work is None and novel.lines == [] and novel.aliases == []


def test_with_novel_writes_one_namespaced_key(v2_card: dict[str, Any]) -> None:
    card = parse_card_json(v2_card)
    ext = NovelExtension(aliases=["Old Marlow"], snapshots=[Snapshot(from_chapter=5)])
    updated = card.with_novel(ext)
    assert "novel_roleplay" not in card.data.extensions  # the original is untouched
    assert set(updated.data.extensions) == {"talkativeness", "vendor", "novel_roleplay"}
    assert updated.data.extensions["novel_roleplay"]["schema"] == 1
    assert updated.novel == ext
    round_tripped = parse_card_json(export_card_json(updated, "v2"))
    assert round_tripped.novel == ext


def test_novel_setter(v2_card: dict[str, Any]) -> None:
    card = parse_card_json(v2_card)
    card.novel = NovelExtension(self_address=["I"])
    assert card.novel.self_address == ["I"]


def test_future_novel_fields_survive(v2_card: dict[str, Any]) -> None:
    v2_card["data"]["extensions"]["novel_roleplay"] = {"schema": 1, "glossary": {"a": "b"}}
    card = parse_card_json(v2_card)
    assert card.novel.to_json()["glossary"] == {"a": "b"}


@pytest.mark.parametrize(
    ("novel", "message"),
    [
        ("not an object", "data.extensions.novel_roleplay: expected an object"),
        (
            {"lines": [{"text": 5}]},
            "data.extensions.novel_roleplay.lines[0].text: expected a string",
        ),
        ({"aliases": "阿照"}, "data.extensions.novel_roleplay.aliases: expected a list"),
        (
            {"snapshots": [{"from_chapter": 9, "to_chapter": 2}]},
            "data.extensions.novel_roleplay.snapshots[0]: to_chapter is before from_chapter",
        ),
        ({"schema": 2}, "data.extensions.novel_roleplay: schema 2 is newer"),
    ],
)
def test_bad_novel_extension_is_a_card_error(
    v2_card: dict[str, Any], novel: object, message: str
) -> None:
    v2_card["data"]["extensions"]["novel_roleplay"] = novel
    with pytest.raises(CardError) as at_import:
        parse_card_json(v2_card)
    assert at_import.value.message.startswith(message)
    card = parse_card_json({"data": {"name": "Ok"}})
    card.data.extensions["novel_roleplay"] = novel  # edited after import: the view still checks
    with pytest.raises(CardError) as lazily:
        _ = card.novel
    assert lazily.value.message.startswith(message)


# --- canon lines and snapshots --------------------------------------------------------


def test_canon_lines(v3_card: dict[str, Any]) -> None:
    lines = parse_card_json(v3_card).canon_lines()
    assert lines == [
        CanonLine("*林照抬头看你一眼* 这么晚了，抓药？"),
        CanonLine("又是你，{{user}}。"),
        CanonLine("下山了，三年没回来。", context="你师父呢？"),
        CanonLine("苦。良药都苦。", context="这药苦吗？"),
        CanonLine("灯还亮着，林照就还在。", context="你怎么还不睡？", chapter=3),
        CanonLine("这一剑，我替师父还你。", chapter=40),
        CanonLine("雨停了。"),
    ]


def test_canon_lines_of_v1_macros_and_named_speakers(v1_card: dict[str, Any]) -> None:
    v1_card["mes_example"] += "\n<START>\nPip: Oi!\nPip: Over here!\n<USER>: Me?\nPIP:  You."
    lines = parse_card_json(v1_card).canon_lines()
    assert lines == [
        CanonLine("Spare a coin, <USER>?"),
        CanonLine("Name's Pip. Who's asking?", context="Who are you?"),
        CanonLine("Oi!"),
        CanonLine("Over here!"),
        CanonLine("You.", context="Me?"),
    ]


def test_snapshot_for_chapters(v3_card: dict[str, Any]) -> None:
    card = parse_card_json(v3_card)
    base = card.snapshot_for(None)
    assert base.description == "{{char}}是青灯镇的药铺学徒。" and base.from_chapter is None
    early = card.snapshot_for(5)
    assert early.description == "山中药铺的学徒。"
    assert early.personality == "沉静，嘴硬心软"  # empty in the snapshot: base value
    assert (early.from_chapter, early.to_chapter) == (1, 20)
    assert card.snapshot_for(21).description == "下山寻师的剑客。"
    assert card.snapshot_for(999).description == "下山寻师的剑客。"
    # Before the first snapshot: the earliest view, never the whole-book base fields.
    assert card.snapshot_for(0).description == "山中药铺的学徒。"


def test_latest_covering_snapshot_wins(v2_card: dict[str, Any]) -> None:
    card = parse_card_json(v2_card).with_novel(
        NovelExtension(
            snapshots=[
                Snapshot(from_chapter=1, description="whole book"),
                Snapshot(from_chapter=10, to_chapter=12, description="the storm arc"),
            ]
        )
    )
    assert card.snapshot_for(9).description == "whole book"
    assert card.snapshot_for(11).description == "the storm arc"
    assert card.snapshot_for(13).description == "whole book"
