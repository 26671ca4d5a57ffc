"""The openai backend at the wire: a scripted httpx transport, then a real llama.cpp server.

The first layer is fast and always runs. The second (marked ``llmserver``) talks to a
real OpenAI-compatible server, directly and through a chaos proxy that injects faults
on a real socket.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from roleplay.errors import LLMError, LLMTimeout, LLMUnavailable
from roleplay.llm.base import ChatMessage, LLMChunk, LLMRequest, Usage
from roleplay.llm.openai_backend import OpenAIBackend
from tests.roleplay.llm.chaos_proxy import ChaosProxy, Mode

API_KEY = "sk-test-5ecret-key"
REQUEST = LLMRequest(
    messages=[ChatMessage("system", "You are Sun Wukong."), ChatMessage("user", "Who are you?")],
    max_tokens=16,
    temperature=0.0,
    stop=["\nUser:"],
)

# --- a scripted OpenAI-compatible server behind httpx.MockTransport -------------------------

Reply = Callable[[], httpx.Response] | BaseException


def sse(*events: dict[str, Any], done: bool = True) -> bytes:
    body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
    return body + (b"data: [DONE]\n\n" if done else b"")


def delta(content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    choice = {"index": 0, "delta": {"content": content} if content else {}, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [choice]}  # fmt: skip


def usage(prompt: int, completion: int) -> dict[str, Any]:
    counts = {"prompt_tokens": prompt, "completion_tokens": completion,
              "total_tokens": prompt + completion}  # fmt: skip
    return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [], "usage": counts}  # fmt: skip


HELLO = sse(delta("Hel"), delta("lo"), delta(finish="stop"), usage(12, 2))


def ok(body: bytes = HELLO) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)


def status(code: int, message: str = "boom") -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(code, json={"error": {"message": message, "type": "x"}})


def streamed(body: AsyncIterator[bytes]) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)


class ScriptedServer:
    """Answers each request with the next reply; the last one repeats."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.bodies: list[dict[str, Any]] = []
        self.responses: list[httpx.Response] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, BaseException):
            raise reply
        self.responses.append(reply())
        return self.responses[-1]

    @property
    def calls(self) -> int:
        return len(self.bodies)


Factory = Callable[..., Awaitable[OpenAIBackend]]


@pytest.fixture
async def backend_for() -> AsyncIterator[Factory]:
    """Builds backends over a scripted server, and closes them (and their clients) after."""
    made: list[OpenAIBackend] = []

    async def make(server: ScriptedServer, **options: Any) -> OpenAIBackend:
        options = {"max_retries": 2, "backoff_s": 0.0, **options}
        client = httpx.AsyncClient(transport=httpx.MockTransport(server))
        backend = OpenAIBackend(
            "http://llm.test/v1", API_KEY, "smol", http_client=client, **options
        )
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()


async def collect(
    backend: OpenAIBackend, got: list[LLMChunk], request: LLMRequest = REQUEST
) -> None:
    """Streams into ``got`` so a test can still see what arrived before an error."""
    async for chunk in backend.stream(request):
        got.append(chunk)


def text_of(chunks: list[LLMChunk]) -> str:
    return "".join(c.text for c in chunks)


async def test_streams_text_then_usage_and_sends_the_request(backend_for: Factory) -> None:
    server = ScriptedServer(ok())
    got: list[LLMChunk] = []
    await collect(await backend_for(server), got)

    assert [c.text for c in got] == ["Hel", "lo", ""]
    assert got[-1].usage == Usage(12, 2) and got[-1].finish_reason == "stop"
    sent = server.bodies[0]
    assert sent["model"] == "smol" and sent["stream"] is True
    assert sent["messages"] == [
        {"role": "system", "content": "You are Sun Wukong."},
        {"role": "user", "content": "Who are you?"},
    ]
    assert (sent["max_tokens"], sent["temperature"], sent["stop"]) == (16, 0.0, ["\nUser:"])
    assert sent["stream_options"] == {"include_usage": True}


async def test_no_usage_from_server_gives_zero_usage(backend_for: Factory) -> None:
    got: list[LLMChunk] = []
    await collect(
        await backend_for(ScriptedServer(ok(sse(delta("Hi"), delta(finish="length"))))), got
    )
    assert text_of(got) == "Hi"
    assert got[-1].usage == Usage(0, 0) and got[-1].finish_reason == "length"


async def test_server_rejecting_stream_options_is_asked_again_without(backend_for: Factory) -> None:
    server = ScriptedServer(status(400, "Unrecognized request argument: stream_options"), ok())
    backend = await backend_for(server, max_retries=0)
    got: list[LLMChunk] = []
    await collect(backend, got)
    await collect(backend, got)
    assert server.calls == 3
    assert "stream_options" in server.bodies[0]
    assert all("stream_options" not in body for body in server.bodies[1:])


