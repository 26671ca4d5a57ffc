from __future__ import annotations

import random
import re

import pytest

from safety.normalize import compact_key, deleeted, normalize


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


def _reference_compact(s: str) -> tuple[str, list[int]]:
    """The compact form and offsets, one separator run at a time (the definition the fast
    regex passes and the offset walk must agree with)."""

    def cjk(ch: str) -> bool:
        return (
            "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
        )

    def lone(k: int) -> bool:
        before = s[k - 1] if k > 0 else " "
        after = s[k + 1] if k + 1 < len(s) else " "
        return s[k].isascii() and s[k].isalpha() and not before.isalnum() and not after.isalnum()

    t, origin, pos = "", [], 0
    for m in re.finditer(r"[\W_]+", s):
        a, b = m.span()
        t, origin = t + s[pos:a], origin + list(range(pos, a))
        glued = (
            0 < a and b < len(s) and ((cjk(s[a - 1]) and cjk(s[b])) or (lone(a - 1) and lone(b)))
        )
        if not glued:
            t, origin = t + " ", [*origin, a]
        pos = b
    t, origin = t + s[pos:], origin + list(range(pos, len(s)))
    keep = [k for k in range(len(t)) if k == 0 or t[k] != t[k - 1]]
    return "".join(t[k] for k in keep), [origin[k] for k in keep]


def test_compact_form_and_offsets_agree_with_the_reference_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = "ab傻逼 ,.&_-1034x。、k i"  # characters the first mapping leaves as they are
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        norm = normalize(text)
        compact, origin = _reference_compact(deleeted(text))
        assert (norm.compact, list(norm.origin)) == (compact, origin), repr(text)
