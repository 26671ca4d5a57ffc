"""A scripted backend for tests and benchmarks: replies are queued, timing is fixed.

Never used by ``roleplay serve``; tests and ``bench/`` inject it through the app
factory. Timing follows a deadline schedule (first token at ``ttft_s``, then one
token every ``1 / tokens_per_s``) so event-loop lag shows up as platform
overhead instead of silently stretching the model's share.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from roleplay.llm.base import LLMChunk, LLMRequest, Usage


@dataclass(frozen=True, slots=True)
class Fail:
    """Raise ``error`` after streaming ``after_tokens`` tokens of ``text``."""

    error: BaseException
    text: str = ""
    after_tokens: int = 0


Script = str | Fail
Responder = Callable[[LLMRequest], str]


class ScriptedLLM:
    name = "scripted"

    def __init__(
        self,
        *,
        ttft_s: float = 0.0,
        tokens_per_s: float = 0.0,
        default: Responder | str = "……",
    ) -> None:
        self.ttft_s = ttft_s
        self.tokens_per_s = tokens_per_s
        self._queue: deque[Script] = deque()
        self._default = default
        self.requests: list[LLMRequest] = []

    def enqueue(self, *replies: Script) -> None:
        self._queue.extend(replies)

    def nominal_seconds(self, text: str) -> float:
        """How long the scripted model itself takes to stream ``text``."""
        n = len(split_tokens(text))
        rate = (n - 1) / self.tokens_per_s if self.tokens_per_s and n > 1 else 0.0
        return self.ttft_s + rate

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMChunk]:
        self.requests.append(request)
        script = self._queue.popleft() if self._queue else self._reply_for(request)
        fail = script if isinstance(script, Fail) else None
        text = fail.text if fail else str(script)
        tokens = split_tokens(text)
        start = time.monotonic()
        for i, token in enumerate(tokens):
            if fail and i >= fail.after_tokens:
                raise fail.error
            await _sleep_until(
                start + self.ttft_s + (i / self.tokens_per_s if self.tokens_per_s else 0)
            )
            yield LLMChunk(text=token)
        if fail:
            raise fail.error
        prompt = sum(len(m.content) for m in request.messages) // 4
        yield LLMChunk(usage=Usage(prompt, len(tokens)), finish_reason="stop")

    def _reply_for(self, request: LLMRequest) -> str:
        return self._default(request) if callable(self._default) else self._default

    async def aclose(self) -> None:
        return None


def split_tokens(text: str) -> list[str]:
    """Roughly token-sized pieces: a word with its trailing space, or one CJK character."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) > 0x2E80:
            if word:
                pieces.append(word)
                word = ""
            pieces.append(ch)
        elif ch.isspace():
            pieces.append(word + ch)
            word = ""
        else:
            word += ch
    if word:
        pieces.append(word)
    return pieces


async def _sleep_until(deadline: float) -> None:
    delay = deadline - time.monotonic()
    await asyncio.sleep(max(delay, 0))
