"""English roster rules on texts written for these tests (made-up people and lines)."""

from __future__ import annotations

from characters.extract.aliases_en import cluster_english
from characters.extract.names_en import collect_names, person_names, split_title
from characters.extract.quotes import find_quotes, paragraphs
from characters.extract.roster_en import build_roster_en


def _home(entities: list, alias: str) -> set[str]:  # type: ignore[type-arg]
    return next(set(e.aliases) for e in entities if alias in e.aliases)


def _grey_story(full_titled: int, short: int = 12, given: int = 4) -> str:
    """Walter Grey, called Mr. Grey far more often than by his full name."""
    parts = ["Walter Grey came into the hall. He took off his hat and he sat down."] * 3
    parts += ["Mr. Grey looked at the fire. He was tired, and he said nothing."] * short
    parts += ["Mr. Walter Grey was announced. He bowed."] * full_titled
    parts += ["At noon Walter laughed at the dog. He was happy."] * given
    parts += ["Then Nora Pike laughed. She poured the tea, and she smiled."] * 4
    return "\n\n".join(parts)


def test_mister_joins_the_only_full_name_however_rarely_it_is_written() -> None:
    entities = build_roster_en(_grey_story(full_titled=1), [])
    assert {"Mr. Grey", "Walter Grey"} <= _home(entities, "Mr. Grey")


def test_title_with_the_full_name_written_often_tells_two_people_apart() -> None:
    # written again and again, yet far rarer than the short form: another Mr. Grey
    entities = build_roster_en(_grey_story(full_titled=6, short=30), [])
    assert "Walter Grey" not in _home(entities, "Mr. Grey")
    # ...unless the book never calls him "Walter" alone: then "Mr. Walter Grey" is simply
    # Mr. Grey's formal name ("Mr. Sherlock Holmes" beside "Mr. Holmes", never "Sherlock")
    entities = build_roster_en(_grey_story(full_titled=6, short=30, given=0), [])
    assert "Walter Grey" in _home(entities, "Mr. Grey")
    # half as often as the short form: an author who likes his full name (Mr. Sillerton
    # Jackson 19 times, Mr. Jackson 39, in The Age of Innocence)
    entities = build_roster_en(_grey_story(full_titled=6, short=12), [])
    assert "Walter Grey" in _home(entities, "Mr. Grey")


def test_a_full_name_written_once_ties_a_first_name_to_a_titled_surname() -> None:
    parts = ["At noon Lucy opened the window, and she looked out at the rain."] * 6
    parts += ["At noon Miss Marsh was at the piano. She played, and she sang."] * 6
    parts += ["It was Lucy Marsh who answered the letter. She wrote it herself."]
    parts += ["At noon Weston Churchill came. He sat.", "At noon Mr. Weston nodded. He left."] * 2
    parts += ["At noon Weston laughed. He left.", "At noon Churchill smiled. He sat."] * 3
    entities = build_roster_en("\n\n".join(parts), [])
    assert {"Lucy", "Miss Marsh", "Lucy Marsh"} <= _home(entities, "Lucy")
    # "Weston" is a surname here (Mr. Weston), not the first name of "Weston Churchill"
    assert not any({"Weston", "Weston Churchill"} <= set(e.aliases) for e in entities)


def test_capitalised_epithet_after_the_keeps_its_article() -> None:
    text = "\n\n".join(
        ['"Come in," said the Hermit.', "The Hermit lit a candle.", '"Sit," said the Hermit.'] * 2
        + ["Anna Bell sat down by the Hermit and looked at the Thames."]
    )
    stats = collect_names(text, [])
    assert stats.count["the Hermit"] >= 5 and "Hermit" not in stats.count
    assert "Thames" in stats.count and "the Thames" not in stats.count  # places never speak


def test_a_name_written_with_and_without_its_article_is_one_person() -> None:
    # "The Tinker" opening a sentence is counted as "Tinker"; "said the Tinker" keeps "the"
    counts = {"the Tinker": 30, "Tinker": 7, "Grey Hare": 6, "Hare": 2, "the Hare": 9, "Anna": 5}
    entities = cluster_english(counts)
    assert {"the Tinker", "Tinker"} == _home(entities, "Tinker")
    assert {"Grey Hare", "Hare", "the Hare"} == _home(entities, "the Hare")
    assert _home(entities, "Anna") == {"Anna"}


def test_a_form_of_address_is_nobody_s_name() -> None:
    text = "\n\n".join(
        ['"Your Majesty is kind," said Anna Bell.', '"Majesty, the bridge is down," said Tom.'] * 3
    )
    assert "Majesty" not in collect_names(text, []).count


def test_saint_in_a_surname_is_part_of_it() -> None:
    text = "\n\n".join(
        ["Lord Robert St. Clare came in. He bowed to Anna Bell."]
        + ['"We are late," said Lord St. Clare. He smiled.'] * 4
        + ["At noon Mr. St. Clare rode out. He was gone."] * 2
    )
    home = _home(build_roster_en(text, []), "Lord St. Clare")
    assert {"Lord Robert St. Clare", "Mr. St. Clare"} <= home
    assert split_title("Lord Robert St. Clare") == ("Lord", ["Robert", "St. Clare"])


