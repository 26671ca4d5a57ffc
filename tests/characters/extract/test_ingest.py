from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest

from characters.extract.errors import ExtractError
from characters.extract.ingest import decode_bytes, read_document
from tests.characters.extract.conftest import EN_STORY, ZH_STORY

# --- encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ZH_STORY.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ZH_STORY.encode("utf-8"), "utf-8-sig"),
        (ZH_STORY.encode("gbk"), "gb18030"),
        (ZH_STORY.encode("gb18030"), "gb18030"),
        (ZH_STORY.encode("utf-16"), "utf-16"),
        (ZH_STORY.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-bom", "crlf"],
)
def test_chinese_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data)
    assert found == encoding
    assert text.replace("\r\n", "\n") == ZH_STORY


def test_big5_traditional_text_is_recognised() -> None:
    import opencc

    traditional = opencc.OpenCC("s2t").convert(ZH_STORY)
    text, found = decode_bytes(traditional.encode("big5hkscs"))
    assert found == "big5hkscs"
    assert text == traditional


def test_crlf_is_kept_so_offsets_match_the_file(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(ZH_STORY.replace("\n", "\r\n").encode("utf-8"))
    doc = read_document(path)
    assert "\r\n" in doc.text
    assert doc.language == "zh"


def test_english_in_cp1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes((EN_STORY + "\nCafé – naïve\n").encode("cp1252"))
    doc = read_document(path)
    assert doc.encoding == "cp1252" and doc.language == "en"
    assert "Café" in doc.text


# --- EPUB -----------------------------------------------------------------------------


def make_epub(chapters: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        items = "".join(
            f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>'
            for i in range(len(chapters))
        )
        spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
        z.writestr(
            "OEBPS/book.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            f"<manifest>{items}</manifest><spine>{spine}</spine></package>",
        )
        for i, (title, body) in enumerate(chapters):
            paras = "".join(f"<p>{line}</p>" for line in body.split("\n") if line)
            z.writestr(
                f"OEBPS/c{i}.xhtml",
                '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title>'
                f"<style>p {{}}</style></head><body><h1>{title}</h1>{paras}</body></html>",
            )
    return buf.getvalue()


def test_epub_text_in_spine_order_with_parts(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(
        make_epub([("第一回 下山", "青石道：“走吧。”"), ("第二回 夜探", "如烟道：“好。”")])
    )
    doc = read_document(path)
    assert doc.encoding == "epub"
    assert doc.text.index("第一回") < doc.text.index("第二回")
    assert "p {}" not in doc.text  # styles are not text
    assert [p.title for p in doc.parts] == ["第一回 下山", "第二回 夜探"]
    assert doc.text[doc.parts[1].start :].startswith("第二回")


# --- bad input ------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="empty"):
        read_document(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n \n\t\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="no text"):
        read_document(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(ExtractError, match="binary"):
        read_document(path)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: the size is what counts
    with pytest.raises(ExtractError, match="limit"):
        read_document(path, max_bytes=1024 * 1024)


def test_broken_epub(tmp_path: Path) -> None:
    path = tmp_path / "broken.epub"
    path.write_bytes(make_epub([("一", "二")])[:200])
    with pytest.raises(ExtractError, match="EPUB"):
        read_document(path)


def test_epub_without_spine(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("META-INF/container.xml", "<container/>")
    path = tmp_path / "nospine.epub"
    path.write_bytes(buf.getvalue())
    with pytest.raises(ExtractError, match="EPUB"):
        read_document(path)


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    # valid UTF-8 Chinese followed by bytes that no supported codec accepts
    path.write_bytes(ZH_STORY.encode("utf-8") + b"\xff\xfe\xfa\xfb" * 50 + "完".encode())
    with pytest.raises(ExtractError, match="UTF-8"):
        read_document(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="cannot read"):
        read_document(tmp_path / "nope.txt")
