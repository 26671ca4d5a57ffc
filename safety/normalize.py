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
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
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
# Pictures that stand for a harm's word ("how do I make a 💣 at home"): read as the word.
_EMOJI = {
    "💣": "bomb",
    "🧨": "explosive",
    "🔫": "gun",
    "🔪": "knife",
    "🗡": "knife",
    "💊": "pills",
    "🈚": "无",
    "💉": "syringe",
    "🧪": "chemicals",
    "☠": "poison",
    "🍆": "dick",
    "🍑": "ass",
}
# Only applied inside a word that also has letters: "h4ck" -> "hack", but "2024" stays.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_INNER = {"!": "i", "|": "l", "+": "t"}  # only between two letters
_ANY_LEET = re.compile("[" + re.escape("".join(_LEET) + "".join(_LEET_INNER)) + "]")
_SPACES = re.compile(r" {2,}")
_SEP_RUN = re.compile(r"[\W_]+")
_WORDISH = re.compile(r"[\w@$!|+]+")
_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=1 << 16)
def _map_char(ch: str) -> tuple[str, bool]:
    """The clean form of one raw character ('' when it should vanish), and whether
    undoing it was an evasion (an invisible character or a look-alike letter)."""
    cp = ord(ch)
    if 0xE0020 <= cp <= 0xE007E:
        # Unicode tag characters: invisible ASCII ("ASCII smuggling"); decode, don't drop.
        return chr(cp - 0xE0000).casefold(), True
    if ch in _EMOJI:
        return f" {_EMOJI[ch]} ", False
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


@dataclass(frozen=True)
class Normalized:
    raw: str
    clean: str
    compact: str
    evasion: int  # how many evasion tricks were undone (invisible chars, homoglyphs, ...)
    source: str = field(default="", repr=False)  # mapped and de-leeted, before compaction
    index: tuple[int, ...] | None = field(default=None, repr=False)  # None: one char each

    @cached_property
    def origin(self) -> tuple[int, ...]:
        """The raw offset of each ``compact`` character (worked out only when asked for)."""
        return _origin(self.source, self.compact, self.index)


def normalize(text: str) -> Normalized:
    if not text:
        return Normalized(text, "", "", 0)
    pieces, evasive = zip(*map(_map_char, text), strict=True)
    s = "".join(pieces)
    index = None
    if len(s) != len(text) or "" in pieces:  # not the common case of one character each
        index = tuple(i for i, m in enumerate(pieces) for _ in m)
    source = _deleet(s)
    clean = _SPACES.sub(" ", s).strip()
    return Normalized(text, clean, _compact_text(source), sum(evasive), source, index)


def compact_key(term: str) -> str:
    """A lexicon key in the same compact form the text is matched in."""
    return normalize(term).compact


def deleeted(clean: str) -> str:
    """``clean`` with leetspeak mapped back (same length): for the classifiers, which
    read words, not the compact form."""
    return _deleet(clean)


# Words people mask with asterisks ("f*ck", "tr*nnies", "n**ga"): a masked word that fits
# exactly one of these, letter for letter, is read as it (length-preserving).
_MASKABLE = frozenset(
    """fuck fucks fucked fucker fuckers fucking shit shits shitty bitch bitches cunt cunts whore
    whores slut sluts pussy dick dicks cock cocks nigger niggers nigga niggas fag fags faggot
    faggots tranny trannies retard retards retarded rape raped rapist rapists kike kikes chink
    chinks spic spics twat twats wanker bastard bastards asshole assholes penis porn nudes
    kill killed killing suicide""".split()
)
_MASKED = re.compile(r"(?<![\w*#])[a-z]*[*#]+[a-z*#]*(?![\w*#])")


def unmasked(s: str) -> str:
    """``s`` with masked words filled in ("f*ck" -> "fuck"), for every layer that reads words."""

    def fill(m: re.Match[str]) -> str:
        word = m.group()
        if sum(c.isalpha() for c in word) < 2:
            return word
        fits = re.compile(re.sub(r"[*#]", "[a-z]", word) + "$")
        found = [w for w in _MASKABLE if len(w) == len(word) and fits.match(w)]
        return found[0] if len(found) == 1 else word

    return _MASKED.sub(fill, s) if "*" in s or "#" in s else s


def _deleet(s: str) -> str:
    """Map leetspeak and masked letters back inside words (length-preserving)."""
    s = unmasked(s)
    if not _ANY_LEET.search(s):
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


_CJK_CLASS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_LONE = r"(?<![^\W_])[a-zA-Z](?![^\W_])"  # an ASCII letter with no letter or digit beside it
_GLUED = re.compile(rf"(?<=[{_CJK_CLASS}])[\W_]+(?=[{_CJK_CLASS}])|(?<={_LONE})[\W_]+(?={_LONE})")
_REPEAT = re.compile(r"(.)\1+", re.S)


def _compact_text(s: str) -> str:
    """Drop separators inside CJK runs and between spelled-out letters ("傻 逼", "k i l l"),
    turn other separator runs into one space, squeeze repeats: three regex passes, since the
    stream normalises every piece."""
    return _REPEAT.sub(r"\1", _SEP_RUN.sub(" ", _GLUED.sub("", s)))


def _origin(source: str, compact: str, index: tuple[int, ...] | None) -> tuple[int, ...]:
    """Where each ``compact`` character came from: walk ``source`` alongside it. A space
    stands for the separator run it replaced; anything else skipped on the way is a glued
    separator or a squeezed repeat."""
    out: list[int] = []
    j = 0
    for c in compact:
        if c == " ":
            while True:
                while source[j].isalnum():
                    j += 1
                glued = _GLUED.match(source, j)
                if glued is None:
                    break
                j = glued.end()
        else:
            while source[j] != c:
                j += 1
        out.append(j if index is None else index[j])
        j += 1
    return tuple(out)


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
