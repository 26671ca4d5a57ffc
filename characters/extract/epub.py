"""EPUB to text with the standard library: container.xml -> OPF spine -> XHTML text.

No EPUB library is needed for what extraction wants (the visible text in reading
order); a broken archive or a missing spine is reported instead of half-read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from characters.extract.errors import ExtractError

if TYPE_CHECKING:
    from characters.extract.ingest import Part

_MAX_ENTRY = 64 * 1024 * 1024  # a zip bomb stops here, not in RAM
_BLOCKS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section",
    "article", "blockquote", "hr", "title",
}  # fmt: skip
_SKIP = {"script", "style", "head"}


def read_epub(data: bytes, name: str) -> tuple[str, tuple[Part, ...]]:
    """The book's text in spine order and where each spine document starts."""
    from characters.extract.ingest import Part

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        files = _spine_files(archive)
        texts: list[tuple[str, str]] = [_xhtml_text(_read(archive, f)) for f in files]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError) as exc:
        raise ExtractError(f"{name} is not a readable EPUB ({exc}); re-export it") from exc
    parts: list[Part] = []
    chunks: list[str] = []
    offset = 0
    for title, text in texts:
        if not text.strip():
            continue
        parts.append(Part(title, offset))
        chunks.append(text)
        offset += len(text) + 2
    return "\n\n".join(chunks), tuple(parts)


def _read(archive: zipfile.ZipFile, member: str) -> bytes:
    info = archive.getinfo(member)
    if info.file_size > _MAX_ENTRY:
        raise ExtractError(f"EPUB member {member} is {info.file_size:,} bytes; too large")
    return archive.read(info)


def _spine_files(archive: zipfile.ZipFile) -> list[str]:
    container = ElementTree.fromstring(_read(archive, "META-INF/container.xml"))
    rootfile = next((el for el in container.iter() if el.tag.endswith("rootfile")), None)
    if rootfile is None or not rootfile.get("full-path"):
        raise KeyError("container.xml names no rootfile")
    opf_path = rootfile.get("full-path", "")
    opf = ElementTree.fromstring(_read(archive, opf_path))
    base = posixpath.dirname(opf_path)
    manifest = {el.get("id"): el.get("href", "") for el in opf.iter() if el.tag.endswith("}item")}
    spine = [el.get("idref") for el in opf.iter() if el.tag.endswith("}itemref")]
    files = [posixpath.normpath(posixpath.join(base, manifest[i])) for i in spine if i in manifest]
    if not files:
        raise KeyError("the OPF has an empty spine")
    return files


def _xhtml_text(raw: bytes) -> tuple[str, str]:
    parser = _TextParser()
    parser.feed(raw.decode("utf-8", errors="replace"))
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    return parser.heading.strip(), "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.heading = ""
        self._skip = 0
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self.out.append("\n")
        self._in_heading = tag in ("h1", "h2", "h3") and not self.heading

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.out.append(data)
        if self._in_heading:
            self.heading += data
