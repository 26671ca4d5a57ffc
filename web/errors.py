"""One place that maps the exception tree to HTTP statuses (REST) and error frames (websocket)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web
from pydantic import ValidationError

from roleplay import errors

log = structlog.get_logger("web")

STATUS: dict[type[errors.RoleplayError], int] = {
    errors.InvalidInput: 400,
    errors.TooLarge: 413,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Blocked: 422,
    errors.RateLimited: 429,
    errors.LLMError: 502,
    errors.StoreUnavailable: 503,
}


def status_for(exc: errors.RoleplayError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except errors.RoleplayError as exc:
        extra: dict[str, object] = {}
        headers = {}
        if isinstance(exc, errors.RateLimited):
            extra["retry_after"] = exc.retry_after
            headers["Retry-After"] = str(int(exc.retry_after) + 1)
        return web.json_response(
            error_body(exc.code, exc.message, **extra), status=status_for(exc), headers=headers
        )
    except ValidationError as exc:
        return web.json_response(error_body("invalid_input", validation_message(exc)), status=400)
    except json.JSONDecodeError as exc:
        return web.json_response(
            error_body(
                "invalid_input",
                f"The body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}).",
            ),
            status=400,
        )
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled_error", path=request.path)
        return web.json_response(
            error_body(
                "internal",
                "Something went wrong on our side; it has been logged. "
                "Try again, and report it if it keeps happening.",
            ),
            status=500,
        )