async def test_500_then_200_is_retried(backend_for: Factory) -> None:
    server = ScriptedServer(status(500), ok())
    got: list[LLMChunk] = []
    await collect(await backend_for(server), got)
    assert server.calls == 2 and text_of(got) == "Hello"


async def test_500_forever_is_unavailable_after_all_attempts(backend_for: Factory) -> None:
    server = ScriptedServer(status(503, "model is loading"))
    started = time.monotonic()
    with pytest.raises(LLMUnavailable) as caught:
        await collect(await backend_for(server, max_retries=2, backoff_s=0.02), [])
    assert server.calls == 3
    # Backoff with jitter: at least half of 0.02 + 0.04 s.
    assert time.monotonic() - started >= 0.03
    assert "503" in caught.value.message and "model is loading" in caught.value.message
    assert "3 attempts" in caught.value.message


async def test_429_is_retried(backend_for: Factory) -> None:
    server = ScriptedServer(status(429, "slow down"), ok())
    got: list[LLMChunk] = []
    await collect(await backend_for(server), got)
    assert server.calls == 2 and text_of(got) == "Hello"


@pytest.mark.parametrize("code", [401, 403])
async def test_refused_key_says_to_check_it_without_leaking_it(
    backend_for: Factory, code: int
) -> None:
    server = ScriptedServer(status(code, f"Incorrect API key provided: {API_KEY}"))
    with pytest.raises(LLMError) as caught:
        await collect(await backend_for(server), [])
    assert server.calls == 1
    assert "API key" in caught.value.message and str(code) in caught.value.message
    assert API_KEY not in caught.value.message and API_KEY not in str(caught.value.detail)


async def test_unknown_model_is_named(backend_for: Factory) -> None:
    server = ScriptedServer(status(404, "The model `smol` does not exist"))
    with pytest.raises(LLMError) as caught:
        await collect(await backend_for(server), [])
    assert server.calls == 1
    assert not isinstance(caught.value, LLMUnavailable)
    assert "'smol'" in caught.value.message


async def test_other_4xx_is_not_retried(backend_for: Factory) -> None:
    server = ScriptedServer(status(400, "max_tokens is too large: " + "x" * 500))
    with pytest.raises(LLMError) as caught:
        await collect(await backend_for(server), [])
    assert server.calls == 1
    assert "HTTP 400" in caught.value.message and "max_tokens is too large" in caught.value.message
    assert len(caught.value.message) < 400


async def test_read_timeout_is_llm_timeout(backend_for: Factory) -> None:
    server = ScriptedServer(httpx.ReadTimeout("timed out"))
    with pytest.raises(LLMTimeout):
        await collect(await backend_for(server), [])
    assert server.calls == 3


async def test_refused_connection_is_unavailable(backend_for: Factory) -> None:
    server = ScriptedServer(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(LLMUnavailable) as caught:
        await collect(await backend_for(server, max_retries=1), [])
    assert server.calls == 2
    assert "http://llm.test/v1" in caught.value.message


async def test_stream_broken_midway_is_unavailable_and_not_retried(backend_for: Factory) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield sse(delta("Hel"), delta("lo"), done=False)
        yield b'data: {"id": "c", "obj'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")

    server = ScriptedServer(streamed(body()))
    got: list[LLMChunk] = []
    with pytest.raises(LLMUnavailable) as caught:
        await collect(await backend_for(server), got)
    assert text_of(got) == "Hello"
    assert server.calls == 1
    assert "middle of the reply" in caught.value.message


async def test_stream_ending_without_finish_is_unavailable(backend_for: Factory) -> None:
    server = ScriptedServer(ok(sse(delta("Hel"), done=False)))
    got: list[LLMChunk] = []
    with pytest.raises(LLMUnavailable):
        await collect(await backend_for(server), got)
    assert text_of(got) == "Hel" and server.calls == 1


async def test_silence_mid_stream_is_timeout(backend_for: Factory) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield sse(delta("Hel"), done=False)
        raise httpx.ReadTimeout("no data")

    server = ScriptedServer(streamed(body()))
    got: list[LLMChunk] = []
    with pytest.raises(LLMTimeout):
        await collect(await backend_for(server), got)
    assert text_of(got) == "Hel" and server.calls == 1


async def test_keepalives_without_chunks_hit_the_idle_timeout(backend_for: Factory) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield sse(delta("Hel"), done=False)
        for _ in range(100):
            await asyncio.sleep(0.02)
            yield b": keep-alive\n\n"

    server = ScriptedServer(streamed(body()))
    got: list[LLMChunk] = []
    with pytest.raises(LLMTimeout) as caught:
        await collect(await backend_for(server, timeout_s=0.2), got)
    assert text_of(got) == "Hel" and "middle of the reply" in caught.value.message


async def test_error_event_in_stream_is_llm_error(backend_for: Factory) -> None:
    server = ScriptedServer(ok(sse({"error": {"message": "context length exceeded"}})))
    with pytest.raises(LLMError) as caught:
        await collect(await backend_for(server), [])
    assert "context length exceeded" in caught.value.message and server.calls == 1


async def test_consumer_stopping_early_closes_the_response(backend_for: Factory) -> None:
    server = ScriptedServer(ok())
    stream = (await backend_for(server)).stream(REQUEST)
    first = await anext(stream)
    await stream.aclose()  # type: ignore[attr-defined]
    assert first.text == "Hel"
    assert server.responses[0].is_closed


async def test_aclose_closes_the_http_client() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(ScriptedServer(ok())))
    backend = OpenAIBackend("http://llm.test/v1", API_KEY, "smol", http_client=client)
    await backend.aclose()
    assert client.is_closed


