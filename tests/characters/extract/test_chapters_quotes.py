from __future__ import annotations

import pytest

from characters.extract.chapters import WINDOW_CHARS, chapter_at, split_chapters
from characters.extract.ingest import Part
from characters.extract.quotes import find_quotes, paragraphs

BODY_ZH = "林青石背着剑下山，一路无话。" * 10
BODY_EN = "Arthur trimmed the wick and watched the sea for a long while. " * 5


def zh_book(*headings: str) -> str:
    return "\n".join(f"{h}\n{BODY_ZH}\n" for h in headings)


@pytest.mark.parametrize(
    "headings",
    [
        ["第一回 下山", "第二回 夜探", "第三回 归来"],
        ["第一章", "第十二章 风起", "第一百二十章 终"],
        ["第1章 开端", "第2章", "第3章"],
        ["第一百一十九回 甲", "第一百二十回 乙", "第一二一回 丙"],
        ["楔子 缘起", "第一回 甲", "第二回 乙"],
    ],
)
def test_chinese_headings(headings: list[str]) -> None:
    text = zh_book(*headings)
    chapters = split_chapters(text, "zh")
    assert [c.title for c in chapters] == headings
    assert [c.number for c in chapters] == [1, 2, 3]
    assert chapters[0].start == 0 and chapters[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(chapters, chapters[1:], strict=False))


def test_volumes_and_sections() -> None:
    text = (
        "第一卷 山中\n" + zh_book("第一章 甲", "第二章 乙") + "第二卷 山外\n" + zh_book("第三章 丙")
    )
    chapters = split_chapters(text, "zh")
    assert [c.title for c in chapters] == ["第一章 甲", "第二章 乙", "第三章 丙"]
    assert [c.volume for c in chapters] == ["第一卷 山中", "第一卷 山中", "第二卷 山外"]
    sections = zh_book("第一节 甲", "第二节 乙")
    assert len(split_chapters(sections, "zh")) == 2  # 节 counts when nothing bigger exists


def test_table_of_contents_is_not_chapters() -> None:
    toc = "目录\n第一回 下山\n第二回 夜探\n\n"
    chapters = split_chapters(toc + zh_book("第一回 下山", "第二回 夜探"), "zh")
    assert len(chapters) == 2
    assert chapters[1].start > len(toc)


def test_a_heading_word_inside_a_sentence_is_not_a_heading() -> None:
    text = zh_book("第一回 甲", "第二回 乙") + "他说这是第三回了，不能再输。\n" + BODY_ZH
    assert len(split_chapters(text, "zh")) == 2


@pytest.mark.parametrize(
    "headings",
    [
        ["CHAPTER I", "CHAPTER II", "CHAPTER III"],
        ["Chapter 1", "Chapter 12", "Chapter 13"],
        ["Chapter I: The Quay", "Chapter II: The Storm", "Chapter III: Dawn"],
        ["I.", "II.", "III."],
    ],
)
def test_english_headings(headings: list[str]) -> None:
    text = "".join(f"{h}\n\n{BODY_EN}\n\n" for h in headings)
    assert [c.title for c in split_chapters(text, "en")] == headings


def test_no_headings_gives_windows_at_paragraph_breaks() -> None:
    text = ("一段话。" * 100 + "\n") * 200
    chapters = split_chapters(text, "zh")
    assert len(chapters) == pytest.approx(len(text) / WINDOW_CHARS["zh"], abs=1)
    assert all(text[c.start - 1] == "\n" for c in chapters[1:])
    assert chapter_at(chapters, len(text) - 1) == chapters[-1].number


def test_epub_parts_are_chapters_when_there_are_no_headings() -> None:
    text = "甲" * 100 + "\n\n" + "乙" * 100
    chapters = split_chapters(text, "zh", (Part("一", 0), Part("二", 102)))
    assert [c.title for c in chapters] == ["一", "二"]


# --- quotes ----------------------------------------------------------------------------


def spans(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text, paragraphs(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他道：“走吧。”她说：「好。」", ["走吧。", "好。"]),
        ("他道：「她说『不去』，我也不去。」", ["她说『不去』，我也不去。"]),
        ('他道："走吧。"她道："好。"', ["走吧。", "好。"]),
        ('他道：“走吧。"', ["走吧。"]),  # mixed marks, as web texts have them
    ],
)
def test_chinese_quote_marks(text: str, expected: list[str]) -> None:
    assert spans(text) == expected


def test_english_double_and_single_quotes() -> None:
    assert spans('"Come in," said Clara. "It\'s cold."') == ["Come in,", "It's cold."]
    single = "\n\n".join(["'Come in,' said Clara. 'It's cold, isn't it?'"] * 30)
    assert spans(single)[:2] == ["Come in,", "It's cold, isn't it?"]


def test_unclosed_quote_stops_at_the_paragraph() -> None:
    text = "他道：“走吧。\n她看了他一眼。\n“好。”"
    assert spans(text) == ["走吧。", "好。"]


def test_multi_paragraph_quote_is_marked_continued() -> None:
    text = '"It was a long night,\n\n"and the lamp never went out."\n\n' + "x\n\n" * 20
    quotes = find_quotes(text, paragraphs(text))
    assert [q.continued for q in quotes] == [False, True]
