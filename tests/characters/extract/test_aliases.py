from __future__ import annotations

from collections import Counter

from characters.extract.aliases_en import cluster_english
from characters.extract.aliases_zh import (
    Clusters,
    appositions,
    build_entities,
    contained_names,
    naming_phrases,
    surname_titles,
)
from characters.extract.analyse import analyse
from characters.extract.given_names_en import given_name_genders
from characters.extract.model import Entity
from characters.extract.quotes import find_quotes, paragraphs
from characters.extract.roster_en import build_roster_en
from tests.characters.extract.conftest import EN_STORY, ZH_STORY


def groups_of(entities: list) -> list[set[str]]:  # type: ignore[type-arg]
    return [set(e.aliases) for e in entities]


def en_roster(text: str) -> list[set[str]]:
    return groups_of(build_roster_en(text, find_quotes(text, paragraphs(text))))


def zh_clusters(counts: dict[str, int]) -> Clusters:
    clusters = Clusters(Counter(counts))
    for name in counts:
        clusters.find(name)
    return clusters


def test_contained_short_form_joins_the_dominant_long_form() -> None:
    c = zh_clusters({"林青石": 40, "青石": 90, "柳如烟": 30, "如烟": 50})
    contained_names(c)
    assert groups_of(build_entities(c, Counter())) == [{"林青石", "青石"}, {"柳如烟", "如烟"}]


def test_contained_form_with_two_owners_stays_alone() -> None:
    c = zh_clusters({"林宝珠": 30, "白宝珠": 25, "宝珠": 60})
    contained_names(c)
    assert {"宝珠"} in groups_of(build_entities(c, Counter()))


def test_naming_phrase_apposition_and_surname_title() -> None:
    text = (
        "赵铁臂，江湖上人称铁臂猿。"
        + "黑风寨主赵铁臂道：“来。”" * 2
        + "又见赵铁臂。赵大王道：“走。”"
    )
    counts = {"赵铁臂": 4, "铁臂猿": 1, "黑风寨主": 2, "赵大王": 1, "大王": 1, "铁臂": 0}
    counts = {k: v for k, v in counts.items() if v}
    c = zh_clusters(counts)
    mentions = []
    for name in sorted(counts, key=len, reverse=True):
        start = 0
        while (i := text.find(name, start)) >= 0:
            if not any(s <= i < e for s, e, _ in mentions):
                mentions.append((i, i + len(name), name))
            start = i + 1
    mentions.sort()
    naming_phrases(c, text, mentions, [False] * len(mentions))
    appositions(c, mentions)
    surname_titles(c)
    people = build_entities(c, Counter())
    zhao = next(e for e in people if "赵铁臂" in e.aliases)
    assert {"铁臂猿", "黑风寨主"} <= set(zhao.aliases)
    rules = " ".join(ev.rule for ev in zhao.evidence)
    assert "naming phrase" in rules and "title before the name" in rules


def test_a_wifes_title_after_a_whole_name_is_his_wife() -> None:
    c = zh_clusters({"林青石": 40, "林青石娘子": 6, "柳如烟": 30, "柳如烟姐姐": 4})
    contained_names(c)
    groups = groups_of(build_entities(c, Counter()))
    assert {"林青石"} in groups and {"林青石娘子"} in groups  # his wife, not him
    assert {"柳如烟", "柳如烟姐姐"} in groups  # a form of address


def test_plural_subject_is_not_named() -> None:
    text = "青石等人都称为少侠。"
    c = zh_clusters({"青石": 5, "少侠": 3})
    naming_phrases(c, text, [(0, 2, "青石"), (7, 9, "少侠")], [False, False])
    assert len(c.groups()) == 2


def test_zh_story_roster() -> None:
    entities = analyse(ZH_STORY, "zh").entities
    by_name = {e.name: set(e.aliases) for e in entities}
    assert {"林青石", "青石"} <= by_name["林青石"]
    assert {"柳如烟", "如烟"} <= by_name["柳如烟"]
    assert {"赵铁臂", "铁臂猿"} <= by_name["赵铁臂"]
    assert "老张头" in by_name
    everyone = [a for e in entities for a in e.aliases]
    assert len(everyone) == len(set(everyone))  # one surface form, one person


