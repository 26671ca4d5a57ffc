"""Request ids on every log line, and authentication helpers for handlers."""

from __future__ import annotations

import secrets

import structlog
from aiohttp import web

from web.errors import Handler


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request.headers.get("X-Request-Id", "")[:64] or secrets.token_hex(6)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=rid)
    response = await handler(request)
    if not response.prepared:
        response.headers["X-Request-Id"] = rid
    return response
