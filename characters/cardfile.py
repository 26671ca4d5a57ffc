"""Card and lorebook files: bytes in, models out, and back.

A PNG card carries its JSON base64-encoded in a tEXt chunk: ``ccv3`` (V3) is
read first, then ``chara`` (V1/V2). We write both, so V2-only tools still read
our cards. The picture of an imported PNG is kept on the card
(``card.avatar_png``) and reused on export; JSON cards get a placeholder.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from characters.card import CardSpec, CharacterCard, export_card_json, parse_card_json
from characters.lore import Lorebook, export_lorebook
from characters.png import MAX_PNG_BYTES, SIGNATURE, placeholder_png, read_png_text, write_png_text
from characters.validation import MAX_CARD_BYTES, check_limits
from characters.worldinfo import json_shape, lorebook_from_json
from roleplay.errors import CardError

CardFormat = Literal["json", "png"]
_FORMATS: dict[str, CardFormat] = {".json": "json", ".png": "png"}


def load_card(data: bytes, filename: str = "") -> CharacterCard:
    """A card from PNG or JSON bytes (PNG is recognised by its signature)."""
    if data.startswith(SIGNATURE) or filename.lower().endswith(".png"):
        return _load_png(data)
    if data.startswith(b"PK\x03\x04"):
        raise CardError("CHARX (zip) cards are not supported yet; export the card as PNG or JSON")
    obj = parse_json(data, "the card JSON")
    if json_shape(obj) == "lorebook":
        raise CardError("this file is a lorebook, not a character card; import it as a lorebook")
    return parse_card_json(obj)


def _load_png(data: bytes) -> CharacterCard:
    texts = read_png_text(data)
    key = next((k for k in ("ccv3", "chara") if k in texts), None)
    if key is None:
        raise CardError(
            "the PNG holds no character card (no 'ccv3' or 'chara' text chunk); "
            "is it a plain picture?"
        )
    obj = parse_json(_b64decode(texts[key], key), f"the card JSON in PNG chunk {key!r}")
    card = parse_card_json(obj)
    card.avatar_png = data
    return card


def _b64decode(text: str, key: str) -> bytes:
    compact = re.sub(r"\s+", "", text)
    compact += "=" * (-len(compact) % 4)  # some writers drop the padding
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CardError(
            f"PNG chunk {key!r} is not valid base64 ({exc}); the card is damaged"
        ) from None


def parse_json(data: bytes, what: str) -> Any:
    """JSON from untrusted bytes, with the size limit and a line/column on errors."""
    if len(data) > MAX_CARD_BYTES:
        raise CardError(
            f"{what} is {len(data) / (1024 * 1024):.1f} MB; "
            f"the limit is {MAX_CARD_BYTES // (1024 * 1024)} MB"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CardError(f"{what} is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CardError(
            f"{what} is invalid at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise CardError(f"{what} is nested too deeply to be a card") from None


def dump_card(
    card: CharacterCard, fmt: CardFormat, spec: CardSpec = "v3", image: bytes | None = None
) -> bytes:
    """Serialise a card. PNG with ``spec="v3"`` writes both ``chara`` (V2) and ``ccv3``;
    with v1/v2 only ``chara``, and any old ``ccv3`` is removed so it cannot shadow it."""
    if fmt == "json":
        text = json.dumps(export_card_json(card, spec), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    if fmt != "png":
        raise CardError(f"unknown card format {fmt!r}; use json or png")
    png = image or card.avatar_png or placeholder_png(card.data.name)
    chunks = {"chara": _b64json(export_card_json(card, "v2" if spec == "v3" else spec))}
    if spec == "v3":
        chunks["ccv3"] = _b64json(export_card_json(card, "v3"))
    return write_png_text(png, chunks, remove=() if spec == "v3" else ("ccv3",))


def _b64json(obj: dict[str, Any]) -> str:
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(raw).decode("ascii")


def _format_of(path: Path) -> CardFormat:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CardError(f"{path.name}: unsupported extension, use .json or .png")
    return fmt


def read_card_file(path: str | os.PathLike[str]) -> CharacterCard:
    path = Path(path)
    _format_of(path)
    if path.stat().st_size > MAX_PNG_BYTES:
        raise CardError(f"{path.name} is larger than {MAX_PNG_BYTES // (1024 * 1024)} MB")
    return load_card(path.read_bytes(), path.name)


def write_card_file(
    card: CharacterCard, path: str | os.PathLike[str], spec: CardSpec = "v3"
) -> None:
    """Write atomically: the old file stays whole until the new one is complete."""
    path = Path(path)
    payload = dump_card(card, _format_of(path), spec)
    atomic_write(path, payload)


def atomic_write(path: Path, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes 0600 files; keep the target's mode, or a normal 0644.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def load_lorebook(data: bytes) -> Lorebook:
    """A lorebook from SillyTavern world info, Agnai, V3 lorebook or V2 character_book JSON."""
    obj = parse_json(data, "the lorebook JSON")
    check_limits(obj)
    return lorebook_from_json(obj)


def dump_lorebook(book: Lorebook) -> bytes:
    """A standalone V3 lorebook file (``spec: lorebook_v3``)."""
    obj = {"spec": "lorebook_v3", "data": export_lorebook(book, "v3")}
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
