"""Undoing the ways a request is hidden from the screens: encodings (base64, hex, binary,
Morse, percent and character references; Caesar and Atbash ciphers when announced),
spelled-out or hyphenated letters, and payload splitting (quoted fragments glued with
``+``, pieces separated by slashes, ``a = "..."`` assignments, masked letters).

Every decoder is structural: it fires on the shape of the text, never on a word list,
and what it reveals is screened like any other text. A revealed text that says
nothing bad costs nothing; one that does is an attack on the screens themselves.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import urllib.parse
from collections.abc import Collection

_B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[ :]?){10,}\b")
_SPELLED = re.compile(r"(?:\b\w\b ){5,}\b\w\b")
_HYPHENED = re.compile(r"\b(?:\w-){2,}\w\b")
_SPACED_CJK = re.compile(r"(?:[\u4e00-\u9fff][ ,，.。·*_\-]+){4,}[\u4e00-\u9fff]")
# "ho" + "w to" + " poi" + "son": quoted pieces joined by plus signs.
_PLUSSED = re.compile(r"(?:[\"“'][^\"”'\n]{1,30}[\"”']\s*\+\s*)+[\"“'][^\"”'\n]{1,30}[\"”']")
# “制”“作”“炸”“药”: three or more short quoted pieces in a row.
_QUOTED_RUN = re.compile(r"(?:[\"“「'][^\"”」'\n]{1,12}[\"”」'][\s、，,+]*){3,}")
_QUOTED = re.compile(r"[\"“「'][^\"”」'\n]{1,30}[\"”」']")
# "how to" / "disable" / "a smoke": three or more short pieces separated by slashes.
_SLASHED = re.compile(r"(?:[\"“]?[^/\n\"”]{1,25}[\"”]?\s/\s){2,}[\"“]?[^/\n\"”]{1,25}[\"”]?")
# a = "how to", b = make a bomb: names bound to pieces, used later in the text.
_ASSIGN = re.compile(
    r"(?<![\w=])(\w{1,3}|[^\w\s=]{1,2})\s*=\s*[\"“]?([^\"”=,;\n]{2,40}?)[\"”]?"
    r"(?=[,;\n.]|\s+\w{1,3}\s*=|$)"
)
# m_ke, p*pe: a letter masked inside a word.
_MASKED = re.compile(r"\b[a-z]+[_*][a-z_*]*\b|\b[_*][a-z]+\b")


def blobs(raw: str) -> list[str]:
    """Readable text hidden in base64, hex, binary, Morse, percent or character-reference
    blocks: shapes no ordinary message has."""
    found = [_morse(raw), _binary(raw), *_escaped_runs(raw)]
    out = [t for t in found if t and readable(t)]
    for m in _B64.finditer(raw):
        text = _b64(m.group(0))
        if text:
            out.append(text)
    for m in _HEX.finditer(raw):
        try:
            text = bytes.fromhex(re.sub(r"[ :]", "", m.group(0))).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if readable(text):
            out.append(text)
    return out


_MORSE = re.compile(r"(?:[.\-·–—]{1,7}[ /|]+){7,}[.\-·–—]{1,7}")
_MORSE_CODE = dict(
    zip(
        ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- ...- "
        ".-- -..- -.-- --.. ----- .---- ..--- ...-- ....- ..... -.... --... ---.. ----.".split(),
        "abcdefghijklmnopqrstuvwxyz0123456789",
        strict=True,
    )
)
_BINARY = re.compile(r"(?:\b[01]{8}\b[ ,]*){6,}")
_ESCAPE = r"(?:%[0-9A-Fa-f]{2}|&#x?[0-9A-Fa-f]+;|\\u[0-9A-Fa-f]{4})"
_ESCAPE_RUN = re.compile(rf"{_ESCAPE}(?:[ .,]?{_ESCAPE}){{5,}}")


def _morse(raw: str) -> str | None:
    m = _MORSE.search(raw)
    if m is None:
        return None
    code = m.group(0).translate(str.maketrans("·–—|", ".--/"))
    words = re.split(r"\s*/\s*|\s{3,}", code.strip())
    return " ".join("".join(_MORSE_CODE.get(c, "?") for c in w.split()) for w in words)


def _binary(raw: str) -> str | None:
    m = _BINARY.search(raw)
    if m is None:
        return None
    try:
        return bytes(int(b, 2) for b in re.findall(r"[01]{8}", m.group(0))).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def unescaped(raw: str) -> str | None:
    """``raw`` with its runs of six or more escapes (%68%6F%77, &#104;&#111;, \\u0068)
    undone; None if it has none."""
    if not _ESCAPE_RUN.search(raw):
        return None
    return _ESCAPE_RUN.sub(lambda m: _unescape(m.group(0)), raw)


def _escaped_runs(raw: str) -> list[str]:
    return [_unescape(m.group(0)) for m in _ESCAPE_RUN.finditer(raw)]


def _unescape(run: str) -> str:
    text = html.unescape(urllib.parse.unquote(run))
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda u: chr(int(u.group(1), 16)), text)


def shifted(clean: str) -> list[str]:
    """Caesar shifts and Atbash of a text that says it is enciphered: the reading that
    turns the most words into English function words, if at least two (the plain-text
    instructions around the cipher lose theirs, so only the gain counts). A wrong
    reading costs nothing: it is gibberish to every screen."""
    abc = "abcdefghijklmnopqrstuvwxyz"
    tables = [str.maketrans(abc, abc[k:] + abc[:k]) for k in range(1, 26)]
    tables.append(str.maketrans(abc, abc[::-1]))
    words = re.findall(r"[a-z']+", clean.casefold())

    def gain(table: dict[int, int]) -> int:
        return sum(
            w not in _FUNCTION_WORDS and w.translate(table) in _FUNCTION_WORDS for w in words
        )

    best = max(tables, key=gain)
    return [clean.translate(best)] if gain(best) >= 2 else []


def despaced(raw: str, clean: str) -> list[str]:
    """Letters spelled out with spaces ("i g n o r e   y o u r"): words are the runs
    between wider gaps. The lexicon copes with this on its own; the patterns need words."""
    out = []
    if _SPELLED.search(clean):
        words = [w.replace(" ", "") for w in re.split(r"\s{2,}|\s*[/|]\s*", raw.strip())]
        out.append(" ".join(w for w in words if w).casefold())
    if len(_HYPHENED.findall(clean)) >= 2:  # "h-o-w t-o m-a-k-e"
        out.append(_HYPHENED.sub(lambda m: m.group(0).replace("-", ""), clean))
    if _SPACED_CJK.search(clean):
        out.append(re.sub(r"(?<=[\u4e00-\u9fff])[ ,，.。·*_\-]+(?=[\u4e00-\u9fff])", "", clean))
    return out


def split_payloads(clean: str, vocab: Collection[str] = ()) -> list[str]:
    """The request a payload-splitting text asks to be put back together. Each result is
    the whole text with the pieces joined, so the instruction around them still reads."""
    out: list[str] = []
    # Cheap gates first: this runs on every reader message and the regexes backtrack.
    if "+" in clean:
        out += _joined(_PLUSSED, clean, " ")
    if sum(clean.count(q) for q in "\"“”「」'") >= 6:
        out += _joined(_QUOTED_RUN, clean, "")
    if clean.count(" / ") >= 2:
        for m in _SLASHED.finditer(clean):
            joined = re.sub(r"[\"“”]?\s/\s[\"“”]?", " ", m.group(0)).strip('"“” ')
            out.append(clean[: m.start()] + joined + clean[m.end() :])
    assigned = _substitute(clean) if clean.count("=") >= 2 else ""
    if assigned:
        out.append(assigned)
    unmasked = unmask(clean, vocab) if vocab and ("_" in clean or "*" in clean) else ""
    if unmasked:
        out.append(unmasked)
    return out


def _joined(pattern: re.Pattern[str], clean: str, pad: str) -> list[str]:
    out = []
    for m in pattern.finditer(clean):
        joined = "".join(q[1:-1] for q in _QUOTED.findall(m.group(0)))
        out.append(clean[: m.start()] + pad + joined + pad + clean[m.end() :])
    return out


def _substitute(clean: str) -> str:
    """Replace names bound by two or more ``x = piece`` assignments where they are used."""
    pairs = [(m.group(1), m.group(2).strip()) for m in _ASSIGN.finditer(clean)]
    names = {k: v for k, v in pairs if v}
    if len(names) < 2:
        return ""
    body = _ASSIGN.sub(" ", clean)
    keys = sorted(names, key=len, reverse=True)
    pattern = re.compile("|".join(_token(k) for k in keys))
    replaced = pattern.sub(lambda m: " " + names[m.group(0)] + " ", body)
    return re.sub(r"\s+", " ", replaced).strip() if replaced != body else ""


def _token(name: str) -> str:
    escaped = re.escape(name)
    return rf"(?<!\w){escaped}(?!\w)" if name[0].isalnum() else escaped


def unmask(clean: str, vocab: Collection[str]) -> str:
    """Fill masked letters ("m_ke a p_pe b_mb") from the words the screens know, when
    exactly one vowel fits; '' when nothing was masked or nothing could be filled."""
    filled = 0

    def fill(m: re.Match[str]) -> str:
        nonlocal filled
        word = m.group(0)
        if len(word) < 3 or word.count("_") + word.count("*") > 2:
            return word
        fits = {w for w in _fillings(word) if w in vocab}
        if len(fits) != 1:
            return word
        filled += 1
        return fits.pop()

    out = _MASKED.sub(fill, clean)
    return out if filled >= 2 else ""


def _fillings(word: str) -> set[str]:
    words = {""}
    for ch in word:
        letters = "aeiouy" if ch in "_*" else ch
        words = {w + c for w in words for c in letters}
    return words


def _b64(chunk: str) -> str | None:
    try:
        data = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return text if readable(text) else None


def readable(text: str) -> bool:
    if len(text) < 6:
        return False
    ok = sum(c.isalnum() or c.isspace() or c in ".,!?'\"-:;" for c in text)
    return ok / len(text) > 0.85 and any(c.isspace() for c in text) or _mostly_cjk(text)


def _mostly_cjk(text: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in text) / len(text) > 0.5


_FUNCTION_WORDS = frozenset(
    "a an the to of and or in on for with how what where why who is are was can do does i "
    "you your me my it this that be make get".split()
)


def wordiness(text: str) -> float:
    """Share of English function words: reversed or ROT13 text that reads better decoded
    than as written was probably written encoded."""
    words = re.findall(r"[a-z']+", text.casefold())
    return sum(w in _FUNCTION_WORDS for w in words) / len(words) if words else 0.0
