from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from characters.card import export_card_json, parse_card_json
from characters.cardfile import (
    dump_card,
    dump_lorebook,
    load_card,
    load_lorebook,
    read_card_file,
    write_card_file,
)
from characters.png import iter_chunks, placeholder_png, read_png_text, write_png_text
from characters.worldinfo import json_shape
from roleplay.errors import CardError


def b64json(obj: object) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def png_with(**texts: str) -> bytes:
    return write_png_text(placeholder_png("art"), texts)


# --- round trips ----------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["v1_card", "v2_card", "v3_card"])
def test_png_round_trip(fixture: str, request: pytest.FixtureRequest) -> None:
    card = parse_card_json(request.getfixturevalue(fixture))
    png = dump_card(card, "png")
    texts = read_png_text(png)
    assert set(texts) == {"chara", "ccv3"}
    assert json.loads(base64.b64decode(texts["chara"]))["spec"] == "chara_card_v2"
    assert json.loads(base64.b64decode(texts["ccv3"]))["spec"] == "chara_card_v3"
    again = load_card(png)
    assert again.model_dump() == card.model_dump()
    assert again.source_spec == "v3" and again.avatar_png == png


@pytest.mark.parametrize("fixture", ["v1_card", "v2_card", "v3_card"])
def test_json_round_trip(fixture: str, request: pytest.FixtureRequest) -> None:
    card = parse_card_json(request.getfixturevalue(fixture))
    data = dump_card(card, "json")
    assert b"\\u" not in data  # ensure_ascii=False: Chinese stays readable
    assert data.decode().startswith('{\n  "spec": "chara_card_v3"')
    assert load_card(data, "card.json").model_dump() == card.model_dump()


def test_png_card_keeps_its_picture(v2_card: dict[str, Any]) -> None:
    art = placeholder_png("a real picture")
    original = write_png_text(art, {"chara": b64json(v2_card), "Software": "paint"})
    card = load_card(original, "marlow.png")
    assert card.source_spec == "v2"
    exported = dump_card(card, "png")
    idat = [c.body for c in iter_chunks(exported) if c.type == b"IDAT"]
    assert idat == [c.body for c in iter_chunks(art) if c.type == b"IDAT"]
    assert read_png_text(exported)["Software"] == "paint"


def test_json_card_gets_a_placeholder_or_the_given_image(v2_card: dict[str, Any]) -> None:
    card = load_card(json.dumps(v2_card).encode())
    assert card.avatar_png is None
    assert load_card(dump_card(card, "png")).data.name == "Marlow"
    image = placeholder_png("chosen")
    with_image = dump_card(card, "png", image=image)
    assert [c.body for c in iter_chunks(with_image)][:2] == [c.body for c in iter_chunks(image)][:2]


def test_ccv3_is_read_before_chara(v2_card: dict[str, Any], v3_card: dict[str, Any]) -> None:
    png = png_with(chara=b64json(v2_card), ccv3=b64json(v3_card))
    assert load_card(png).data.name == "林照"


@pytest.mark.parametrize("spec", ["v1", "v2"])
def test_older_spec_png_drops_stale_ccv3(v3_card: dict[str, Any], spec: Any) -> None:
    card = load_card(dump_card(parse_card_json(v3_card), "png"))
    older = dump_card(card, "png", spec=spec)
    assert set(read_png_text(older)) == {"chara"}
    assert load_card(older).source_spec == spec


def test_base64_without_padding_or_with_newlines(v2_card: dict[str, Any]) -> None:
    text = b64json(v2_card).rstrip("=")
    wrapped = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    assert load_card(png_with(chara=wrapped)).data.name == "Marlow"


def test_utf8_bom_is_accepted(v2_card: dict[str, Any]) -> None:
    data = b"\xef\xbb\xbf" + json.dumps(v2_card).encode()
    assert load_card(data).data.name == "Marlow"


# --- bad files ------------------------------------------------------------------------


def test_not_a_png() -> None:
    with pytest.raises(CardError, match="not a PNG file"):
        load_card(b"GIF89a....", "card.png")


def test_png_without_card_chunk() -> None:
    with pytest.raises(CardError, match="no 'ccv3' or 'chara' text chunk"):
        load_card(png_with(Software="paint"))


def test_invalid_base64() -> None:
    with pytest.raises(CardError, match="PNG chunk 'chara' is not valid base64"):
        load_card(png_with(chara="this is *not* base64!"))


def test_invalid_json_in_png_says_where() -> None:
    broken = base64.b64encode(b'{"name": "x",\n "description": }').decode()
    with pytest.raises(CardError, match=r"in PNG chunk 'ccv3' is invalid at line 2, column 17"):
        load_card(png_with(ccv3=broken))


