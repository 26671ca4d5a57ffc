"""Shape patterns split by script find exactly what the whole patterns find."""

from __future__ import annotations

import re
from pathlib import Path

from safety import shapes, stance, threats
from safety.normalize import normalize
from safety.scripts import Split, branches

DATA = Path(__file__).parent / "data"


def _lines() -> list[str]:
    out = []
    for path in sorted(DATA.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(normalize(line.partition("|")[2] or line).clean)
    return out


def test_the_halves_agree_with_the_whole_on_every_line_we_have() -> None:
    lines = _lines()
    assert len(lines) > 2000
    pairs = [(s.pattern, s) for s, *_ in shapes._ALONE_SPLIT]
    pairs += [(shapes._SWEEPING, shapes._SWEEPING_SPLIT), (shapes._BARRED, shapes._BARRED_SPLIT)]
    for whole, split in pairs:
        for text in lines:
            assert bool(whole.search(text)) == bool(split.search(text)), (whole.pattern[:60], text)


def test_a_split_finds_the_same_match_where_its_position_is_read() -> None:
    for whole, split in [
        (stance._REJECT, stance._REJECT_SPLIT),
        (threats._WISH, threats._WISH_SPLIT),
    ]:
        for text in _lines():
            a, b = whole.search(text), split.search(text)
            assert (a and a.span()) == (b and b.span()), (whole.pattern[:60], text)


def test_branches_split_only_at_the_top_level() -> None:
    assert branches(r"a(?:b|c)|[|]d|e\|f") == ["a(?:b|c)", "[|]d", r"e\|f"]


def test_each_half_runs_only_on_its_own_script() -> None:
    split = Split(re.compile(r"\bkill (?:him|her)\b|弄死(?:他|她)|\d{11}"))
    assert split.search("i will kill him") and split.search("我要弄死他")
    assert split.search("13812345678") and split.search("call 13812345678")
    assert split.zh is not None and split.zh.search("kill him") is None  # no English branch
    assert not split.search("a quiet evening")
