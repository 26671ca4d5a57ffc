"""English aliases the dialogue reveals, on stories written for these tests."""

from __future__ import annotations

from characters.extract.analyse import analyse
from characters.extract.coref_en import join_called_names

_KITCHEN = [
    ('"Aunt Bea, the kettle is singing," said Nora.', '"Let it sing," said Mrs. Hollis.'),
    ('"Are the plums ripe yet, Aunt Bea?" asked Nora.', '"Not till Sunday," said Mrs. Hollis.'),
    ('"Aunt Bea! The cat is on the table!" cried Nora.', '"Fetch him," said Mrs. Hollis.'),
    ('"Where is the big jug, Aunt Bea?" said Nora.', '"On the top shelf," said Mrs. Hollis.'),
]


def _story(extra: list[str]) -> str:
    paras = ["Mrs. Hollis kept the farm at the end of the lane. Nora came to her each summer."]
    for ask, answer in _KITCHEN:
        paras += [ask, answer, "The kitchen was warm, and the clock ticked on."]
    return "\n\n".join(paras + extra) + "\n"


def _home(entities: list, alias: str) -> set[str]:  # type: ignore[type-arg]
    return next(set(e.aliases) for e in entities if alias in e.aliases)


def test_a_name_the_same_speaker_answers_to_is_that_speakers_name() -> None:
    text = _story([])
    result = analyse(text, "en")
    assert "Aunt Bea" not in _home(result.entities, "Mrs. Hollis")  # the roster alone
    merged = join_called_names(text, result.quotes, result.attributions, result.entities)
    assert {"Aunt Bea", "Mrs. Hollis"} <= _home(result.entities, "Mrs. Hollis")
    assert merged and "answered by" in merged[0].rule and merged[0].snippet
    speakers = {a.speaker for a in result.attributions}
    assert speakers <= {e.id for e in result.entities}  # no quote points at the one gone


def test_two_who_talk_to_each_other_stay_two() -> None:
    # Nora calls Tom by name and Tom answers, but Tom and Will also trade lines: Will
    # is someone else, however often Tom answers "Will"
    lines = []
    for ask, answer in [("Will, the gate", "I shut it"), ("Will, the hens", "Fed"),
                        ("Will, the lamp", "Lit it"), ("Will, the dog", "Asleep")]:  # fmt: skip
        lines += [f'"{ask}," said Nora.', f'"{answer}," said Tom.']
        lines += ['"You never do anything," said Will.', '"I do everything," said Tom.']
    text = _story(lines)
    result = analyse(text, "en")
    join_called_names(text, result.quotes, result.attributions, result.entities)
    assert "Tom" not in _home(result.entities, "Will")


def test_a_narrator_who_changes_epithets_mid_scene_is_followed() -> None:
    # "said the miller" and "said Amos" take turns with the same listener
    lines = ["Amos Reed was the miller. He ground the village's corn."]
    for i in range(4):
        lines += [f'"The wheel is slow today, number {i}," said the miller.',
                  '"The river is low," said Nora.',
                  f'"Then we wait, number {i}," said Amos.',
                  "The mill went quiet.", "Days went by."]  # fmt: skip
    text = _story(lines)
    result = analyse(text, "en")
    join_called_names(text, result.quotes, result.attributions, result.entities)
    assert "the miller" in _home(result.entities, "Amos")
