"""Chinese speech tags, role nouns, non-speech quote marks and turn-taking (our own text)."""

from __future__ import annotations

from characters.extract.analyse import analyse
from characters.extract.quotes import paragraphs
from tests.characters.extract.test_attribution import ZH_PEOPLE, speakers


def who(text: str) -> list[str]:
    return [s for _, s in speakers(analyse(text, "zh", entities=list(ZH_PEOPLE)))]


def test_the_listener_may_stand_between_the_verb_and_the_colon() -> None:
    assert who("山门前起了风。\n老张头问青石：\n“你饿不饿？”") == ["老张头"]


def test_the_speaker_is_the_subject_of_the_verbs_clause() -> None:
    text = "如烟进了院子，青石走过来对她说：\n“你来了。”"
    assert who(text) == ["林青石"]


def test_a_dropped_subject_comes_from_the_clause_that_opens_with_a_person() -> None:
    assert who("青石看着老张头，点了点头，说：\n“好。”") == ["林青石"]


def test_a_described_listener_is_not_the_speaker() -> None:
    assert who("青石对坐在门口抽烟的老张头说：\n“走吧。”") == ["林青石"]


def test_a_role_noun_at_the_head_of_its_clause_speaks() -> None:
    text = "老张头和如烟坐在院里。\n女儿低声说：\n“爹，我走了。”"
    assert who(text) == ["柳如烟"]


def test_a_role_noun_after_a_verb_is_the_listener() -> None:
    text = "如烟收拾好了包袱。\n老张头提醒女儿说：\n“路上小心。”"
    assert who(text) == ["老张头"]


def test_terms_and_sounds_in_quote_marks_are_not_turns() -> None:
    text = "青石把那柄“青锋”挂在墙上，如烟“咯咯”地笑了。\n如烟问：\n“这剑叫什么？”"
    result = analyse(text, "zh", entities=list(ZH_PEOPLE))
    assert [text[q.start : q.end] for q in result.quotes] == ["这剑叫什么？"]
    assert who(text) == ["柳如烟"]


def test_back_to_back_quotes_take_turns() -> None:
    text = "青石问如烟：\n“你去哪？”\n“白云山。”\n“我陪你。”\n“不必了。”"
    assert who(text) == ["林青石", "柳如烟", "林青石", "柳如烟"]


def test_lines_that_end_sentences_are_paragraphs_even_after_a_blank_line() -> None:
    lines = [f"第{i}句话说完了。" for i in range(30)]
    text = "第一章\n\n" + "\n".join(lines)
    assert len(paragraphs(text)) == 31


def test_a_tag_without_a_subject_takes_the_one_of_the_sentence_before() -> None:
    text = "青石知道，他拦不住如烟了。\n只好叹口气说：\n“那你去吧。”"
    assert who(text) == ["林青石"]


def test_the_one_heard_speaks_not_the_one_hearing() -> None:
    assert who("青石闭着眼。\n“你睡吧。”\n他听见如烟在说话。") == ["柳如烟"]
    assert who("如烟走进屋里。\n“你睡吧。”\n老张头听见女儿在说话。") == ["柳如烟"]


def test_a_pronoun_that_marks_a_place_is_not_the_speaker() -> None:
    text = "如烟转身要走。\n青石就在她身后说：\n“等一等。”"
    assert who(text) == ["林青石"]


def test_a_tag_that_ends_in_a_word_count_still_tags() -> None:
    text = "青石陪着老张头下山。\n路上，心事重重的老张头只说了一句话：\n“明年不来了。”"
    assert who(text) == ["老张头"]


def test_the_one_warned_is_not_the_speaker() -> None:
    text = "天色暗了下来。\n如烟着急地警告青石说：\n“快回去！”"
    assert who(text) == ["柳如烟"]


def test_a_pronoun_does_not_go_back_to_an_owner() -> None:
    text = "如烟走了。\n青石不好意思看老张头的脸。\n他低着头说：\n“我错了。”"
    assert who(text) == ["林青石"]
