"""Finding lorebook keys in chat text, fast enough to run on every turn.

All literal keys of a book go into two Aho-Corasick automata built once:

* Latin keys (no CJK character) are found everywhere, then kept only on word
  boundaries, where "word" means letters/digits of space-separated scripts.
  A CJK character next to a Latin key counts as a boundary, so "Nazoza" fires
  in "在Nazoza镇".
* CJK keys are matched by leftmost-longest match over all keys at once: with
  keys 清心诀 and 清心, "他运起清心诀" yields only 清心诀. Word boundaries mean
  nothing in unsegmented text, which is why SillyTavern's "whole words" fails
  on Chinese.

Matching is case-insensitive on a folded copy of the text; case-sensitive keys
are re-checked against the original characters at the same offsets.

Regex keys (``/pattern/flags``, or ``use_regex`` keys containing regex syntax)
are searched one by one over a capped tail of the text. Python's ``re`` has no
timeout, so patterns with nested or many unbounded quantifiers are refused:
a guard against catastrophic backtracking, not a proof.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick

from characters.lore import SLASH_REGEX, LoreEntry

MAX_REGEX_SCAN_CHARS = 8_000
MAX_PATTERN_CHARS = 500
MAX_UNBOUNDED = 3

_CJK = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_REGEX_SYNTAX = re.compile(r"[.^$*+?{}\[\]\\|()]")
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")
_UNBOUNDED = re.compile(r"(?<!\\)[*+]|\{\d+,\}")
_JS_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "g": 0, "u": 0, "y": 0}


@dataclass(frozen=True, slots=True)
class KeyRef:
    """One searchable form of one key of one entry (aliases add more forms)."""

    entry: int  # index in book.entries
    secondary: bool
    slot: int  # index of the key in keys / secondary_keys
    key: str  # the text searched for: the key itself or an alias of it
    case_sensitive: bool


@dataclass(frozen=True, slots=True)
class _Literal:
    ident: int
    length: int
    refs: tuple[KeyRef, ...]
    check_start: bool
    check_end: bool


class BadRegex(ValueError):
    pass


def fold(text: str) -> str:
    """Lower-case without changing length, so offsets in the fold are offsets in the text."""
    low = text.lower()
    if len(low) == len(text):  # lower() only ever lengthens (e.g. "İ"); equal means aligned
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def is_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _wordish(ch: str) -> bool:
    return (ch.isalnum() or ch == "_") and _CJK.match(ch) is None


def alias_groups(aliases: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Folded name -> every name of the same person (the canonical one first)."""
    groups: dict[str, tuple[str, ...]] = {}
    for canonical, names in aliases.items():
        group = tuple(dict.fromkeys(n.strip() for n in (canonical, *names) if n.strip()))
        for name in group:
            groups[fold(name)] = tuple(dict.fromkeys((*groups.get(fold(name), ()), *group)))
    return groups


