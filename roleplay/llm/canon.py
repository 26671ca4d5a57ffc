"""The ``canon`` backend: the offline default, which answers only with the character's own lines.

With no language-model endpoint configured, the character still speaks, but only
words it really says (card greetings, example dialogue, lines extracted from the
novel), picked by how well they answer the reader's last message; see
``canon_index`` for the scoring. It never writes a new sentence, so it cannot drift
out of character or say anything the source does not.

``{{user}}`` in a chosen line becomes ``LLMRequest.user_name`` (or "你"/"you" by the
line's script when the request has none) and ``{{char}}`` the character's name. Lines
are indexed with their macros, so one index serves every reader of a card.

``temperature`` is ignored: the same message gets the same line, and it is the
already-said penalty that moves a conversation on instead of chance.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import numpy as np

from memory.embeddings import Embedder, Vectors
from roleplay.errors import LLMError
from roleplay.llm.base import CanonLine, CharacterRef, ChatMessage, LLMChunk, LLMRequest, Usage
from roleplay.llm.canon_index import (
    DEFAULT_WEIGHTS,
    CanonIndex,
    Turn,
    Weights,
    build_index,
    fill_user,
    is_chinese,
    is_greeting,
    you_for,
)
from roleplay.llm.scripted import split_tokens

__all__ = ["CanonBackend", "fill_user"]

NO_LINES_ZH = "（这个角色还没有台词。）"
NO_LINES_EN = "(This character has no lines yet.)"
# A reply shorter than this ("嗯。", "No.") is joined by the runner-up when it scores close.
SHORT_LINE = 6
PAIR_MARGIN = 1.0
# A message this short ("为什么？", "And then?") borrows meaning from the reader's previous one.
SHORT_MESSAGE = 8
PREVIOUS_WEIGHT = 0.35


@dataclass(frozen=True, slots=True)
class _Entry:
    key: tuple[str, int]
    build: asyncio.Task[CanonIndex]


@dataclass(frozen=True, slots=True)
class _Pick:
    text: str
    indices: tuple[int, ...]
    score: float


class CanonBackend:
    """Speaks the character's own lines. ``chunk_delay_s`` paces the stream for the UI."""

    name = "canon"

    def __init__(
        self,
        embedder: Embedder,
        *,
        chunk_delay_s: float = 0.0,
        max_cards: int = 64,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> None:
        self._embedder = embedder
        self._chunk_delay_s = chunk_delay_s
        self._max_cards = max(max_cards, 1)
        self._weights = weights
        self._cache: OrderedDict[str, _Entry] = OrderedDict()

    async def warm(self, character: CharacterRef) -> None:
        """Builds the card's index now (at startup) instead of on its first reply."""
        if character.lines:
            await self._index(character)

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMChunk]:
        character = request.character
        if character is None:
            raise LLMError("The canon backend needs the character (request.character) to speak.")
        if not _speakable(character):
            async for chunk in self._emit(_no_lines(character, request), "no_lines", request, {}):
                yield chunk
            return
        try:
            pick = await self._pick(character, request)
        except LLMError:
            raise
        except Exception as exc:  # the embedder is outside code: convert at the boundary
            raise LLMError(f"The canon backend could not pick a line: {exc}") from exc
        extra: dict[str, object] = {
            "canon": True,
            "line_index": pick.indices[0],
            "line_indices": list(pick.indices),
            "score": pick.score,
        }
        async for chunk in self._emit(pick.text, "stop", request, extra):
            yield chunk

    async def aclose(self) -> None:
        for entry in self._cache.values():
            entry.build.cancel()
        self._cache.clear()

    async def _pick(self, character: CharacterRef, request: LLMRequest) -> _Pick:
        index = await self._index(character)
        turn = await self._turn(index, request.messages)
        scores = index.score(turn, self._weights)
        if character.chapter_limit is not None:
            # Spoilers: lines from chapters the reader has not reached are never picked.
            limit = character.chapter_limit
            late = [i for i, ln in enumerate(index.lines) if (ln.chapter or 0) > limit]
            scores[late] = -np.inf
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        best = order[0]
        chosen = [best]
        if _visible(index.lines[best].text) < SHORT_LINE and len(order) > 1:
            second = order[1]
            if scores[second] >= scores[best] - PAIR_MARGIN and not index.greeting[second]:
                chosen.append(second)
        texts = [_speak(index.lines[i], character.name, request.user_name) for i in chosen]
        glue = "" if all(is_chinese(t) for t in texts) else " "
        return _Pick(glue.join(texts), tuple(chosen), float(scores[best]))

    async def _turn(self, index: CanonIndex, messages: Sequence[ChatMessage]) -> Turn:
        users = [m.content for m in messages if m.role == "user" and m.content.strip()]
        replies = [m.content for m in messages if m.role == "assistant"]
        said = index.said_lines(replies)
        last = index.said_lines(replies[-1:])
        text = users[-1] if users else ""
        vector = await self._query_vector(text, users[-2] if len(users) > 1 else "")
        return Turn(
            text=text,
            vector=vector,
            said=frozenset(said),
            last_said=last[-1] if last else None,
            greeting_wanted=len(users) <= 1 or is_greeting(text),
        )

    async def _query_vector(self, text: str, previous: str) -> Vectors | None:
        if not text:
            return None
        blend = bool(previous) and len(text.strip()) < SHORT_MESSAGE
        vectors = await self._embedder.query([text, previous] if blend else [text])
        vector = vectors[0] + PREVIOUS_WEIGHT * vectors[1] if blend else vectors[0]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else None

    async def _index(self, character: CharacterRef) -> CanonIndex:
        # The fingerprint catches a card edited without a version bump.
        key = (character.version, hash(tuple(character.lines)))
        entry = self._cache.get(character.card_id)
        if entry is None or entry.key != key:
            build = asyncio.create_task(
                build_index(character.lines, character.name, self._embedder),
                name=f"canon-index-{character.card_id}",
            )
            build.add_done_callback(_consume_error)
            entry = _Entry(key, build)
            self._cache[character.card_id] = entry
            while len(self._cache) > self._max_cards:
                self._cache.popitem(last=False)
        self._cache.move_to_end(character.card_id)
        try:
            # shielded: one reader hanging up must not cancel the build others wait for
            return await asyncio.shield(entry.build)
        except Exception:
            if self._cache.get(character.card_id) is entry:
                del self._cache[character.card_id]  # let the next request try again
            raise

    async def _emit(
        self, text: str, finish: str, request: LLMRequest, extra: dict[str, object]
    ) -> AsyncIterator[LLMChunk]:
        text, finish = _cut(text, finish, request)
        tokens = split_tokens(text)
        for i, token in enumerate(tokens):
            if i and self._chunk_delay_s:
                await asyncio.sleep(self._chunk_delay_s)
            yield LLMChunk(text=token)
        usage = Usage(prompt_tokens=0, completion_tokens=len(tokens))
        yield LLMChunk(usage=usage, finish_reason=finish, extra=extra)


def _speakable(character: CharacterRef) -> bool:
    limit = character.chapter_limit
    return any(
        limit is None or line.chapter is None or line.chapter <= limit for line in character.lines
    )


def _speak(line: CanonLine, char_name: str, user_name: str = "") -> str:
    return fill_user(line.text, user_name or you_for(line.text), char_name).strip()


def _no_lines(character: CharacterRef, request: LLMRequest) -> str:
    users = [m.content for m in request.messages if m.role == "user"]
    hint = character.name or (users[-1] if users else "")
    return NO_LINES_ZH if is_chinese(hint) else NO_LINES_EN


def _cut(text: str, finish: str, request: LLMRequest) -> tuple[str, str]:
    """Honours ``stop`` and ``max_tokens`` the way a model would."""
    for stop in request.stop:
        at = text.find(stop) if stop else -1
        if at >= 0:
            text = text[:at]
    tokens = split_tokens(text)
    if len(tokens) > request.max_tokens:
        return "".join(tokens[: request.max_tokens]), "length"
    return text, finish


def _visible(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def _consume_error(task: asyncio.Task[CanonIndex]) -> None:
    # A build whose every waiter went away must not log "exception was never retrieved".
    if not task.cancelled():
        task.exception()
