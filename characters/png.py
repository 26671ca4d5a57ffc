"""PNG text chunks, read and written by hand, without ever decoding the image.

Card files are untrusted uploads. Parsing the chunk list ourselves lets us
bound everything: the file size, each chunk's declared length, its CRC, and
how far a compressed text chunk may expand. Image data is copied, never
inflated, so a pixel decompression bomb costs nothing.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from roleplay.errors import CardError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 32 * 1024 * 1024
MAX_INFLATED_BYTES = 16 * 1024 * 1024
_TEXT_TYPES = (b"tEXt", b"zTXt", b"iTXt")


@dataclass(frozen=True, slots=True)
class Chunk:
    type: bytes
    body: bytes
    offset: int

    @property
    def name(self) -> str:
        return self.type.decode("latin-1")

    def encode(self) -> bytes:
        return _chunk(self.type, self.body)


def iter_chunks(data: bytes) -> Iterator[Chunk]:
    """Every chunk up to and including IEND, each length- and CRC-checked."""
    if len(data) > MAX_PNG_BYTES:
        raise CardError(f"the PNG is larger than {MAX_PNG_BYTES // (1024 * 1024)} MB")
    if not data.startswith(SIGNATURE):
        raise CardError("not a PNG file (the PNG signature is missing)")
    pos = len(SIGNATURE)
    while True:
        if pos + 8 > len(data):
            raise CardError("the PNG ends without an IEND chunk; the file is truncated")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if not kind.isalpha() or not kind.isascii():
            raise CardError(f"corrupt PNG: chunk at byte {pos} has no valid type")
        name = kind.decode("ascii")
        if length > len(data) - pos - 12:
            raise CardError(
                f"PNG chunk {name!r} at byte {pos} is truncated "
                f"(declares {length} bytes, {max(len(data) - pos - 12, 0)} left)"
            )
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        if zlib.crc32(kind + body) != crc:
            raise CardError(f"PNG chunk {name!r} at byte {pos} is corrupt (CRC mismatch)")
        yield Chunk(kind, body, pos)
        if kind == b"IEND":
            return
        pos += 12 + length


def read_png_text(data: bytes) -> dict[str, str]:
    """Keyword -> text of every tEXt/zTXt/iTXt chunk (the first one wins on duplicates)."""
    out: dict[str, str] = {}
    budget = [MAX_INFLATED_BYTES]  # shared by all compressed chunks of the file
    for chunk in iter_chunks(data):
        if chunk.type in _TEXT_TYPES:
            keyword, text = _decode_text(chunk, budget)
            out.setdefault(keyword, text)
    return out


def _decode_text(chunk: Chunk, budget: list[int]) -> tuple[str, str]:
    keyword, sep, rest = chunk.body.partition(b"\0")
    if not sep or not 1 <= len(keyword) <= 79:
        raise CardError(f"PNG chunk {chunk.name!r} at byte {chunk.offset} has no valid keyword")
    key = keyword.decode("latin-1")
    if chunk.type == b"tEXt":
        return key, rest.decode("latin-1")
    if chunk.type == b"zTXt":
        if rest[:1] != b"\0":
            raise CardError(f"PNG chunk zTXt {key!r} uses an unknown compression method")
        return key, _inflate(rest[1:], budget, key).decode("latin-1")
    return key, _decode_itxt(rest, budget, key)


def _decode_itxt(rest: bytes, budget: list[int], key: str) -> str:
    if len(rest) < 2:
        raise CardError(f"PNG chunk iTXt {key!r} is truncated")
    compressed, method = rest[0], rest[1]
    _language, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    if compressed:
        if method != 0:
            raise CardError(f"PNG chunk iTXt {key!r} uses an unknown compression method")
        text = _inflate(text, budget, key)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise CardError(f"PNG chunk iTXt {key!r} is not UTF-8 text") from None


def _inflate(data: bytes, budget: list[int], key: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        # max_length stops inflating early: a 32 MB file of zeros would
        # otherwise expand to gigabytes before we could look at it.
        out = inflater.decompress(data, budget[0] + 1)
    except zlib.error:
        raise CardError(f"PNG text chunk {key!r} has corrupt compressed data") from None
    if not inflater.eof and len(out) <= budget[0]:
        raise CardError(f"PNG text chunk {key!r} has truncated compressed data")
    if len(out) > budget[0]:
        raise CardError(
            f"compressed text chunk {key!r} expands beyond "
            f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB; refusing it"
        )
    budget[0] -= len(out)
    return out


def write_png_text(png: bytes, chunks: dict[str, str], *, remove: Collection[str] = ()) -> bytes:
    """A copy of ``png`` whose text chunks for these keywords (and ``remove``) are
    replaced by ``chunks``, inserted just before IEND. Latin-1 text is written as
    tEXt, anything else as uncompressed UTF-8 iTXt."""
    drop = {_keyword(k) for k in (*chunks, *remove)}
    out = [SIGNATURE]
    for chunk in iter_chunks(png):
        if chunk.type == b"IEND":
            out.extend(_text_chunk(k, v) for k, v in chunks.items())
        elif chunk.type in _TEXT_TYPES and chunk.body.partition(b"\0")[0] in drop:
            continue
        out.append(chunk.encode())
    return b"".join(out)


def _keyword(keyword: str) -> bytes:
    try:
        key = keyword.encode("latin-1")
    except UnicodeEncodeError:
        raise CardError(f"PNG keyword {keyword!r} must be Latin-1") from None
    if not 1 <= len(key) <= 79 or b"\0" in key:
        raise CardError(f"PNG keyword {keyword!r} must be 1-79 characters without NUL")
    return key


def _text_chunk(keyword: str, text: str) -> bytes:
    key = _keyword(keyword)
    try:
        return _chunk(b"tEXt", key + b"\0" + text.encode("latin-1"))
    except UnicodeEncodeError:
        return _chunk(b"iTXt", key + b"\0\0\0\0\0" + text.encode("utf-8"))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def placeholder_png(name: str, size: int = 64) -> bytes:
    """A solid-colour square whose colour is derived from ``name`` (for JSON-only cards)."""
    rgb = hashlib.sha256(name.encode("utf-8")).digest()[:3]
    row = b"\0" + rgb * size  # filter byte 0 (None), then the pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"".join(
        (
            SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(row * size, 9)),
            _chunk(b"IEND", b""),
        )
    )