# --- a real llama.cpp server, directly and through the chaos proxy --------------------------

LLAMA_TIMEOUT_S = 10.0
# llama-cpp-python's SSE events are ~220 bytes: this cuts inside the third text event.
CUT_AFTER_BYTES = 800


@pytest.fixture
async def real(llama_server: str) -> AsyncIterator[OpenAIBackend]:
    backend = OpenAIBackend(llama_server, "unused", "smollm2", timeout_s=30, backoff_s=0.05)
    yield backend
    await backend.aclose()


@pytest.fixture
async def proxy(llama_server: str) -> AsyncIterator[ChaosProxy]:
    async with ChaosProxy(llama_server.removesuffix("/v1")) as running:
        yield running


@pytest.fixture
async def via_proxy(proxy: ChaosProxy) -> AsyncIterator[Callable[..., OpenAIBackend]]:
    made: list[OpenAIBackend] = []

    def make(**options: Any) -> OpenAIBackend:
        options = {"timeout_s": LLAMA_TIMEOUT_S, "backoff_s": 0.05, "max_retries": 1, **options}
        backend = OpenAIBackend(f"{proxy.url}/v1", "unused", "smollm2", **options)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()


@pytest.mark.llmserver
async def test_real_server_streams_chunks_and_usage(real: OpenAIBackend) -> None:
    got: list[LLMChunk] = []
    await collect(real, got)
    assert len([c for c in got if c.text]) >= 3
    assert got[-1].finish_reason in ("stop", "length")
    # llama-cpp-python (0.3.x) accepts stream_options but sends no usage chunk; servers
    # that do (OpenAI, vLLM, llama.cpp's own llama-server) are covered by the wire tests.
    assert got[-1].usage is not None


@pytest.mark.llmserver
async def test_proxy_500_forever_is_unavailable(
    proxy: ChaosProxy, via_proxy: Callable[..., OpenAIBackend]
) -> None:
    proxy.mode = Mode("error")
    with pytest.raises(LLMUnavailable) as caught:
        await collect(via_proxy(max_retries=2), [])
    assert proxy.requests == 3 and "HTTP 500" in caught.value.message


@pytest.mark.llmserver
async def test_proxy_500_once_then_forward_succeeds(
    proxy: ChaosProxy, via_proxy: Callable[..., OpenAIBackend]
) -> None:
    proxy.mode = Mode("error_once")
    got: list[LLMChunk] = []
    await collect(via_proxy(), got)
    assert proxy.requests == 2 and text_of(got) and got[-1].finish_reason


@pytest.mark.llmserver
async def test_proxy_silent_before_answering_is_timeout(
    proxy: ChaosProxy, via_proxy: Callable[..., OpenAIBackend]
) -> None:
    proxy.mode = Mode("sleep", sleep_s=5)
    started = time.monotonic()
    with pytest.raises(LLMTimeout):
        await collect(via_proxy(timeout_s=0.5, max_retries=1), [])
    assert proxy.requests == 2 and time.monotonic() - started < 4


@pytest.mark.llmserver
async def test_proxy_cutting_the_stream_is_unavailable_after_text(
    proxy: ChaosProxy, via_proxy: Callable[..., OpenAIBackend]
) -> None:
    proxy.mode = Mode("cut", after_bytes=CUT_AFTER_BYTES)
    got: list[LLMChunk] = []
    with pytest.raises(LLMUnavailable) as caught:
        await collect(via_proxy(), got)
    assert text_of(got) and proxy.requests == 1
    assert "middle of the reply" in caught.value.message


@pytest.mark.llmserver
async def test_proxy_stalling_mid_stream_is_timeout_after_text(
    proxy: ChaosProxy, via_proxy: Callable[..., OpenAIBackend]
) -> None:
    proxy.mode = Mode("stall", after_bytes=CUT_AFTER_BYTES, sleep_s=5)
    got: list[LLMChunk] = []
    with pytest.raises(LLMTimeout):
        await collect(via_proxy(timeout_s=0.5), got)
    assert text_of(got) and proxy.requests == 1
