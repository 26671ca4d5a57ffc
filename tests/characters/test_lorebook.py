from __future__ import annotations

import time
from typing import Any

import pytest

from characters.lorebook import Activation, Lorebook, LoreEntry, activate


def words(text: str) -> int:
    return len(text.split())


def book(*entries: dict[str, Any], **fields: Any) -> Lorebook:
    return Lorebook.model_validate({"entries": list(entries), **fields})


def entry(keys: list[str], content: str = "", **fields: Any) -> dict[str, Any]:
    return {"keys": keys, "content": content or f"about {keys[0] if keys else 'nothing'}", **fields}


def run(lore: Lorebook, *messages: str, **kwargs: Any) -> Activation:
    return activate(lore, list(messages), count_tokens=words, **kwargs)


def fired(lore: Lorebook, *messages: str, **kwargs: Any) -> list[str]:
    return [e.content for e in run(lore, *messages, **kwargs).entries]


# --- CJK and Latin keys ---------------------------------------------------------------


def test_cjk_longest_match_wins() -> None:
    lore = book(entry(["清心"], "清心"), entry(["清心诀"], "清心诀"))
    assert fired(lore, "他运起清心诀") == ["清心诀"]
    assert fired(lore, "他心里清心寡欲") == ["清心"]
    assert sorted(fired(lore, "先清心，再运清心诀")) == ["清心", "清心诀"]


def test_cjk_keys_need_no_word_boundaries() -> None:
    lore = book(entry(["青灯镇"]))
    assert fired(lore, "我们明天去青灯镇买药") == ["about 青灯镇"]


def test_latin_keys_match_whole_words_only() -> None:
    lore = book(entry(["cat"]), entry(["magical forest"]))
    assert fired(lore, "concatenate the catalogue") == []
    assert fired(lore, "The cat.") == ["about cat"]
    assert fired(lore, "a Magical  forest") == []  # the key's own spacing
    assert fired(lore, "into the magical forest!") == ["about magical forest"]
    assert fired(lore, "cats and dogs") == []


def test_mixed_text() -> None:
    lore = book(entry(["Nazoza"]), entry(["清心诀"]), entry(["sword"]))
    assert fired(lore, "他在Nazoza镇练清心诀") == ["about Nazoza", "about 清心诀"]
    assert fired(lore, "the 清心诀 technique, no swords") == ["about 清心诀"]


def test_case_sensitivity() -> None:
    lore = book(entry(["Rose"], "flower"), entry(["Rose"], "person", case_sensitive=True))
    assert fired(lore, "a ROSE in bloom") == ["flower"]
    assert fired(lore, "Rose said hello") == ["flower", "person"]
    assert fired(lore, "rose, then Rose") == ["flower", "person"]


def test_empty_and_blank_keys_match_nothing() -> None:
    lore = book(entry(["", "  "], "never"), entry(["real"], "yes"))
    assert fired(lore, "anything at all") == []
    assert fired(lore, "a real key") == ["yes"]


# --- aliases --------------------------------------------------------------------------


def test_entry_keyed_by_name_fires_on_an_alias() -> None:
    lore = book(entry(["范闲"], "范闲的身世", id="fx"))
    result = run(lore, "小范大人今天没来", aliases={"范闲": ["小范大人", "Fan Xian"]})
    assert [e.content for e in result.entries] == ["范闲的身世"]
    assert result.matched_keys == {"fx": "小范大人"}
    assert fired(lore, "I met fan xian", aliases={"范闲": ["小范大人", "Fan Xian"]})
    assert fired(lore, "小范大人今天没来") == []  # no aliases given


def test_entry_keyed_by_an_alias_fires_on_the_name() -> None:
    lore = book(entry(["小范大人"], "nickname entry"))
    assert fired(lore, "范闲来了", aliases={"范闲": ["小范大人"]}) == ["nickname entry"]


def test_alias_change_rebuilds_the_matcher() -> None:
    lore = book(entry(["Marlow"]))
    assert fired(lore, "the keeper", aliases={"Marlow": ["the keeper"]}) == ["about Marlow"]
    assert fired(lore, "the keeper", aliases={"Marlow": ["old man"]}) == []


# --- regex keys -----------------------------------------------------------------------


def test_slash_regex_keys() -> None:
    lore = book(entry(["/drag(on|oon)s?/i"], "dragons"), entry(["/^Hello/"], "greeting"))
    assert fired(lore, "Here be DRAGOONS") == ["dragons"]
    assert fired(lore, "hello there") == []
    assert fired(lore, "Hello there") == ["greeting"]


