"""The canon backend's per-card index, and how a reader's message is scored against it.

Three signals are combined per line, each normalised over the card's lines for the
request at hand (e5 cosines are compressed, ~0.85 for unrelated pairs, so only their
rank within one request means anything):

- *context*: query-to-query similarity between the reader's message and what was said
  to the character just before the line ("which line answered a message like this?");
  this is the strongest signal when the source gives a context;
- *line*: query-to-passage similarity between the message and the line itself, which
  also stands in for the context of lines that have none;
- *lexical*: idf-weighted overlap of words (English) and character bigrams (Chinese),
  which rescues names and rare words the small model blurs.

Then conversation priors: lines already said are pushed down, card greetings are
preferred only at the start or when the reader greets, and the line that follows the
last one said (same chapter of the novel) gets a small nudge for continuity.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from memory.embeddings import Embedder, Vectors
from roleplay.llm.base import CanonLine

Scores = npt.NDArray[np.float64]
_Encode = Callable[[Sequence[str]], Awaitable[Vectors]]
Mask = npt.NDArray[np.bool_]

# Embedding in slices lets other cards' queries take the embedder's lock in between.
EMBED_BATCH = 64

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NOT_TEXT = re.compile(r"[\W_]+")
_USER_MACRO = re.compile(r"\{\{\s*user\s*\}\}|<user>", re.IGNORECASE)
_CHAR_MACRO = re.compile(r"\{\{\s*char\s*\}\}|<bot>", re.IGNORECASE)
_ANY_MACRO = re.compile(f"{_USER_MACRO.pattern}|{_CHAR_MACRO.pattern}", re.IGNORECASE)
_STOP = frozenset(
    "the and you your yours are was were has have had for with that this what who whom "
    "why how when where which can could would should will shall not but all any its it's "
    "i'm i've you're don't does did our ours their them they she her him his there here "
    "from into about just some than then too very been being also".split()
)
_GREETINGS_ZH = ("你好", "您好", "嗨", "哈喽", "早上好", "早安", "晚上好", "下午好", "幸会", "久仰")
_GREETINGS_EN = frozenset("hello hi hey hiya howdy greetings morning evening afternoon".split())


@dataclass(frozen=True, slots=True)
class Weights:
    """How the signals add up, in z-score units. Tuned with ``bench/canon_pick.py``."""

    context: float = 1.0
    line: float = 0.5
    lexical: float = 1.0
    already_said: float = -4.0
    greeting_wanted: float = 0.5
    greeting_unwanted: float = -1.5
    follows_last: float = 0.3


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Turn:
    """What the scorer needs to know about the conversation so far."""

    text: str
    vector: Vectors | None
    said: frozenset[int] = frozenset()
    last_said: int | None = None
    greeting_wanted: bool = False


@dataclass(frozen=True, slots=True)
class CanonIndex:
    lines: tuple[CanonLine, ...]
    line_vecs: Vectors
    context_vecs: Vectors
    has_context: Mask
    greeting: Mask
    postings: dict[str, npt.NDArray[np.intp]]
    idf: dict[str, float]
    fragments: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.lines)

    def score(self, turn: Turn, weights: Weights = DEFAULT_WEIGHTS) -> Scores:
        total = np.zeros(len(self), dtype=np.float64)
        if turn.vector is not None and len(self):
            z_line = _zscore(self.line_vecs @ turn.vector)
            z_context = z_line
            if int(self.has_context.sum()) >= 2:
                raw = (self.context_vecs @ turn.vector).astype(np.float64)
                z_context = np.where(self.has_context, _zscore(raw, self.has_context), z_line)
            total += weights.context * z_context + weights.line * z_line
        total += weights.lexical * self.lexical(turn.text)
        if turn.said:
            total[list(turn.said)] += weights.already_said
        bias = weights.greeting_wanted if turn.greeting_wanted else weights.greeting_unwanted
        total[self.greeting] += bias
        follower = self._follower(turn.last_said)
        if follower is not None:
            total[follower] += weights.follows_last
        return total

    def lexical(self, text: str) -> Scores:
        """Share of the message's idf mass found in each line or its context, 0..1."""
        out = np.zeros(len(self), dtype=np.float64)
        query = terms(text)
        rare = math.log(1 + len(self))
        mass = sum(self.idf.get(t, rare) for t in query)
        if not mass:
            return out
        for term in query:
            hits = self.postings.get(term)
            if hits is not None:
                out[hits] += self.idf[term]
        return out / mass

    def said_lines(self, replies: Sequence[str]) -> list[int]:
        """Lines found in the character's earlier replies, in the order of those replies."""
        found: dict[int, None] = {}
        for reply in replies:
            flat = _flatten(reply)
            for i, parts in enumerate(self.fragments):
                if i not in found and _contains(flat, parts):
                    found[i] = None
        return list(found)

    def _follower(self, last: int | None) -> int | None:
        if last is None or last + 1 >= len(self):
            return None
        chapter = self.lines[last].chapter
        if chapter is None or self.lines[last + 1].chapter != chapter:
            return None
        return last + 1


