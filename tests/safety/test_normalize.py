from __future__ import annotations

import pytest

from safety.normalize import compact_key, normalize


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("傻 逼", "傻逼"),
        ("傻.逼", "傻逼"),
        ("傻\u200b逼", "傻逼"),
        ("ｆｕｃｋ you", "fuck you"),
        ("k i l l yourself", "kill yourself"),
        ("k.i.l.l yourself", "kill yourself"),
        ("kіll yourself", "kill yourself"),  # Cyrillic і
        ("h4ck3r", "hacker"),
        ("fuuuuuck you", "fuck you"),
        ("這個傻逼", "这个傻逼"),
        ("\U000e0068\U000e0069", "hi"),  # invisible tag characters spell ASCII
    ],
)
def test_evasions_fold_to_the_lexicon_form(text: str, key: str) -> None:
    assert normalize(text).compact == compact_key(key)


def test_ordinary_text_is_left_readable() -> None:
    n = normalize("I am a big cat, born in 2024.")
    assert n.clean == "i am a big cat, born in 2024."
    assert "2024" in n.compact  # numbers are not leetspeak
    assert n.evasion == 0


def test_evasion_is_counted() -> None:
    assert normalize("sh\u200bit").evasion == 1
    assert normalize("kіll").evasion == 1


def test_origin_maps_back_to_raw_positions() -> None:
    raw = "ab 傻 逼"
    n = normalize(raw)
    assert n.compact.endswith("傻逼")
    assert raw[n.origin[-1]] == "逼"
    assert raw[n.origin[-2]] == "傻"
