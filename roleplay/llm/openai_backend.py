"""A backend for any OpenAI-compatible chat endpoint (OpenAI, llama.cpp, vLLM, Ollama, ...).

Failures are converted to ``roleplay.errors`` here and nowhere else. Retries
happen only before the first piece of text has been handed to the caller:
after that the engine has already shown (and will store) a partial reply, and
quietly starting over would duplicate or contradict it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit, urlunsplit

import openai
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

from roleplay.errors import LLMError, LLMTimeout, LLMUnavailable
from roleplay.llm.base import ChatMessage, LLMChunk, LLMRequest, Usage

if TYPE_CHECKING:
    import httpx
    import httpx2

_MAX_SERVER_MESSAGE = 200
_MAX_RETRY_AFTER_S = 30.0


class _Truncated(Exception):
    """The stream ended cleanly but without a finish reason: the reply was cut off."""


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        *,
        timeout_s: float = 60,
        connect_timeout_s: float = 10,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        http_client: httpx.AsyncClient | httpx2.AsyncClient | None = None,
    ) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self._where = _public_url(base_url)
        self._api_key = api_key
        self._with_usage = True
        # The SDK refuses an empty key; local servers (llama.cpp, Ollama) accept any.
        # Its own retries are off: ours know whether text already reached the caller.
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "no-key",
            timeout=openai.Timeout(timeout_s, connect=connect_timeout_s),
            max_retries=0,
            # openai>=3 types this as httpx2 but accepts a classic httpx client as well.
            http_client=cast("httpx2.AsyncClient | None", http_client),
        )

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMChunk]:
        attempt = 1
        while True:
            yielded = False
            try:
                async with aclosing(self._attempt(request)) as chunks:
                    async for chunk in chunks:
                        yielded = True
                        yield chunk
                return
            except (openai.OpenAIError, TimeoutError, _Truncated, ValueError) as err:
                if self._drop_stream_options(err):
                    continue
                if yielded or attempt > self.max_retries or not _retryable(err):
                    raise self._convert(err, attempts=attempt, midstream=yielded) from err
                delay = self._delay(attempt, err)
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._client.close()

    async def _attempt(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        stream = await self._client.chat.completions.create(
            model=self.model,
            messages=[_message(m) for m in request.messages],
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            stop=list(request.stop) or openai.omit,
            stream=True,
            stream_options={"include_usage": True} if self._with_usage else openai.omit,
        )
        usage: Usage | None = None
        finish: str | None = None
        try:
            while True:
                # The HTTP read timeout resets on every byte, keep-alive comments included;
                # this bounds the wait for the next real chunk.
                try:
                    async with asyncio.timeout(self.timeout_s):
                        chunk = await stream.__anext__()
                except StopAsyncIteration:
                    break
                text, finish = _read_choice(chunk, finish)
                if text:
                    yield LLMChunk(text=text)
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
        finally:
            await stream.close()
        if finish is None:
            # Every OpenAI-style stream ends with a finish reason; without one the
            # server or a proxy closed the connection early (a close-delimited body).
            raise _Truncated
        # A server that ignores include_usage reports nothing; we estimate nothing either,
        # so Usage(0, 0) means "unknown", not "free".
        yield LLMChunk(usage=usage or Usage(), finish_reason=finish)

    def _drop_stream_options(self, err: BaseException) -> bool:
        """Some servers reject ``stream_options``: retry once without it, and remember."""
        if not (self._with_usage and isinstance(err, openai.BadRequestError)):
            return False
        if "stream_options" not in f"{err.message} {err.body}":
            return False
        self._with_usage = False
        return True

    def _delay(self, attempt: int, err: BaseException) -> float:
        delay = self.backoff_s * 2.0 ** (attempt - 1) * random.uniform(0.5, 1.0)
        if isinstance(err, openai.RateLimitError):
            delay = max(delay, _retry_after(err))
        return delay

    def _convert(self, err: BaseException, *, attempts: int, midstream: bool) -> LLMError:
        where, tries = self._where, _times(attempts)
        if isinstance(err, TimeoutError):
            when = "in the middle of the reply" if midstream else "before the reply started"
            return LLMTimeout(
                f"The model server at {where} sent nothing for {self.timeout_s:g} s {when}"
                f" ({tries}). It may be overloaded or the model too slow for this timeout:"
                " check the server, or raise the LLM timeout.",
                detail={"attempts": attempts},
            )
        if isinstance(err, openai.APITimeoutError):
            return LLMTimeout(
                f"The model server at {where} did not answer in time ({tries}). Check that it"
                " is running and not overloaded, or raise the LLM timeout.",
                detail={"attempts": attempts},
            )
        if isinstance(err, (openai.APIConnectionError, _Truncated)):
            return self._connection_error(err, attempts=attempts, midstream=midstream)
        if isinstance(err, openai.APIStatusError):
            return self._status_error(err, attempts=attempts)
        if isinstance(err, openai.APIError):
            return LLMError(
                f"The model server at {where} reported an error while streaming:"
                f" {self._server_message(err)}"
            )
        return LLMError(
            f"The model server at {where} sent a reply that could not be read ({err})."
            " Check that the base URL points at an OpenAI-compatible chat endpoint."
        )

    def _connection_error(
        self, err: BaseException, *, attempts: int, midstream: bool
    ) -> LLMUnavailable:
        if midstream:
            return LLMUnavailable(
                f"The connection to the model server at {self._where} broke in the middle of"
                " the reply; the partial reply is kept as incomplete. Retry the turn; if it"
                " keeps happening, check the server and any proxy in between.",
            )
        cause = f": {err.__cause__}" if err.__cause__ else ""
        return LLMUnavailable(
            f"Could not reach the model server at {self._where} ({_times(attempts)}{cause})."
            " Check that it is running and that the base URL is right.",
            detail={"attempts": attempts},
        )

    def _status_error(self, err: openai.APIStatusError, *, attempts: int) -> LLMError:
        status, where, said = err.status_code, self._where, self._server_message(err)
        detail = {"status": status, "attempts": attempts}
        if status in (401, 403):
            return LLMError(
                f"The model server at {where} refused the API key (HTTP {status}: {said})."
                " Check the API key setting for this endpoint.",
                detail=detail,
            )
        if status == 404:
            return LLMError(
                f"The model server at {where} has no model {self.model!r} (HTTP 404: {said})."
                " Check the model name (GET <base URL>/models lists what it serves) and that"
                " the base URL ends where the API starts, usually in /v1.",
                detail=detail,
            )
        if status == 429 or status >= 500:
            return LLMUnavailable(
                f"The model server at {where} answered HTTP {status} ({_times(attempts)}):"
                f" {said}. Check its logs and load; retry later.",
                detail=detail,
            )
        return LLMError(
            f"The model server at {where} rejected the request (HTTP {status}): {said}",
            detail=detail,
        )

    def _server_message(self, err: openai.APIError) -> str:
        body = err.body
        said: object = err.message
        if isinstance(body, dict):
            said = body.get("message") or body.get("detail") or body
        elif isinstance(body, str) and body.strip():
            said = body
        text = " ".join(str(said).split())
        if self._api_key:
            # Some servers echo the key they refused.
            text = text.replace(self._api_key, "***")
        if len(text) > _MAX_SERVER_MESSAGE:
            text = text[: _MAX_SERVER_MESSAGE - 1] + "…"
        return text or "no message"


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}


def _read_choice(chunk: ChatCompletionChunk, finish: str | None) -> tuple[str, str | None]:
    """The text delta of the first choice, and the finish reason seen so far."""
    for choice in chunk.choices:
        if choice.index == 0:
            return choice.delta.content or "", choice.finish_reason or finish
    return "", finish


def _retryable(err: BaseException) -> bool:
    if isinstance(err, openai.APIStatusError):
        return err.status_code == 429 or err.status_code >= 500
    return isinstance(err, (openai.APIConnectionError, TimeoutError, _Truncated))


def _retry_after(err: openai.APIStatusError) -> float:
    try:
        seconds = float(str(err.response.headers.get("retry-after", "0")))
    except ValueError:
        return 0.0
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER_S)


def _times(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def _public_url(url: str) -> str:
    """The base URL without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