def test_use_regex_keys() -> None:
    lore = book(entry(["sw(or)?d"], "blade", use_regex=True))
    assert fired(lore, "a SWD") == ["blade"]
    strict = book(entry(["sw(or)?d"], "blade", use_regex=True, case_sensitive=True))
    assert fired(strict, "a SWD") == []


def test_use_regex_plain_keys_keep_word_and_cjk_rules() -> None:
    lore = book(entry(["清心"], "short", use_regex=True), entry(["清心诀"], "long", use_regex=True))
    assert fired(lore, "他运起清心诀") == ["long"]


def test_javascript_named_groups() -> None:
    lore = book(entry([r"/(?<w>ha)\k<w>/"], "laugh"))
    assert fired(lore, "hahaha") == ["laugh"]


@pytest.mark.parametrize(
    ("key", "detail"),
    [
        ("/unclosed(/", "missing )"),
        ("/(a+)+$/", "exponential"),
        ("/a.*b.*c.*d.*e/", "exponential"),
        ("/[z-a]/", "bad character range"),
        ("/a/b/", "unescaped '/'"),
    ],
)
def test_bad_regex_is_skipped_and_recorded(key: str, detail: str) -> None:
    lore = book(entry([key, "fine"], "broken"), entry(["fine"], "ok"))
    result = run(lore, "fine " + "a" * 5000)
    assert [e.content for e in result.entries] == ["ok"]
    (dropped,) = result.dropped
    assert dropped.entry.content == "broken" and dropped.reason == "invalid regex"
    assert detail in dropped.detail


def test_use_regex_compile_error_is_recorded() -> None:
    result = run(book(entry(["a[b"], "x", use_regex=True)), "a[b")
    assert result.entries == [] and result.dropped[0].reason == "invalid regex"


# --- selective logic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logic", "text", "expected"),
    [
        ("and_any", "the harbour", False),
        ("and_any", "the harbour at night", True),
        ("and_all", "the harbour at night", False),
        ("and_all", "the harbour at night in fog", True),
        ("not_any", "the harbour", True),
        ("not_any", "the harbour in fog", False),
        ("not_all", "the harbour in fog", True),
        ("not_all", "the harbour at night in fog", False),
    ],
)
def test_selective_logic(logic: str, text: str, expected: bool) -> None:
    lore = book(
        entry(
            ["harbour"],
            "hit",
            selective=True,
            secondary_keys=["night", "fog"],
            selective_logic=logic,
        )
    )
    assert (fired(lore, text) == ["hit"]) is expected


def test_secondary_keys_ignored_unless_selective() -> None:
    lore = book(entry(["harbour"], "hit", selective=False, secondary_keys=["night"]))
    assert fired(lore, "the harbour") == ["hit"]


def test_selective_without_secondary_keys_is_plain() -> None:
    lore = book(entry(["harbour"], "hit", selective=True, secondary_keys=[""]))
    assert fired(lore, "the harbour") == ["hit"]


def test_secondary_alone_does_not_fire() -> None:
    lore = book(entry(["harbour"], "hit", selective=True, secondary_keys=["night"]))
    assert fired(lore, "at night") == []


# --- scan depth, constant, disabled ---------------------------------------------------


def test_scan_depth_limits_the_window() -> None:
    lore = book(entry(["lamp"]), scan_depth=2)
    assert fired(lore, "the lamp", "two", "three") == []
    assert fired(lore, "one", "the lamp", "three") == ["about lamp"]


def test_default_scan_depth_is_four() -> None:
    lore = book(entry(["lamp"]))
    assert fired(lore, "lamp", "2", "3", "4", "5") == []
    assert fired(lore, "lamp", "2", "3", "4") == ["about lamp"]


def test_scan_depth_zero_scans_nothing() -> None:
    lore = book(entry(["lamp"]), entry([], "always", constant=True), scan_depth=0)
    assert fired(lore, "lamp") == ["always"]


def test_constant_always_disabled_never() -> None:
    lore = book(
        entry([], "rules", constant=True),
        entry(["lamp"], "off", enabled=False),
        entry(["lamp"], "off too", enabled=False, constant=True),
    )
    result = run(lore, "lamp")
    assert [e.content for e in result.entries] == ["rules"]
    assert result.matched_keys == {0: ""}


def test_matched_keys_use_ids_or_indexes() -> None:
    lore = book(entry(["a"], id=7), entry(["b"]))
    assert run(lore, "a b").matched_keys == {7: "a", 1: "b"}


# --- budget and order -----------------------------------------------------------------


