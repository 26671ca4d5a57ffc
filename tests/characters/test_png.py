from __future__ import annotations

import struct
import zlib

import pytest

from characters.png import (
    SIGNATURE,
    iter_chunks,
    placeholder_png,
    read_png_text,
    write_png_text,
)
from roleplay.errors import CardError


def chunk(kind: bytes, body: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def with_chunks(*extra: bytes) -> bytes:
    """The placeholder image with extra chunks inserted before IEND."""
    png = placeholder_png("test")
    iend = chunk(b"IEND", b"")
    assert png.endswith(iend)
    return png[: -len(iend)] + b"".join(extra) + iend


def test_placeholder_is_a_valid_png_with_a_name_colour() -> None:
    png = placeholder_png("林照")
    kinds = [c.type for c in iter_chunks(png)]
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    ihdr = next(iter_chunks(png)).body
    assert struct.unpack(">IIBB", ihdr[:10]) == (64, 64, 8, 2)
    pixels = zlib.decompress([c for c in iter_chunks(png)][1].body)
    assert len(pixels) == 64 * (1 + 64 * 3)
    assert placeholder_png("林照") == png and placeholder_png("Pip") != png


def test_text_chunks_round_trip() -> None:
    png = write_png_text(placeholder_png("x"), {"chara": "abc", "Comment": "héllo", "ccv3": "漢字"})
    assert read_png_text(png) == {"chara": "abc", "Comment": "héllo", "ccv3": "漢字"}
    kinds = [c.type for c in iter_chunks(png)]
    assert kinds[-1] == b"IEND" and kinds.count(b"iTXt") == 1  # non-Latin-1 goes to iTXt


def test_write_replaces_existing_chunks_and_keeps_others() -> None:
    png = with_chunks(chunk(b"tEXt", b"chara\0old"), chunk(b"tEXt", b"Software\0paint"))
    png = write_png_text(png, {"chara": "new"})
    assert read_png_text(png) == {"chara": "new", "Software": "paint"}
    assert sum(c.type == b"tEXt" for c in iter_chunks(png)) == 2


def test_write_can_remove_a_keyword() -> None:
    png = write_png_text(placeholder_png("x"), {"chara": "a", "ccv3": "b"})
    assert read_png_text(write_png_text(png, {"chara": "c"}, remove=["ccv3"])) == {"chara": "c"}


def test_image_bytes_are_copied_unchanged() -> None:
    original = placeholder_png("keep me")
    written = write_png_text(original, {"chara": "x"})
    idat = [c.body for c in iter_chunks(original) if c.type == b"IDAT"]
    assert idat == [c.body for c in iter_chunks(written) if c.type == b"IDAT"]


def test_ztxt_and_itxt_are_read() -> None:
    ztxt = chunk(b"zTXt", b"chara\0\0" + zlib.compress(b"zipped"))
    itxt = chunk(b"iTXt", b"ccv3\0\x01\0zh\0\0" + zlib.compress("压缩".encode()))
    plain_itxt = chunk(b"iTXt", "note\0\0\0\0\0文字".encode())
    assert read_png_text(with_chunks(ztxt, itxt, plain_itxt)) == {
        "chara": "zipped",
        "ccv3": "压缩",
        "note": "文字",
    }


def test_first_chunk_of_a_keyword_wins() -> None:
    png = with_chunks(chunk(b"tEXt", b"chara\0first"), chunk(b"tEXt", b"chara\0second"))
    assert read_png_text(png)["chara"] == "first"


def test_not_a_png() -> None:
    with pytest.raises(CardError, match="not a PNG file"):
        read_png_text(b"GIF89a" + b"\0" * 100)


def test_truncated_chunk_names_the_chunk() -> None:
    png = with_chunks(chunk(b"tEXt", b"chara\0" + b"A" * 1000))
    cut = png[: png.index(b"tEXt") + 200]
    with pytest.raises(CardError, match=r"PNG chunk 'tEXt' at byte \d+ is truncated"):
        read_png_text(cut)


def test_bad_crc_names_the_chunk() -> None:
    png = with_chunks(chunk(b"tEXt", b"chara\0abc", crc=12345))
    with pytest.raises(
        CardError, match=r"PNG chunk 'tEXt' at byte \d+ is corrupt \(CRC mismatch\)"
    ):
        read_png_text(png)


def test_missing_iend_is_truncation() -> None:
    png = placeholder_png("x")
    with pytest.raises(CardError, match="without an IEND chunk"):
        read_png_text(png[:-12])


def test_garbage_chunk_type() -> None:
    png = SIGNATURE + struct.pack(">I", 0) + b"\x00\x01\x02\x03" + b"\0" * 4
    with pytest.raises(CardError, match="no valid type"):
        read_png_text(png)


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(CardError, match="larger than 32 MB"):
        read_png_text(SIGNATURE + b"\0" * (32 * 1024 * 1024))


def test_ztxt_decompression_bomb_is_stopped() -> None:
    bomb = zlib.compress(b"\0" * (64 * 1024 * 1024), 9)  # ~64 KB that inflates to 64 MB
    assert len(bomb) < 100_000
    png = with_chunks(chunk(b"zTXt", b"chara\0\0" + bomb))
    with pytest.raises(CardError, match="compressed text chunk 'chara' expands beyond 16 MB"):
        read_png_text(png)


def test_many_small_bombs_share_one_budget() -> None:
    piece = zlib.compress(b"\0" * (6 * 1024 * 1024), 9)
    chunks = [chunk(b"zTXt", f"k{i}".encode() + b"\0\0" + piece) for i in range(3)]
    with pytest.raises(CardError, match="expands beyond 16 MB"):
        read_png_text(with_chunks(*chunks))


def test_corrupt_compressed_text() -> None:
    with pytest.raises(CardError, match="corrupt compressed data"):
        read_png_text(with_chunks(chunk(b"zTXt", b"chara\0\0not zlib")))
    truncated = zlib.compress(b"hello world" * 100)[:20]
    with pytest.raises(CardError, match="truncated compressed data"):
        read_png_text(with_chunks(chunk(b"zTXt", b"chara\0\0" + truncated)))


def test_text_chunk_without_keyword() -> None:
    with pytest.raises(CardError, match="no valid keyword"):
        read_png_text(with_chunks(chunk(b"tEXt", b"no separator")))


def test_bad_keywords_are_refused_on_write() -> None:
    with pytest.raises(CardError, match="Latin-1"):
        write_png_text(placeholder_png("x"), {"角色": "x"})
    with pytest.raises(CardError, match="1-79 characters"):
        write_png_text(placeholder_png("x"), {"k" * 80: "x"})
