"""Lorebook activation: which entries the recent conversation brings into the prompt.

``activate`` is called on every turn. The key matcher is built once per book
and alias set and cached on the book (``Lorebook.memo``), so a turn costs one
pass of two Aho-Corasick automata over a few KB of text plus the book's regex
keys. Nothing is dropped silently: entries cut by the token budget and entries
skipped for a broken regex are both listed in ``Activation.dropped``.

Deliberately not implemented from SillyTavern: probability, groups,
sticky/cooldown/delay and per-entry scan depth (kept in ``extensions``,
ignored here), so that activation is deterministic for a given conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from characters.lore import Lorebook, LoreEntry, export_entry, export_lorebook
from characters.lorematch import KeyMatcher, KeyRef, alias_groups

__all__ = [
    "Activation",
    "Dropped",
    "LoreEntry",
    "Lorebook",
    "activate",
    "export_entry",
    "export_lorebook",
]

DEFAULT_SCAN_DEPTH = 4
MAX_RECURSION_PASSES = 3
MAX_SCAN_CHARS = 100_000
_POSITION_RANK = {None: 0, "before_char": 0, "after_char": 1}
_NO_ALIASES: Mapping[str, Sequence[str]] = {}


@dataclass(frozen=True, slots=True)
class Dropped:
    """An entry that fired (or could not be checked) but is not in the prompt, and why."""

    entry: LoreEntry
    reason: Literal["budget", "invalid regex"]
    detail: str = ""


@dataclass(slots=True)
class Activation:
    entries: list[LoreEntry] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    # entry.id (or the entry's index in book.entries when it has none) -> the key
    # or alias found in the text; "" for constant entries.
    matched_keys: dict[int | str, str] = field(default_factory=dict)


def activate(
    book: Lorebook,
    recent_messages: Sequence[str],
    *,
    count_tokens: Callable[[str], int],
    budget_tokens: int | None = None,
    aliases: Mapping[str, Sequence[str]] = _NO_ALIASES,
) -> Activation:
    """Entries triggered by the last ``book.scan_depth`` messages, within the token budget.

    ``aliases`` maps a canonical name to its other names; a key equal to any
    name of a group matches every name of it. Output is in prompt order
    (insertion_order, then position); budget decisions go by priority.
    """
    matcher = _matcher_for(book, aliases)
    depth = DEFAULT_SCAN_DEPTH if book.scan_depth is None else max(book.scan_depth, 0)
    window = recent_messages[-depth:] if depth else []
    scan = _Scan(matcher)
    scan.feed("\n".join(window)[-MAX_SCAN_CHARS:], recursive=False)
    if book.recursive_scanning:
        scan.recurse()
    result = Activation(
        dropped=[
            Dropped(book.entries[i], "invalid regex", why) for i, why in matcher.invalid.items()
        ]
    )
    for index, key in scan.active.items():
        entry = book.entries[index]
        result.matched_keys.setdefault(entry.id if entry.id is not None else index, key)
    budget = budget_tokens if budget_tokens is not None else book.token_budget
    kept = _fit_budget(book.entries, list(scan.active), budget, count_tokens, result)
    kept.sort(key=lambda i: _prompt_order(book.entries[i], i))
    result.entries = [book.entries[i] for i in kept]
    return result


def _matcher_for(book: Lorebook, aliases: Mapping[str, Sequence[str]]) -> KeyMatcher:
    alias_key = tuple(sorted((name, tuple(names)) for name, names in aliases.items()))
    # id() of each entry object: the cached matcher keeps those objects alive,
    # so an id cannot be reused by a different entry while the cache holds it.
    cache_key = ("matcher", alias_key, tuple(map(id, book.entries)))
    return book.memo(cache_key, lambda: KeyMatcher(book.entries, alias_groups(aliases)), KeyMatcher)


class _Scan:
    """Accumulates key hits over the initial scan and the recursive passes."""

    def __init__(self, matcher: KeyMatcher) -> None:
        self._m = matcher
        self.primary: dict[int, str] = {}
        self.secondary: dict[int, set[int]] = {}
        self.active: dict[int, str] = {
            i: "" for i, e in enumerate(matcher.entries) if e.enabled and e.constant
        }
        self._fresh = list(self.active)

    def feed(self, text: str, *, recursive: bool) -> list[int]:
        if text:
            for ref in sorted(self._m.scan(text), key=_ref_order):
                entry = self._m.entries[ref.entry]
                if recursive and entry.flag("exclude_recursion", "excludeRecursion"):
                    continue
                if ref.secondary:
                    self.secondary.setdefault(ref.entry, set()).add(ref.slot)
                else:
                    self.primary.setdefault(ref.entry, ref.key)
        fresh = [i for i in self.primary if i not in self.active and self._selective_ok(i)]
        for index in fresh:
            self.active[index] = self.primary[index]
        self._fresh += fresh
        return fresh

    def recurse(self) -> None:
        """Let activated entries' content trigger more entries, at most a few passes deep."""
        for _ in range(MAX_RECURSION_PASSES):
            entries = [self._m.entries[i] for i in self._fresh]
            self._fresh = []
            text = "\n".join(
                e.body for e in entries if not e.flag("prevent_recursion", "preventRecursion")
            )
            if not self.feed(text[-MAX_SCAN_CHARS:], recursive=True):
                return

    def _selective_ok(self, index: int) -> bool:
        """SillyTavern's selective logic over the secondary keys seen so far."""
        entry = self._m.entries[index]
        total = self._m.secondary_count.get(index, 0)
        if not entry.selective or total == 0:
            return True
        found = len(self.secondary.get(index, ()))
        match entry.selective_logic:
            case "and_any":
                return found > 0
            case "and_all":
                return found == total
            case "not_any":
                return found == 0
            case "not_all":
                return found < total


def _ref_order(ref: KeyRef) -> tuple[int, int, int]:
    return ref.entry, ref.secondary, ref.slot


def _fit_budget(
    entries: Sequence[LoreEntry],
    active: list[int],
    budget: int | None,
    count_tokens: Callable[[str], int],
    result: Activation,
) -> list[int]:
    """Greedy by priority: an entry that does not fit is recorded and skipped, and a
    smaller lower-priority entry may still use the room left."""
    ranked = sorted(
        active, key=lambda i: (-(entries[i].priority or 0), entries[i].insertion_order, i)
    )
    if budget is None:
        return ranked
    kept: list[int] = []
    used = 0
    for index in ranked:
        cost = count_tokens(entries[index].body)
        if used + cost > budget:
            detail = f"needs {cost} tokens, {max(budget - used, 0)} of {budget} left"
            result.dropped.append(Dropped(entries[index], "budget", detail))
            continue
        used += cost
        kept.append(index)
    return kept


def _prompt_order(entry: LoreEntry, index: int) -> tuple[int, int, int]:
    return entry.insertion_order, _POSITION_RANK[entry.position], index
