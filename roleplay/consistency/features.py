"""Pair features for the contradiction detector: (u1, b1) then (u2, b2).

The same function feeds training (``scripts/train_contradiction.py``) and the
runtime check, so the model never sees features computed two different ways.
Lexical features are cheap and catch what sentence embeddings blur: a
different number, a flipped yes/no, "不知道" about something already said.
Embedding features (cosines and element-wise products of e5 vectors) add the
meaning the surface forms miss.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence, Set

import numpy as np
import numpy.typing as npt

from roleplay.consistency.report import Exchange

Floats = npt.NDArray[np.float32]

_NEGATION = re.compile(r"不|没|無|无|别|非|未")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万亿半]+")
_QUESTION = re.compile(r"[？?吗呢么嘛]|什么|哪|几|多少|谁|怎么|为何|为什么|是否|有没有|是不是")
# "Do you know what I told you?": the bot must remember, so "不知道" contradicts.
_RECALL_PROBE = re.compile(r"你(还)?(知道|记得|猜)我")
_DONT_KNOW = re.compile(r"不知道|不清楚|忘了|不记得|没听说|猜不")
_ME_TOO = re.compile(r"我也|我们也|一样")
_YES = re.compile(r"^[\s,，.。!！~]*(是|对|嗯|有|会|喜欢|当然|可以|没错|好)")
_NO = re.compile(r"^[\s,，.。!！~]*(不|没|没有|无|别|不是|不会|不喜欢)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def bigrams(text: str) -> set[str]:
    chars = [c for c in text.lower() if c.isalnum()]
    grams = {a + b for a, b in zip(chars, chars[1:], strict=False)}
    return grams or set(chars)


def jaccard(a: Set[str], b: Set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(a: Set[str], b: Set[str]) -> float:
    """How much of ``a`` appears in ``b``."""
    return len(a & b) / len(a) if a else 0.0


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def _flag(pattern: re.Pattern[str], text: str) -> float:
    return 1.0 if pattern.search(text) else 0.0


def _polarity(text: str) -> float:
    if _NO.search(text):
        return -1.0
    return 1.0 if _YES.search(text) else 0.0


def lexical_features(first: Exchange, second: Exchange) -> list[float]:
    """Surface evidence that ``second.reply`` disagrees with ``first``."""
    u1, b1, u2, b2 = first.user, first.reply, second.user, second.reply
    g = {name: bigrams(t) for name, t in (("u1", u1), ("b1", b1), ("u2", u2), ("b2", b2))}
    n1, n2 = _numbers(u1 + b1), _numbers(b2)
    neg1, neg2 = len(_NEGATION.findall(b1)), len(_NEGATION.findall(b2))
    p1, p2 = _polarity(b1), _polarity(b2)
    return [
        jaccard(g["u1"], g["u2"]),
        jaccard(g["b1"], g["b2"]),
        containment(g["u2"], g["u1"]),
        containment(g["u2"], g["b1"]),
        containment(g["b2"], g["u1"]),
        containment(g["b2"], g["b1"]),
        containment(g["b1"], g["b2"]),
        float(len(u2) <= 4 or not _CJK.search(u2)),
        _flag(_QUESTION, u2),
        _flag(_RECALL_PROBE, u2),
        _flag(_DONT_KNOW, b2),
        _flag(_DONT_KNOW, b1),
        _flag(_ME_TOO, b1),
        _flag(_ME_TOO, b2),
        float(bool(n1) and bool(n2) and not (n1 & n2)),
        float(bool(n2) and bool(n2 - n1)),
        float(neg1),
        float(neg2),
        float(neg1 != neg2),
        p1,
        p2,
        float(p1 * p2 < 0),
        np.log1p(len(b1)),
        np.log1p(len(b2)),
        np.log1p(len(u2)),
        float(b2.count("你") - b1.count("你")),
        float("你呢" in b2 or "你呢" in b1),
    ]


N_LEXICAL = len(lexical_features(Exchange("", ""), Exchange("", "")))


_ACTION = re.compile(r"\*[^*]{0,200}\*|（[^）]{0,80}）|\([^)]{0,80}\)")
MAX_CHARS = 160


def clean(text: str) -> str:
    """Speech only: *actions* and stage directions out, length capped like the training data."""
    return " ".join(_ACTION.sub(" ", text).split())[:MAX_CHARS]


def full_view(first: Exchange, second: Exchange) -> str:
    """Both exchanges in one text, so the encoder attends across them."""
    return f"问：{first.user}答：{first.reply}问：{second.user}答：{second.reply}"


def view_texts(first: Exchange, second: Exchange, blocks: Sequence[str]) -> list[str]:
    """Every text the blocks need embedded (``e5 query:`` side)."""
    texts = [first.user, first.reply, second.user, second.reply]
    if "full" in blocks:
        texts.append(full_view(first, second))
    return texts


def _cos(a: Floats, b: Floats) -> float:
    return float(np.dot(a, b))


# Blocks of vector features; "lex" is added separately (it needs the texts).
_VECTOR_BLOCKS: dict[str, Callable[[Floats, Floats, Floats, Floats], Floats | list[float]]] = {
    "cos": lambda u1, b1, u2, b2: [
        _cos(a, b) for a, b in ((u1, u2), (b1, b2), (u2, b1), (u1, b2), (u2, b2), (u1, b1))
    ],
    "absdiff_b": lambda u1, b1, u2, b2: np.abs(b1 - b2),
    "prod_b": lambda u1, b1, u2, b2: b1 * b2,
    "u1": lambda u1, b1, u2, b2: u1,
    "b1": lambda u1, b1, u2, b2: b1,
    "u2": lambda u1, b1, u2, b2: u2,
    "b2": lambda u1, b1, u2, b2: b2,
}
BLOCKS = ("lex", "full", *_VECTOR_BLOCKS)
# A linear reduction of a block (PCA from training): (mean, components as columns).
Projection = tuple[Floats, Floats]


def pair_vector(
    first: Exchange,
    second: Exchange,
    embed: Mapping[str, Floats],
    blocks: Sequence[str],
    project: Mapping[str, Projection] | None = None,
) -> Floats:
    """The model's input for one pair, block by block in the model's order."""
    u1, b1, u2, b2 = (embed[t] for t in (first.user, first.reply, second.user, second.reply))
    parts: list[Floats] = []
    for block in blocks:
        if block == "lex":
            values: Floats | list[float] = lexical_features(first, second)
        elif block == "full":
            values = embed[full_view(first, second)]
        elif block in _VECTOR_BLOCKS:
            values = _VECTOR_BLOCKS[block](u1, b1, u2, b2)
        else:
            raise ValueError(f"unknown feature block {block!r}")
        vector = np.asarray(values, dtype=np.float32)
        if project is not None and block in project:
            mean, components = project[block]
            vector = ((vector - mean) @ components).astype(np.float32)
        parts.append(vector)
    return np.concatenate(parts).astype(np.float32)


_UNITS = (
    "岁|斤|两|个|只|条|年|月|天|日|次|里|丈|尺|人|口|位|本|块|元|米|公里|层|遍|件|头|匹|根|颗|座|家|"
    "周|年级|点"
)
_QUANTITY = re.compile(rf"(\d+|[零〇一二两三四五六七八九十百千万亿]+)\s*({_UNITS})")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_POWERS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_number(text: str) -> int | None:
    """``"一万三千五百"`` -> 13500, ``"二十"`` -> 20, ``"45"`` -> 45; None if unreadable."""
    if text.isdigit():
        return int(text)
    total = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _POWERS:
            section += (digit or 1) * _POWERS[ch]
            digit = 0
        elif ch in _BIG:
            total += (section + digit) * _BIG[ch]
            section = digit = 0
        else:
            return None
    return total + section + digit


def quantities(text: str) -> dict[str, set[int]]:
    """Numbers by the unit they count: 二十岁 and 20岁 are both {"岁": {20}}."""
    found: dict[str, set[int]] = {}
    for number, unit in _QUANTITY.findall(text):
        value = chinese_number(number)
        if value is not None:
            found.setdefault(unit, set()).add(value)
    return found


def quantity_clash(earlier: str, later: str) -> tuple[str, str] | None:
    """The first unit both texts count with no value in common, as (earlier, later) text."""
    a, b = quantities(earlier), quantities(later)
    for unit in a.keys() & b.keys():
        if not a[unit] & b[unit]:
            return f"{sorted(a[unit])}{unit}", f"{sorted(b[unit])}{unit}"
    return None