def test_invalid_json_file_says_where() -> None:
    with pytest.raises(CardError, match=r"card JSON is invalid at line 1, column 10"):
        load_card(b'{"name": }')


def test_not_utf8() -> None:
    with pytest.raises(CardError, match="not UTF-8"):
        load_card(b'{"name": "\xff"}')
    with pytest.raises(CardError, match="not UTF-8"):
        load_card(png_with(chara=base64.b64encode(b'{"name": "\xff"}').decode()))


def test_json_not_an_object() -> None:
    with pytest.raises(CardError, match="must be a JSON object"):
        load_card(b"[1, 2]")


def test_wrong_types_inside_a_png(v2_card: dict[str, Any]) -> None:
    v2_card["data"]["alternate_greetings"] = ["hi", "hello", 7]
    with pytest.raises(CardError, match=r"^data\.alternate_greetings\[2\]: expected a string$"):
        load_card(png_with(chara=b64json(v2_card)))


def test_fifty_megabyte_card_file_is_refused(v2_card: dict[str, Any]) -> None:
    v2_card["data"]["description"] = "x" * (50 * 1024 * 1024)
    with pytest.raises(CardError, match=r"the card JSON is 50\.0 MB; the limit is 8 MB"):
        load_card(json.dumps(v2_card).encode())


def test_deeply_nested_json() -> None:
    with pytest.raises(CardError, match="nested too deeply"):
        load_card(b"[" * 100_000 + b"]" * 100_000)


def test_charx_is_explained() -> None:
    with pytest.raises(CardError, match="CHARX"):
        load_card(b"PK\x03\x04rest of a zip")


def test_a_lorebook_is_not_a_card() -> None:
    with pytest.raises(CardError, match="lorebook, not a character card"):
        load_card(json.dumps({"entries": {"0": {"key": ["a"], "content": "b"}}}).encode())