def compile_key(pattern: str, flags: str) -> re.Pattern[str]:
    """Compile a JavaScript-style regex key, refusing patterns that could hang a turn."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise BadRegex(f"pattern is longer than {MAX_PATTERN_CHARS} characters")
    if _NESTED_QUANTIFIER.search(pattern) or len(_UNBOUNDED.findall(pattern)) > MAX_UNBOUNDED:
        raise BadRegex("nested or repeated unbounded quantifiers could take exponential time")
    bits = 0
    for flag in flags:
        if flag not in _JS_FLAGS:
            raise BadRegex(f"unknown flag {flag!r}")
        bits |= _JS_FLAGS[flag]
    # JavaScript spells named groups (?<name>...); Python wants (?P<name>...).
    pattern = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)
    pattern = re.sub(r"\\k<([A-Za-z_]\w*)>", r"(?P=\1)", pattern)
    try:
        return re.compile(pattern, bits)
    except re.error as exc:
        raise BadRegex(str(exc)) from None


def _regex_of(key: str, entry: LoreEntry) -> re.Pattern[str] | None:
    slash = SLASH_REGEX.match(key)
    if slash:
        pattern, flags = slash.group(1), slash.group(2)
        if re.search(r"(?:^|[^\\])/", pattern):
            raise BadRegex("unescaped '/' inside /pattern/")
        return compile_key(pattern.replace("\\/", "/"), flags)
    # SillyTavern marks every exported entry use_regex; a key without regex
    # syntax is the same pattern as the plain key, so keep word/CJK handling.
    if entry.use_regex and _REGEX_SYNTAX.search(key):
        return compile_key(key, "" if entry.case_sensitive else "i")
    return None


class KeyMatcher:
    """Every key of a book, ready to scan. Build once per book (see ``Lorebook.memo``)."""

    def __init__(self, entries: Sequence[LoreEntry], groups: Mapping[str, tuple[str, ...]]) -> None:
        self.entries = tuple(entries)  # holds the objects so cache keys by id() stay valid
        self.invalid: dict[int, str] = {}
        self.secondary_count: dict[int, int] = {}
        self._regexes: list[tuple[re.Pattern[str], KeyRef]] = []
        latin: dict[str, list[KeyRef]] = defaultdict(list)
        cjk: dict[str, list[KeyRef]] = defaultdict(list)
        for index, entry in enumerate(self.entries):
            if not entry.enabled or entry.constant:
                continue
            try:
                regexes, literals = self._entry_keys(index, entry, groups)
            except BadRegex as exc:
                self.invalid[index] = str(exc)
                continue
            self._regexes.extend(regexes)
            for ref in literals:
                (cjk if is_cjk(ref.key) else latin)[fold(ref.key)].append(ref)
        self._latin = _automaton(latin, boundaries=True)
        self._cjk = _automaton(cjk, boundaries=False)

    def _entry_keys(
        self, index: int, entry: LoreEntry, groups: Mapping[str, tuple[str, ...]]
    ) -> tuple[list[tuple[re.Pattern[str], KeyRef]], list[KeyRef]]:
        regexes: list[tuple[re.Pattern[str], KeyRef]] = []
        literals: list[KeyRef] = []
        case_sensitive = entry.case_sensitive is True
        secondary_keys = entry.secondary_keys if entry.selective else []
        for secondary, keys in ((False, entry.keys), (True, secondary_keys)):
            for slot, raw in enumerate(keys):
                key = raw.strip()
                if not key:
                    continue  # an empty key would match everything
                if secondary:
                    self.secondary_count[index] = self.secondary_count.get(index, 0) + 1
                pattern = _regex_of(key, entry)
                if pattern is not None:
                    regexes.append((pattern, KeyRef(index, secondary, slot, key, False)))
                    continue
                for form in groups.get(fold(key), (key,)):
                    literals.append(KeyRef(index, secondary, slot, form, case_sensitive))
        return regexes, literals

    def scan(self, text: str) -> set[KeyRef]:
        found: set[KeyRef] = set()
        folded = fold(text)
        if self._latin is not None:
            done: set[int] = set()
            for start, lit in _hits(self._latin.iter(folded), done):
                if _on_boundaries(folded, start, lit):
                    _collect(found, done, text, start, lit)
        if self._cjk is not None:
            done = set()
            for start, lit in _hits(self._cjk.iter_long(folded), done):
                _collect(found, done, text, start, lit)
        tail = text[-MAX_REGEX_SCAN_CHARS:]
        for pattern, ref in self._regexes:
            if pattern.search(tail):
                found.add(ref)
        return found


def _automaton(keys: dict[str, list[KeyRef]], *, boundaries: bool) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for ident, (folded, refs) in enumerate(keys.items()):
        check = boundaries and _wordish(folded[0]), boundaries and _wordish(folded[-1])
        automaton.add_word(folded, _Literal(ident, len(folded), tuple(refs), *check))
    automaton.make_automaton()
    return automaton


def _hits(
    matches: Iterator[tuple[int, _Literal]], done: set[int]
) -> Iterator[tuple[int, _Literal]]:
    for end, lit in matches:
        if lit.ident not in done:
            yield end - lit.length + 1, lit


def _on_boundaries(folded: str, start: int, lit: _Literal) -> bool:
    end = start + lit.length
    if lit.check_start and start > 0 and _wordish(folded[start - 1]):
        return False
    return not (lit.check_end and end < len(folded) and _wordish(folded[end]))


def _collect(found: set[KeyRef], done: set[int], text: str, start: int, lit: _Literal) -> None:
    exact = text[start : start + lit.length]
    pending = False
    for ref in lit.refs:
        if ref in found:
            continue
        if ref.case_sensitive and exact != ref.key:
            pending = True  # another occurrence may have the right case
            continue
        found.add(ref)
    if not pending:
        done.add(lit.ident)
