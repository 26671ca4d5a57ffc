"""Compatibility with real community cards and lorebooks (read in place, never copied).

Skipped politely when ``../shared/data`` is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from characters.cardfile import dump_card, dump_lorebook, load_card, load_lorebook
from characters.lorebook import activate
from characters.png import iter_chunks
from characters.worldinfo import json_shape


def image_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    return [(c.type, c.body) for c in iter_chunks(png) if c.type not in (b"tEXt", b"iTXt")]


@pytest.fixture(scope="module")
def card_files(shared_data: Path) -> dict[str, list[Path]]:
    folder = shared_data / "character-cards"
    if not folder.is_dir():
        pytest.skip("no character-cards folder in the shared data")
    found: dict[str, list[Path]] = {"card": [], "lorebook": []}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".png":
            found["card"].append(path)
        elif path.suffix.lower() == ".json":
            shape = json_shape(json.loads(path.read_bytes()))
            assert shape is not None, f"{path.name}: neither a card nor a lorebook"
            found[shape].append(path)
    assert found["card"] and found["lorebook"]
    return found


def test_every_card_imports_and_survives_png_export(card_files: dict[str, list[Path]]) -> None:
    for path in card_files["card"]:
        card = load_card(path.read_bytes(), path.name)
        assert card.data.name, path.name
        again = load_card(dump_card(card, "png"), "again.png")
        assert again.model_dump() == card.model_dump(), path.name
        assert again.canon_lines() == card.canon_lines(), path.name


def test_every_card_survives_json_export(card_files: dict[str, list[Path]]) -> None:
    for path in card_files["card"]:
        card = load_card(path.read_bytes(), path.name)
        for spec in ("v2", "v3"):
            again = load_card(dump_card(card, "json", spec=spec), "again.json")
            # These cards have no V3-only fields, so even V2 loses nothing.
            assert again.model_dump() == card.model_dump(), (path.name, spec)


def test_png_export_keeps_the_original_picture(card_files: dict[str, list[Path]]) -> None:
    for path in (p for p in card_files["card"] if p.suffix == ".png"):
        original = path.read_bytes()
        card = load_card(original, path.name)
        exported = dump_card(card, "png")
        # Only the text chunks change: every other chunk is copied byte for byte.
        assert image_chunks(exported) == image_chunks(original), path.name


def test_every_lorebook_loads_and_activates(card_files: dict[str, list[Path]]) -> None:
    for path in card_files["lorebook"]:
        book = load_lorebook(path.read_bytes())
        assert book.entries, path.name
        assert load_lorebook(dump_lorebook(book)).model_dump() == book.model_dump(), path.name
        keyed = next(e for e in book.entries if any(k.strip() for k in e.keys))
        key = next(k for k in keyed.keys if k.strip())
        result = activate(book, [f"Tell me about {key}."], count_tokens=len)
        assert result.entries or result.dropped, path.name


def test_card_lorebooks_match_their_world_file(card_files: dict[str, list[Path]]) -> None:
    """A card that embeds a world and the world's own file fire on the same words."""
    cards = [load_card(p.read_bytes(), p.name) for p in card_files["card"]]
    books = {load_lorebook(p.read_bytes()).name or p.stem: p for p in card_files["lorebook"]}
    compared = 0
    for card in cards:
        book = card.data.character_book
        if book is None or book.name not in books:
            continue
        world = load_lorebook(books[book.name].read_bytes())
        for entry in book.entries:
            text = entry.keys[0]
            ours = activate(book, [text], count_tokens=len).entries
            theirs = activate(world, [text], count_tokens=len).entries
            assert [e.content for e in ours] == [e.content for e in theirs], text
            compared += 1
    if not compared:
        pytest.skip("no card embeds one of the world files")
