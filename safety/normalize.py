"""Normalisation against evasion: one canonical form that every layer reads.

Two views are produced:

``clean``   NFKC, case-folded, invisible characters dropped, homoglyphs mapped to
            Latin, traditional Chinese mapped to simplified, whitespace collapsed.
            The classifiers read this one: it keeps punctuation and word breaks.
``compact`` ``clean`` with the tricks people use to slip a word past a filter
            undone: separators inside CJK runs or between spelled-out letters
            removed (``傻 逼``, ``k.i.l.l``), leetspeak inside words mapped back
            (``h4ck``), repeated characters squeezed (``fuuuck``). The lexicon reads
            this one; its keys go through the same function, so both sides agree.

``origin`` maps every compact character back to its index in the raw text, so the
stream gate can hold back exactly the raw characters a half-typed word occupies.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _load_t2s() -> dict[str, str]:
    text = resources.files("safety.data").joinpath("t2s.txt").read_text("utf-8")
    pairs = (p for line in text.splitlines() if not line.startswith("#") for p in line.split())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


# Traditional -> simplified, character by character: phrase-level conversion would
# change lengths and break the map back to raw positions; single characters suffice
# to match a lexicon written in simplified Chinese.
_T2S = _load_t2s()

# Letters from other scripts that render like Latin ones: the classic way to get
# "kіll" (Cyrillic і) past a word list.
_HOMOGLYPHS = dict(
    zip(
        "аеорсухкмтвнічѕԁјɡοανρτικεΙΟΑΒΕΗΚΜΝΡΤΧΥЅАВЕКМНОРСТХ",
        "aeopcyxkmtbhiysdjgoavptikeioabehkmnptxysabekmhopctx",
        strict=True,
    )
)
# Only applied inside a word that also has letters: "h4ck" -> "hack", but "2024" stays.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_INNER = {"!": "i", "|": "l", "+": "t"}  # only between two letters
_SPACES = re.compile(r" {2,}")
_SEP_RUN = re.compile(r"[\W_]+")
_WORDISH = re.compile(r"[\w@$!|+]+")
_LATIN = re.compile(r"[a-z]")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\u3040" <= ch <= "\u30ff"


@lru_cache(maxsize=1 << 16)
def _map_char(ch: str) -> tuple[str, bool]:
    """The clean form of one raw character ('' when it should vanish), and whether
    undoing it was an evasion (an invisible character or a look-alike letter)."""
    cp = ord(ch)
    if 0xE0020 <= cp <= 0xE007E:
        # Unicode tag characters: invisible ASCII ("ASCII smuggling"); decode, don't drop.
        return chr(cp - 0xE0000).casefold(), True
    out = []
    evasive = False
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if unicodedata.category(c) in ("Cf", "Cc", "Mn") and c not in "\n\t":
            evasive = True  # zero-width joiners, bidi marks, combining accents used as noise
            continue
        if c in _HOMOGLYPHS:
            c, evasive = _HOMOGLYPHS[c], True
        else:
            c = _T2S.get(c, c)
        out.append(" " if c.isspace() else c)
    return "".join(out), evasive


@dataclass(frozen=True, slots=True)
class Normalized:
    raw: str
    clean: str
    compact: str
    origin: tuple[int, ...]
    evasion: int  # how many evasion tricks were undone (invisible chars, homoglyphs, ...)


def normalize(text: str) -> Normalized:
    mapped = [_map_char(ch) for ch in text]
    evasion = sum(e for _, e in mapped)
    if all(len(m) == 1 for m, _ in mapped):  # the common case: one character each
        s = "".join(m for m, _ in mapped)
        idx = list(range(len(text)))
    else:
        s = "".join(m for m, _ in mapped)
        idx = [i for i, (m, _) in enumerate(mapped) for _ in m]
    clean = _SPACES.sub(" ", s).strip()
    compact, origin = _compact(_deleet(s), idx)
    return Normalized(text, clean, compact, tuple(origin), evasion)


def compact_key(term: str) -> str:
    """A lexicon key in the same compact form the text is matched in."""
    return normalize(term).compact


def deleeted(clean: str) -> str:
    """``clean`` with leetspeak mapped back (same length): for the classifiers, which
    read words, not the compact form."""
    return _deleet(clean)


def _deleet(s: str) -> str:
    """Map leetspeak back inside words that also have Latin letters (length-preserving)."""
    if not any(c in _LEET or c in _LEET_INNER for c in s):
        return s
    chars = list(s)
    leet_words = 0
    lone: list[re.Match[str]] = []
    for m in _WORDISH.finditer(s):
        word = m.group()
        if not _LATIN.search(word):
            if len(word) <= 2 and all(c in _LEET for c in word):
                lone.append(m)
            continue
        mapped = False
        for k, c in enumerate(word):
            inner = 0 < k < len(word) - 1 and word[k - 1].isalpha()
            if c in _LEET or (c in _LEET_INNER and inner):
                chars[m.start() + k] = _LEET.get(c) or _LEET_INNER[c]
                mapped = True
        leet_words += mapped
    # In text written in leetspeak, "4" and "1" standing alone are words too ("4 b0mb").
    if leet_words >= 2:
        for m in lone:
            for k, c in enumerate(m.group()):
                chars[m.start() + k] = _LEET[c]
    return "".join(chars)


def _compact(s: str, idx: list[int]) -> tuple[str, list[int]]:
    """Drop separators inside CJK runs and between spelled-out letters; squeeze repeats."""
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _SEP_RUN.finditer(s):
        a, b = m.span()
        parts.append(s[pos:a])
        origin.extend(idx[pos:a])
        if not _glue(s, a, b):
            parts.append(" ")
            origin.append(idx[a])
        pos = b
    parts.append(s[pos:])
    origin.extend(idx[pos:])
    t = "".join(parts)
    keep = [k for k in range(len(t)) if k == 0 or t[k] != t[k - 1]]
    if len(keep) == len(t):
        return t, origin
    return "".join(t[k] for k in keep), [origin[k] for k in keep]


def _glue(s: str, a: int, b: int) -> bool:
    """Is the separator run s[a:b] hiding a word: "傻 逼", "k i l l"?"""
    if a == 0 or b >= len(s):
        return False
    prev, nxt = s[a - 1], s[b]
    if _is_cjk(prev) and _is_cjk(nxt):
        return True
    return _lone_letter(s, a - 1) and _lone_letter(s, b)


def _lone_letter(s: str, k: int) -> bool:
    c = s[k]
    if not (c.isascii() and c.isalpha()):
        return False
    before = s[k - 1] if k > 0 else " "
    after = s[k + 1] if k + 1 < len(s) else " "
    return not before.isalnum() and not after.isalnum()


# One harmful sentence inside a long, ordinary post is lost in the post's mean embedding
# (a threat in the middle of 800 characters about a market scored 0.02): long texts are
# also read in windows of a few sentences, each scored like a text of its own.
LONG_TEXT = 200
MAX_WINDOWS = 32
_SENTENCE_END = re.compile(r"(?<=[。！？!?;；\n])|(?<=\.)\s")


def windows(clean: str) -> list[str]:
    """Runs of whole sentences, about 60 characters or more each, at most MAX_WINDOWS."""
    if len(clean) <= LONG_TEXT:
        return []
    target = max(60, len(clean) // MAX_WINDOWS + 1)
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(clean):
        # an unpunctuated run is cut where it must be
        for piece in [sentence[i : i + 2 * target] for i in range(0, len(sentence), 2 * target)]:
            current += piece
            if len(current.strip()) >= target:
                out.append(current.strip())
                current = ""
    if current.strip():
        out.append(current.strip())
    unique = list(dict.fromkeys(out))
    return unique[:MAX_WINDOWS] if len(out) > 1 else []
