"""Glossary definitions come from the story, not from a chapter title naming the term."""

from __future__ import annotations

from characters.extract.chapters import split_chapters
from characters.extract.glossary import build_glossary

STORY = """第一回 青石镇少年拜师 松风剑初出鞘

青石镇外有座松风观，观里的道长把松风剑传给了少年。少年每日在松风观后练剑。
松风观的钟声一响，少年便收起松风剑。
{filler}

第二回 夜访松风观

少年又上松风观。松风剑在月下发光。松风观里无人。
{filler}
""".format(filler="镇上的人都说那少年勤快，日出而作，日落而息。" * 12)


def test_a_terms_definition_skips_the_chapter_heading_that_names_it() -> None:
    chapters = split_chapters(STORY, "zh")
    assert len(chapters) == 2
    terms = {t.term: t for t in build_glossary(STORY, "zh", chapters, [])}
    sword = terms["松风剑"]
    assert sword.first_chapter == 1 and sword.first_offset == STORY.index("松风剑")
    assert sword.definition.startswith("青石镇外有座松风观") and "第一回" not in sword.definition