async def build_index(lines: Sequence[CanonLine], char_name: str, embedder: Embedder) -> CanonIndex:
    """Embeds every line (as a passage) and every known context (as a query)."""
    kept = tuple(lines)
    texts = [fill_user(line.text, you_for(line.text), char_name) for line in kept]
    has_context = np.array([bool(line.context.strip()) for line in kept], dtype=np.bool_)
    contexts = [fill_user(line.context, you_for(line.context), char_name) for line in kept]
    line_vecs = await _embed(embedder.passage, texts, embedder.dim)
    context_vecs = np.zeros((len(kept), embedder.dim), dtype=np.float32)
    with_context = np.flatnonzero(has_context)
    if with_context.size:
        wanted = [contexts[i] for i in with_context]
        context_vecs[with_context] = await _embed(embedder.query, wanted, embedder.dim)
    docs = [terms(t) | terms(c) for t, c in zip(texts, contexts, strict=True)]
    postings, idf = _inverted(docs)
    return CanonIndex(
        lines=kept,
        line_vecs=line_vecs,
        context_vecs=context_vecs,
        has_context=has_context,
        greeting=np.array([is_greeting_line(line) for line in kept], dtype=np.bool_),
        postings=postings,
        idf=idf,
        fragments=tuple(_fragments(line.text) for line in kept),
    )


def fill_user(text: str, user_name: str, char_name: str) -> str:
    """Fills the card macros ``{{user}}``/``<USER>`` and ``{{char}}``/``<BOT>``."""
    text = _USER_MACRO.sub(lambda _: user_name, text)
    return _CHAR_MACRO.sub(lambda _: char_name, text) if char_name else text


def you_for(text: str) -> str:
    """What to call a reader whose name we do not know, in the script of ``text``."""
    return "你" if is_chinese(text) else "you"


def is_chinese(text: str) -> bool:
    cjk = sum(1 for ch in text if _CJK_RUN.match(ch))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return cjk > 0 and cjk >= latin / 4


def is_greeting_line(line: CanonLine) -> bool:
    """Card greetings come without a context or a chapter; novel lines always have a chapter."""
    return not line.context.strip() and line.chapter is None


def is_greeting(text: str) -> bool:
    """Whether the reader's message opens with a greeting ("你好", "hello there", ...)."""
    head = text.strip().lower()
    if head.startswith(_GREETINGS_ZH):
        return True
    words = _WORD.findall(head)[:2]
    if words and words[0] == "good":
        words = words[1:]
    return bool(words) and words[0] in _GREETINGS_EN


def terms(text: str) -> set[str]:
    """Character bigrams of Chinese runs (the run itself when it is one character), and
    English content words, lightly stemmed."""
    text = text.lower()
    out: set[str] = set()
    for run in _CJK_RUN.findall(text):
        out.update(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    for word in _WORD.findall(_CJK_RUN.sub(" ", text)):
        if len(word) > 2 and word not in _STOP:
            out.add(_stem(word))
    return out


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    for suffix, repl, min_len in (("ies", "y", 5), ("ing", "", 6), ("ed", "", 5), ("s", "", 4)):
        if len(word) >= min_len and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def _inverted(docs: Sequence[set[str]]) -> tuple[dict[str, npt.NDArray[np.intp]], dict[str, float]]:
    lists: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        for term in doc:
            lists.setdefault(term, []).append(i)
    n = len(docs)
    postings = {t: np.array(ids, dtype=np.intp) for t, ids in lists.items()}
    idf = {t: math.log(1 + n / len(ids)) for t, ids in lists.items()}
    return postings, idf


async def _embed(encode: _Encode, texts: Sequence[str], dim: int) -> Vectors:
    parts = [await encode(texts[i : i + EMBED_BATCH]) for i in range(0, len(texts), EMBED_BATCH)]
    if not parts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.concatenate(parts).astype(np.float32, copy=False)


def _zscore(raw: npt.NDArray[np.floating], mask: Mask | None = None) -> Scores:
    values: Scores = raw.astype(np.float64)
    sample = values if mask is None else values[mask]
    std = float(sample.std()) if sample.size else 0.0
    if std < 1e-9:
        return np.zeros_like(values)
    out: Scores = (values - float(sample.mean())) / std
    return out


def _flatten(text: str) -> str:
    return _NOT_TEXT.sub("", text.lower())


def _fragments(text: str) -> tuple[str, ...]:
    return tuple(f for f in (_flatten(p) for p in _ANY_MACRO.split(text)) if f)


def _contains(flat_reply: str, parts: Iterable[str]) -> bool:
    parts = tuple(parts)
    if not parts:
        return False
    if sum(len(p) for p in parts) < 4:
        # a line like "嗯。" is inside almost every reply: only count it when it opens one
        return flat_reply.startswith(parts[0])
    return all(p in flat_reply for p in parts)
