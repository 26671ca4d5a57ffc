"""A real HTTP proxy on 127.0.0.1 that forwards to an upstream server, or misbehaves on purpose.

Tests switch ``proxy.mode`` between requests. Every fault is produced on a
real socket, so the client under test sees what it would see in production:
a 500, a silence, or a connection dropped in the middle of an SSE stream.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

import aiohttp
from aiohttp import web

Fault = Literal["forward", "error", "error_once", "sleep", "cut", "stall"]

_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}


@dataclass
class Mode:
    """What the proxy does with the next requests.

    ``forward``: pass through. ``error``: answer 500. ``error_once``: 500 once, then forward.
    ``sleep``: wait ``sleep_s`` before answering. ``cut``: forward ``after_bytes`` bytes of the
    body, then drop the connection. ``stall``: forward ``after_bytes`` bytes, then go silent.
    """

    fault: Fault = "forward"
    sleep_s: float = 0.0
    after_bytes: int = 0


class ChaosProxy:
    def __init__(self, upstream: str, mode: Mode | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.mode = mode or Mode()
        self.requests = 0
        self.url = ""
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> ChaosProxy:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Cancel a handler when its client goes away, so a sleeping fault ends with the test.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._session is not None:
                await self._session.close()
        finally:
            if self._runner is not None:
                await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        mode = self.mode
        if mode.fault == "error" or (mode.fault == "error_once" and self.requests == 1):
            return web.json_response(
                {"error": {"message": "chaos proxy: injected failure", "type": "server_error"}},
                status=500,
            )
        if mode.fault == "sleep":
            await asyncio.sleep(mode.sleep_s)
        return await self._forward(request, mode)

    async def _forward(self, request: web.Request, mode: Mode) -> web.StreamResponse:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with self._session.request(
            request.method,
            self.upstream + request.rel_url.path_qs,
            headers=headers,
            data=await request.read(),
        ) as upstream:
            response = web.StreamResponse(status=upstream.status)
            for key, value in upstream.headers.items():
                if key.lower() not in _HOP_BY_HOP:
                    response.headers[key] = value
            await response.prepare(request)
            sent = 0
            async for data in upstream.content.iter_any():
                if mode.fault in ("cut", "stall") and sent + len(data) >= mode.after_bytes:
                    await response.write(data[: mode.after_bytes - sent])
                    await self._misbehave(request, mode)
                    return response
                sent += len(data)
                await response.write(data)
            await response.write_eof()
            return response

    async def _misbehave(self, request: web.Request, mode: Mode) -> None:
        if mode.fault == "stall":
            await asyncio.sleep(mode.sleep_s)
        transport = request.transport
        if transport is not None:
            # Abort, not close: the client sees a broken chunked body, as when a server dies.
            transport.abort()
