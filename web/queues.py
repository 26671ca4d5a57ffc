"""What the review handlers share: the queues and the reports service from a request,
each with a clear error when this server was built without it, and paging parameters."""

from __future__ import annotations

from aiohttp import web

from roleplay.errors import InvalidInput, StoreUnavailable
from roleplay.reports import Reports
from roleplay.store.ratelimit import RateLimiter
from roleplay.store.reviews import PersonaReviews
from safety.policystore import RedisPolicyBook
from safety.review import ReviewQueue
from web.rest import rt

MAX_PAGE = 200


def moderation_queue(request: web.Request) -> ReviewQueue:
    queue = rt(request).reviews
    if queue is None:
        raise StoreUnavailable("The moderation review queue is not set up on this server.")
    return queue


def persona_queue(request: web.Request) -> PersonaReviews:
    queue = rt(request).persona_reviews
    if queue is None:
        raise StoreUnavailable("The persona review queue is not set up on this server.")
    return queue


def policy_book(request: web.Request) -> RedisPolicyBook:
    book = rt(request).policies
    if book is None:
        raise StoreUnavailable("Policy settings are not stored on this server.")
    return book


def reports(request: web.Request) -> Reports:
    runtime = rt(request)
    # Reports get their own budget, as large as the turn one: a reader who may send
    # that many messages may also report that many.
    limiter = RateLimiter(
        runtime.redis, per_minute=runtime.settings.turns_per_minute, name="reports"
    )
    return Reports(
        runtime.service,
        moderation=moderation_queue(request),
        persona=persona_queue(request),
        limiter=limiter,
    )


def query_int(request: web.Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, got {raw!r}.") from None
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}, got {value}.")
    return value


def page(request: web.Request) -> tuple[int, int]:
    """``limit`` (1–200, default 50) and ``offset`` (default 0) from the query string."""
    limit = query_int(request, "limit", 50, low=1, high=MAX_PAGE)
    return limit, query_int(request, "offset", 0, low=0, high=1_000_000)