def test_budget_drops_are_recorded() -> None:
    lore = book(
        entry(["a"], "one two three", priority=1),
        entry(["b"], "four five six seven", priority=10),
        entry(["c"], "eight", priority=0),
    )
    result = run(lore, "a b c", budget_tokens=5)
    assert [e.content for e in result.entries] == ["four five six seven", "eight"]
    (dropped,) = result.dropped
    assert dropped.entry.content == "one two three" and dropped.reason == "budget"
    assert dropped.detail == "needs 3 tokens, 1 of 5 left"
    assert set(result.matched_keys) == {0, 1, 2}  # it fired; the budget cut it


def test_budget_argument_overrides_the_book() -> None:
    lore = book(entry(["a"], "one two"), entry(["b"], "three four"), token_budget=2)
    assert len(run(lore, "a b").entries) == 1
    assert len(run(lore, "a b", budget_tokens=10).entries) == 2
    assert run(lore, "a b", budget_tokens=0).entries == []


def test_equal_priority_keeps_lower_insertion_order() -> None:
    lore = book(entry(["a"], "late", insertion_order=9), entry(["b"], "early", insertion_order=1))
    assert fired(lore, "a b", budget_tokens=1) == ["early"]


def test_output_is_in_prompt_order() -> None:
    lore = book(
        entry(["a"], "third", insertion_order=5, priority=100),
        entry(["b"], "second", insertion_order=2, position="after_char"),
        entry(["c"], "first", insertion_order=2, position="before_char"),
    )
    assert fired(lore, "c b a") == ["first", "second", "third"]


def test_decorators_are_not_counted_or_sent() -> None:
    lore = book(entry(["a"], "@@depth 4\n@@activate_only_after 2\nthe text"))
    (hit,) = run(lore, "a", budget_tokens=2).entries
    assert hit.body == "the text"


# --- recursion ------------------------------------------------------------------------


def chain(length: int, **fields: Any) -> Lorebook:
    links = [entry([f"k{i}"], f"see k{i + 1}") for i in range(length)]
    return book(*links, **fields)


def test_recursion_follows_content() -> None:
    assert fired(chain(3, recursive_scanning=True), "k0") == ["see k1", "see k2", "see k3"]
    assert fired(chain(3), "k0") == ["see k1"]


def test_recursion_is_bounded_to_three_passes() -> None:
    assert len(fired(chain(10, recursive_scanning=True), "k0")) == 4


def test_constant_content_recurses() -> None:
    lore = book(
        entry([], "mentions k1", constant=True),
        entry(["k1"], "linked"),
        recursive_scanning=True,
    )
    assert fired(lore, "nothing here") == ["mentions k1", "linked"]


def test_exclude_and_prevent_recursion() -> None:
    lore = book(
        entry(["start"], "see k1 and k2", extensions={"prevent_recursion": False}),
        entry(["k1"], "excluded", extensions={"exclude_recursion": True}),
        entry(["k2"], "see k3", extensions={"preventRecursion": True}),
        entry(["k3"], "never reached"),
        recursive_scanning=True,
    )
    assert fired(lore, "start") == ["see k1 and k2", "see k3"]


# --- caching and speed ----------------------------------------------------------------


def test_replacing_entries_invalidates_the_cache() -> None:
    lore = book(entry(["lamp"]))
    assert fired(lore, "lamp") == ["about lamp"]
    lore.entries = [LoreEntry(keys=["wick"], content="new")]
    assert fired(lore, "lamp") == []
    assert fired(lore, "wick") == ["new"]


def test_five_thousand_entries_activate_fast() -> None:
    entries = []
    for i in range(4999):
        keys = [f"term{i:04d}", f"名词{i:04d}"] if i % 2 else [f"地名{i}", f"place {i}"]
        entries.append(entry(keys, f"content {i} " * 20, insertion_order=i % 7))
    entries.append(entry(["/ter+m00(1|2)\\d/i"], "regex"))
    lore = book(*entries, scan_depth=4)
    messages = [
        "他运起清心诀，经过地名42和地名1200，提到名词0001。" * 20,
        "We talked about term0003 and place 88 at length. " * 40,
        "平平无奇的一句话。" * 50,
        "nothing to see here " * 50,
    ]
    assert sum(len(m) for m in messages) > 4000
    result = run(lore, *messages, budget_tokens=10_000)  # builds and caches the matcher
    assert {e.content.split()[1] for e in result.entries} >= {"1", "3", "42", "88", "1200"}
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        run(lore, *messages, budget_tokens=10_000)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.010, timings


def test_a_warm_cache_does_not_change_equality() -> None:
    lore = book(entry(["lamp"]))
    copy = lore.model_copy(deep=True)
    run(lore, "lamp")
    assert lore == copy
    copy.entries[0].content = "changed"
    assert lore != copy