def test_a_house_one_goes_to_or_stays_at_is_a_place() -> None:
    parts = ["In the evening Anna Bell walked back to the Grange. She was cold."] * 3
    parts += ["Tom Reed stayed at the Grange, and the Grange was quiet. He slept."] * 3
    parts += ['"Good night," said Anna Bell.'] * 2
    names = {e.name for e in build_roster_en("\n\n".join(parts), [])}
    assert "Grange" not in names and "Anna Bell" in names


def test_a_family_in_the_plural_is_nobody() -> None:
    parts = ["At noon Tom Reed met Linton by the gate. Linton smiled, and he left."] * 4
    parts += ["At dusk the Reeds dined with the Lintons. Anna Bell was there."] * 3
    parts += ['"Come," said Linton.', '"Go," said Tom Reed.']
    stats = collect_names("\n\n".join(parts), [])
    assert "Lintons" in stats.count and "Lintons" not in person_names(stats)
    assert "Linton" in person_names(stats)


def test_titled_surname_written_with_the_full_name_rarely_is_one_person() -> None:
    counts = {"Mr. Tom Fenn": 1, "Tom Fenn": 4, "Mr. Fenn": 12, "Tom": 10}
    assert {"Mr. Fenn", "Tom Fenn"} <= _home(cluster_english(counts), "Tom")
    counts["Mr. Tom Fenn"] = 8  # the author keeps telling him from the other Mr. Fenn
    counts["Mr. Fenn"] = 40
    assert "Mr. Fenn" not in _home(cluster_english(counts), "Tom")


def test_a_womans_own_title_before_her_surname_is_her() -> None:
    counts = {"Ellen Vane": 6, "Madame Vane": 9, "Countess Vane": 3, "Mrs. Vane": 4, "Hugh Vane": 5}
    home = _home(cluster_english(counts), "Ellen Vane")
    assert {"Madame Vane", "Countess Vane"} <= home and "Mrs. Vane" not in home
    counts["Miss Vane"] = 3  # Ellen is the daughter: Madame Vane is her mother
    counts["Miss Ellen Vane"] = 2
    assert "Madame Vane" not in _home(cluster_english(counts), "Ellen Vane")


def test_given_name_settles_the_sex_the_pronouns_leave_open() -> None:
    # Owen is always with Ada: the he and she after his name tie, his given name decides
    parts = ["At noon Owen Tate met Ada, and she laughed while he waited."] * 4
    parts += ["At noon Owen Tate met Ada, and he laughed while she waited."] * 4
    parts += ["At noon Mr. Tate bowed to Ada. She curtsied and went out."] * 6
    entities = build_roster_en("\n\n".join(parts), [])
    tate = next(e for e in entities if "Owen Tate" in e.aliases)
    assert tate.gender == "m" and "Mr. Tate" in tate.aliases


def test_a_pet_form_and_its_name_with_one_surname_are_one_person() -> None:
    parts = ["At dusk Charley Fenwick ran to the gate. He laughed, and he waved."] * 6
    parts += ["The clerk read out the name of Charles Fenwick. He stood up."] * 3
    parts += ["At dusk Jenny Fenwick sang by the fire. She smiled."] * 4
    entities = build_roster_en("\n\n".join(parts), [])
    assert {"Charley Fenwick", "Charles Fenwick"} <= _home(entities, "Charley Fenwick")
    assert "Jenny Fenwick" not in _home(entities, "Charley Fenwick")


def test_a_described_speaker_the_book_never_names_is_a_role() -> None:
    parts = ['"Sit down," said the gentleman in the grey coat, and he pointed.'] * 2
    parts += ['"Who goes there?" cried the one-eyed sailor, loudly.'] * 2
    parts += ['"Good day," said the man, and he went on.'] * 3  # resolved like a pronoun
    parts += ["Nora Pike waited at the gate. She was cold, and she sang."] * 3
    names = {a for e in build_roster_en("\n\n".join(parts), []) for a in e.aliases}
    assert {"the gentleman in the grey coat", "the one-eyed sailor"} <= names
    assert "the man" not in names and "in the grey coat" not in names


def test_a_role_speaks_with_an_adverb_after_it_or_as_the_subject() -> None:
    parts = ['"Your coat, sir," said the valet somewhat stiffly.']
    parts += ['"This way," said the valet to Nora Pike.']
    parts += ['The ferryman said at once: "No crossing tonight."'] * 2
    parts += ["Nora Pike waited at the gate. She was cold, and she sang."] * 3
    parts += ['"Nothing," he said as he left.'] * 3  # a bare word after the verb is no role
    names = {a for e in build_roster_en("\n\n".join(parts), []) for a in e.aliases}
    assert {"the valet", "the ferryman"} <= names and "as" not in names