def test_english_rules() -> None:
    counts = {
        "Mr. Arthur Pell": 2, "Arthur": 20, "Mr. Pell": 15, "Arthur Pell": 3,
        "Miss Clara Voss": 1, "Clara": 30, "Miss Voss": 3,
        "Mr. John Hale": 2, "John Hale": 3, "Mrs. Hale": 9, "Mr. Hale": 30, "Hale": 4,
        "Mrs Hale": 2, "Captain Drury": 5, "Drury": 3, "the Captain": 4,
    }  # fmt: skip
    groups = groups_of(cluster_english(counts))
    pell = next(g for g in groups if "Arthur" in g)
    assert {"Mr. Pell", "Arthur Pell", "Mr. Arthur Pell"} <= pell
    assert {"Clara", "Miss Voss", "Miss Clara Voss"} <= next(g for g in groups if "Clara" in g)
    mrs = next(g for g in groups if "Mrs. Hale" in g)
    assert "Mrs Hale" in mrs and "Mr. Hale" not in mrs  # Mrs. is his wife, other spelling kept
    assert "Hale" in next(g for g in groups if "Mr. Hale" in g)  # surname alone: the Mr. form
    assert {"Drury", "the Captain"} <= next(g for g in groups if "Captain Drury" in g)


def test_a_shared_given_name_goes_to_the_one_not_called_by_surname() -> None:
    counts = {"Tom Barrow": 6, "Tom Ashby": 5, "Barrow": 80, "Tom": 40}
    tom = next(g for g in groups_of(cluster_english(counts)) if "Tom" in g)
    assert "Tom Ashby" in tom and "Tom Barrow" not in tom
    # both men called by their given names too: "Tom" stays nobody's in particular
    both = {"Tom Barrow": 6, "Tom Ashby": 5, "Tom": 40}
    assert {"Tom"} in groups_of(cluster_english(both))


def test_dominant_holders_take_the_role_and_the_titled_given_name() -> None:
    counts = {
        "Dr. Quill": 40, "Dr. Mott": 6, "the doctor": 12,
        "Nell Arden": 30, "Nell Price": 2, "Mlle. Nell": 25,
        "Kit Orme": 5, "Kit Orme Lacey": 3,
    }  # fmt: skip
    groups = groups_of(cluster_english(counts))
    assert "the doctor" in next(g for g in groups if "Dr. Quill" in g)
    assert "Kit Orme" in next(g for g in groups if "Kit Orme Lacey" in g)
    even = groups_of(cluster_english({"Dr. Quill": 10, "Dr. Mott": 6, "the doctor": 12}))
    assert {"the doctor"} in even  # two doctors of a size: the role stays nobody's


def test_a_titled_given_name_joins_the_far_more_named_of_two() -> None:
    text = "We met Nell Price. " * 3 + "We heard Nell Arden sing. " * 16 + "Mlle. Nell bowed. " * 4
    groups = en_roster(text)
    assert "Mlle. Nell" in next(g for g in groups if "Nell Arden" in g)


def test_a_job_title_written_once_ties_the_role_to_the_mister() -> None:
    text = (
        "Mr. Pollard came at noon. Mr. Pollard looked at the boy. Doctor Pollard, they "
        'called him at the inn.\n\n"Rest," said the doctor.\n\n"Rest and broth," said the doctor.'
        '\n\n"Thank you, sir," said Tom.\n\n"Good," said Tom.'
    )
    groups = en_roster(text)
    assert {"Mr. Pollard", "Doctor Pollard", "the doctor"} <= next(
        g for g in groups if "Mr. Pollard" in g
    )


