"""Receiving a file upload into a folder, streamed: multipart/form-data or a raw body.

Streamed rather than ``await request.read()``: novels may be larger than the app's
``client_max_size`` (sized for cards), and a 64 MB body should not sit in memory.
The size limit is enforced while reading, so a lying or absent Content-Length
cannot get past it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import BodyPartReader, web

from roleplay.errors import InvalidInput, TooLarge

CHUNK = 1 << 16
FORM_SLACK = 64 * 1024  # multipart headers and boundaries around the file
DEFAULT_NAME = "novel.txt"
# What a raw body may be labelled (aiohttp reports a missing Content-Type as octet-stream).
RAW_TYPES = frozenset({"application/octet-stream", "text/plain", "application/epub+zip"})


async def receive_upload(request: web.Request, folder: Path, max_bytes: int) -> Path:
    """Save the uploaded file into ``folder`` and return its path (named as uploaded).

    multipart: the first part with a file name (any field name; the page uses "file").
    Otherwise the body is the file, named by ``?filename=`` (default novel.txt).
    """
    length = request.content_length
    if length is not None and length > max_bytes + FORM_SLACK:
        raise _too_large(max_bytes)
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.filename:
                return await _save(part.read_chunk, folder / safe_name(part.filename), max_bytes)
            if isinstance(part, BodyPartReader):
                await part.release()
        raise InvalidInput("The form has no file in it: send the novel in a field named 'file'.")
    if request.content_type not in RAW_TYPES:
        raise InvalidInput(
            f"Cannot take a {request.content_type} body: send the novel as multipart/form-data "
            "(a field named 'file') or as the raw body with ?filename=<name>."
        )
    name = safe_name(request.query.get("filename", DEFAULT_NAME))
    return await _save(request.content.read, folder / name, max_bytes)


async def _save(read: Callable[[int], Awaitable[bytes]], path: Path, max_bytes: int) -> Path:
    size = 0
    # Plain blocking writes of 64 KiB: they land in the page cache in microseconds,
    # cheaper than a thread hop per chunk.
    with open(path, "wb") as fh:
        while chunk := await read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            fh.write(chunk)
    return path


def safe_name(name: str) -> str:
    """The file's own name only: no folders, no control characters, not hidden, not huge."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = stem[:110] + dot + ext[:8] if dot else base[:120]
    return base or DEFAULT_NAME


def _too_large(max_bytes: int) -> TooLarge:
    return TooLarge(
        f"The file is larger than the {max_bytes / 2**20:,.0f} MiB upload limit. Split the "
        "book into volumes: upload the first, then append the others as new chapters."
    )