def test_a_month_that_is_also_a_given_name_is_a_person_where_it_speaks() -> None:
    parts = ['"It is late," said May.', "At dusk Tom Hale came home in May. He smiled."] * 4
    parts += ["May's shawl lay there. At noon May Hale folded it, and she sighed."] * 3
    parts += ["They married on May 3 and left early in May. May I go?"]
    entities = build_roster_en("\n\n".join(parts), [])
    may = _home(entities, "May")
    assert "May Hale" in may and not any("May" in a for a in _home(entities, "Tom Hale"))
    stats = collect_names("\n\n".join(["We left in May. It rained all May. May I go?"] * 4), [])
    assert "May" not in stats.count


def test_miss_joins_the_daughter_whose_full_name_dominates() -> None:
    parts = ["At noon May Hale walked out. She laughed, and she ran."] * 12
    parts += ["At noon Miss Hale sat down. She smiled, and she waited."] * 4
    parts += ["At noon Agnes Hale, her mother, wrote a letter. She sealed it."]
    entities = build_roster_en("\n\n".join(parts), [])
    assert "Miss Hale" in _home(entities, "May Hale")
    assert "Agnes Hale" not in _home(entities, "May Hale")


def test_a_job_in_apposition_to_one_name_is_that_person() -> None:
    parts = ["At noon Mr. Pike, the ferryman, untied the boat. He waved."]
    parts += ['"All aboard," said the ferryman.', '"Hold tight," said the ferryman.']
    parts += ["At noon Mr. Pike rowed on. He was tired, and he sang."] * 3
    parts += ["At dusk Nora Hale, Mr. Grey, the tinker, and the cook sat down."]
    parts += ['"Tea?" said the tinker.', '"Yes," said the tinker.'] * 2
    parts += ["At dusk Mr. Grey smiled. He was glad, and he ate."] * 3
    entities = build_roster_en("\n\n".join(parts), [])
    assert "the ferryman" in _home(entities, "Mr. Pike")
    assert "the tinker" not in _home(entities, "Mr. Grey")  # a list, not an apposition


def test_a_role_takes_the_sex_of_its_head_noun() -> None:
    parts = ['"Tea, miss?" said the parlourmaid.'] * 2
    parts += ['"Move along," said the man in the grey cloak.'] * 2
    parts += ["Nora Pike waited at the gate. She was cold, and she sang."] * 3
    sexes = {e.name: e.gender for e in build_roster_en("\n\n".join(parts), [])}
    assert sexes["the parlourmaid"] == "f" and sexes["the man in the grey cloak"] == "m"


def test_a_surnames_particles_are_part_of_it_in_either_case() -> None:
    # "De Griers" opening a sentence and "Monsieur de Griers" are one man; "Mr. Henry
    # van der Velde" has the given name Henry, not "van"
    counts = {"De Griers": 40, "Monsieur de Griers": 6, "Mr. van der Velde": 20,
              "Mr. Henry van der Velde": 3, "Henry van der Velde": 3}  # fmt: skip
    entities = cluster_english(counts)
    assert {"De Griers", "Monsieur de Griers"} <= _home(entities, "De Griers")
    assert split_title("Mr. Henry van der Velde") == ("Mr.", ["Henry", "van der Velde"])
    assert split_title("De Griers") == split_title("de Griers")


def _roster(parts: list[str]) -> list:  # type: ignore[type-arg]
    text = "\n\n".join(parts)
    return build_roster_en(text, find_quotes(text, paragraphs(text)), min_count=2)


_PIKE = ["Nora Pike waited at the gate. She was cold, and she sang."] * 3


def test_a_name_said_once_to_someone_the_narration_calls_by_a_role_is_theirs() -> None:
    parts = ['"Anything new up the river, Ben?" asked Nora Pike.', '"Not a word," replied the man.']
    parts += ['"Sit down, Marian," said Nora Pike.', '"Gladly," said Mrs. Grey.'] + _PIKE
    parts += ['"Mrs. Grey is late," said Nora Pike.', '"She is," said Mrs. Grey.']
    names = {a for e in _roster(parts) for a in e.aliases}
    assert "Ben" in names
    # said to a woman the book names: more likely her given name than a new person
    assert "Marian" not in names


def test_a_title_held_of_one_place_names_whoever_the_book_calls_by_it() -> None:
    tale = ["At dinner sat the Duchess of Thorne, a lady of great good humour."]
    tale += ['"More tea?" asked the duchess.', '"Thank you," said Nora Pike.'] * 2 + _PIKE
    assert "Duchess of Thorne" in _home(_roster(tale), "the duchess")
    # two duchesses in one book: "the duchess" could be either
    two = [*tale, "Later came the Duchess of Arden, who never spoke."]
    assert not any("Duchess of" in a for e in _roster(two) for a in e.aliases)