def test_a_role_that_speaks_once_is_someone_when_the_book_keeps_naming_it() -> None:
    text = (
        "The sexton rang the bell. Tom sat near the sexton's lamp by the sexton's door."
        '\n\n"Late again," said the sexton.\n\n"Sorry," said Tom.\n\n"Move," said the porter.'
        '\n\n"Yes," said Tom.'
    )
    names = set().union(*en_roster(text))
    assert "the sexton" in names
    assert "the porter" not in names  # spoke once and is never named again: a passer-by


def test_a_titled_full_name_written_once_joins_its_title_and_surname() -> None:
    text = (
        "Miss Lucinda Marsh kept the shop. Miss Helen Gray came once.\n\n"
        + "".join(f'"Yes, {i}," said Miss Marsh.\n\n"No," said Helen.\n\n' for i in range(3))
        + "Miss Gray sighed. Miss Gray left."
    )
    groups = groups_of(build_roster_en(text, find_quotes(text, paragraphs(text)), min_count=2))
    assert "Miss Lucinda Marsh" in next(g for g in groups if "Miss Marsh" in g)
    # "Helen" is a name of her own here: Miss Gray may be her sister
    assert all("Miss Helen Gray" not in g for g in groups if "Miss Gray" in g)


def test_words_after_a_speech_verb_that_are_no_nouns_are_nobody() -> None:
    text = (
        'With that, Tom began with, "Well, well." More rain fell. "Yes," Tom said more. '
        '"No," said the second old gentleman. With a sigh Ada began with, "So."\n\n'
        '"Who?" said the voice. "You," said the voice. More was said. "Ah," said Tom.'
    )
    names = set().union(*en_roster(text))
    assert names.isdisjoint({"with", "more", "the second", "the voice"})


def test_mrs_with_her_own_given_name_is_her_but_with_his_is_his_wife() -> None:
    counts = {
        "Mrs. Nora Quill": 6, "Nora Quill": 3, "Nora": 12,
        "Mrs. Walter Bray": 2, "Walter Bray": 9, "Walter": 7,
    }  # fmt: skip
    groups = groups_of(cluster_english(counts))
    assert {"Mrs. Nora Quill", "Nora Quill", "Nora"} <= next(g for g in groups if "Nora" in g)
    assert "Mrs. Walter Bray" not in next(g for g in groups if "Walter" in g)


def test_en_story_roster_has_evidence() -> None:
    entities = analyse(EN_STORY, "en").entities
    pell = next(e for e in entities if "Arthur" in e.aliases)
    assert pell.gender == "m"
    assert {ev.alias for ev in pell.evidence} >= {"Arthur"}


def test_traditional_and_simplified_are_one_entity(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import opencc

    from characters.extract.pipeline import run_pipeline

    path = tmp_path / "trad.txt"
    path.write_bytes(opencc.OpenCC("s2t").convert(ZH_STORY).encode("big5hkscs"))
    result = run_pipeline(path, tmp_path / "out")
    import json

    roster = json.loads((result.out / "roster.json").read_text(encoding="utf-8"))
    liu = next(r for r in roster if "柳如烟" in r["aliases"])
    assert "柳如煙" in liu["aliases"]  # the traditional spelling is a key of the same person
    quotes = [json.loads(x) for x in (result.out / "quotes.jsonl").read_text().splitlines()]
    text = path.read_bytes().decode("big5hkscs")
    assert all(text[q["start"] : q["end"]] == q["text"] for q in quotes)


def test_a_one_sex_given_name_corrects_the_pronouns_unless_a_title_agrees_with_them() -> None:
    maid = Entity("e1", "Charlotte", ["Charlotte"], gender="m")  # named beside a "he"
    wife = Entity("e2", "Mrs. Charles", ["Mrs. Charles", "Charles"], gender="f")
    unknown = Entity("e3", "Jim Vane", ["Jim Vane", "Jim"])
    given_name_genders([maid, wife, unknown])
    assert (maid.gender, wife.gender, unknown.gender) == ("f", "f", "m")