# --- files on disk --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".json", ".PNG"])
def test_write_and_read_files(tmp_path: Path, v3_card: dict[str, Any], suffix: str) -> None:
    card = parse_card_json(v3_card)
    path = tmp_path / f"lin{suffix}"
    write_card_file(card, path)
    assert read_card_file(path).model_dump() == card.model_dump()
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_unsupported_extension(tmp_path: Path, v2_card: dict[str, Any]) -> None:
    card = parse_card_json(v2_card)
    with pytest.raises(CardError, match="unsupported extension, use .json or .png"):
        write_card_file(card, tmp_path / "card.webp")
    with pytest.raises(CardError, match="unsupported extension"):
        read_card_file(tmp_path / "card.txt")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_the_old_file_whole(
    tmp_path: Path,
    v2_card: dict[str, Any],
    v3_card: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "card.png"
    write_card_file(parse_card_json(v2_card), path)
    before = path.read_bytes()

    def disk_full(fd: int) -> None:  # the failure arrives after bytes were written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_card_file(parse_card_json(v3_card), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["card.png"]  # no temp file left behind


def test_failed_export_touches_nothing(tmp_path: Path, v2_card: dict[str, Any]) -> None:
    path = tmp_path / "card.png"
    write_card_file(parse_card_json(v2_card), path)
    before = path.read_bytes()
    with pytest.raises(CardError, match="use v1, v2 or v3"):
        write_card_file(parse_card_json(v2_card), path, spec="v9")  # type: ignore[arg-type]
    assert path.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


# --- lorebook files -------------------------------------------------------------------

SILLYTAVERN_WORLD = {
    "name": "Harbour",
    "entries": {
        "0": {
            "uid": 0,
            "key": ["harbour", "docks"],
            "keysecondary": ["night"],
            "comment": "the harbour",
            "content": "The harbour freezes in winter.",
            "constant": False,
            "selective": True,
            "selectiveLogic": 2,
            "order": 50,
            "position": 4,
            "disable": False,
            "probability": 100,
            "depth": 4,
            "caseSensitive": None,
        },
        "7": {
            "uid": 7,
            "key": ["tide"],
            "keysecondary": [],
            "comment": "",
            "content": "Tides run high.",
            "constant": True,
            "selective": False,
            "order": 10,
            "position": 0,
            "disable": True,
            "keys": ["ignored duplicate"],
        },
    },
}

AGNAI_BOOK = {
    "kind": "memory",
    "name": "Fen",
    "description": "marsh lore",
    "userId": "u1",
    "entries": [
        {
            "name": "bog",
            "entry": "Bogs swallow carts.",
            "keywords": ["bog", "mire"],
            "priority": 5,
            "weight": 3,
            "enabled": True,
        }
    ],
}


def test_sillytavern_world_info() -> None:
    book = load_lorebook(json.dumps(SILLYTAVERN_WORLD).encode())
    first, second = book.entries
    assert book.name == "Harbour"
    assert first.keys == ["harbour", "docks"] and first.secondary_keys == ["night"]
    assert first.selective and first.selective_logic == "not_any"
    assert first.insertion_order == 50 and first.id == 0 and first.enabled
    assert first.position == "after_char" and first.extensions["position"] == 4
    assert first.extensions["probability"] == 100 and first.case_sensitive is None
    assert second.constant and not second.enabled and second.keys == ["tide"]
    assert second.position == "before_char"


def test_agnai_memory_book() -> None:
    book = load_lorebook(json.dumps(AGNAI_BOOK).encode())
    (entry,) = book.entries
    assert (book.name, book.description) == ("Fen", "marsh lore")
    assert book.extensions == {"userId": "u1"}
    assert entry.keys == ["bog", "mire"] and entry.content == "Bogs swallow carts."
    assert (entry.priority, entry.insertion_order, entry.name) == (5, 3, "bog")


def test_v2_character_book_and_v3_lorebook_files(v3_card: dict[str, Any]) -> None:
    bare = v3_card["data"]["character_book"]
    book = load_lorebook(json.dumps(bare).encode())
    assert book.entries[0].keys == ["清心诀"]
    assert load_lorebook(dump_lorebook(book)).model_dump() == book.model_dump()
    assert json.loads(dump_lorebook(book))["spec"] == "lorebook_v3"
    from_card = load_lorebook(json.dumps(v3_card).encode())
    assert from_card.model_dump() == book.model_dump()


def test_selective_logic_round_trips_as_sillytavern_code() -> None:
    book = load_lorebook(json.dumps(SILLYTAVERN_WORLD).encode())
    card = parse_card_json({"data": {"name": "x", "character_book": book.model_dump()}})
    exported = export_card_json(card, "v2")["data"]["character_book"]["entries"][0]
    assert exported["extensions"]["selectiveLogic"] == 2
    again = parse_card_json(export_card_json(card, "v3"))
    assert again.data.character_book == card.data.character_book


def test_use_regex_becomes_slash_keys_in_v2() -> None:
    entry = {"keys": ["drag(on|oon)", "a/b"], "content": "c", "use_regex": True}
    card = parse_card_json({"data": {"name": "x", "character_book": {"entries": [entry]}}})
    exported = export_card_json(card, "v2")["data"]["character_book"]["entries"][0]
    assert exported["keys"] == ["/drag(on|oon)/i", "/a\\/b/i"]


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([], "must be a JSON object"),
        ({"name": "no entries"}, "without a lorebook"),
        ({"entries": 5}, "not a lorebook"),
        ({"entries": {"3": {"key": "harbour"}}}, r"entries\.3\.keys: expected a list"),
        ({"kind": "memory", "entries": [{"keywords": [1]}]}, r"entries\[0\]\.keys\[0\]"),
    ],
)
def test_bad_lorebooks(obj: object, message: str) -> None:
    with pytest.raises(CardError, match=message):
        load_lorebook(json.dumps(obj).encode())


def test_too_many_world_info_entries() -> None:
    entries = {str(i): {"key": ["k"], "content": "c"} for i in range(5001)}
    with pytest.raises(CardError, match="limit is 5,000"):
        load_lorebook(json.dumps({"entries": entries}).encode())


def test_json_shape() -> None:
    assert json_shape(SILLYTAVERN_WORLD) == "lorebook"
    assert json_shape(AGNAI_BOOK) == "lorebook"
    assert json_shape({"spec": "lorebook_v3", "data": {}}) == "lorebook"
    assert json_shape({"spec": "chara_card_v2", "data": {}}) == "card"
    assert json_shape({"name": "x", "first_mes": "hi"}) == "card"
    assert json_shape({"something": "else"}) is None and json_shape([1]) is None


def test_bundled_samples_are_valid_and_round_trip(tmp_path: Path) -> None:
    samples = sorted((Path(__file__).parents[2] / "characters" / "samples").glob("*.json"))
    if not samples:
        pytest.skip("no bundled sample cards")
    for sample in samples:
        card = read_card_file(sample)
        assert card.novel.lines and card.canon_lines(), sample.name
        write_card_file(card, tmp_path / "sample.png")
        assert read_card_file(tmp_path / "sample.png").model_dump() == card.model_dump()


def test_cards_compare_by_content_not_origin(v2_card: dict[str, Any]) -> None:
    from_json = load_card(json.dumps(v2_card).encode())
    from_png = load_card(png_with(chara=b64json(v2_card)))
    assert from_png.avatar_png is not None and from_json.avatar_png is None
    assert from_png == from_json
