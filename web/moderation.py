"""Moderation over REST: the editors' review queue, audit log, stats and per-work /
per-card policy settings, and the readers' "this was fine" / "this was unsafe" reports.

Editors and admins only, except ``POST /api/moderation/report`` (any signed-in reader,
about their own chats). ``setup_routes`` also mounts the persona review endpoints and
the ``/review`` page (``web.reviews``), so the app factory adds one line for all of it.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from roleplay.errors import Conflict, InvalidInput, NotFound
from safety.base import CATEGORIES
from safety.policystore import RATINGS, from_json, to_json
from web import reviews
from web.queues import moderation_queue, page, policy_book, query_int, reports
from web.rest import body, current_reader, require_role, rt

routes = web.RouteTableDef()
MAX_AUDIT = 1000


def setup_routes(app: web.Application) -> None:
    app.add_routes(routes)
    reviews.setup_routes(app)


# -- the review queue ------------------------------------------------------------


class Resolution(BaseModel):
    decision: Literal["confirmed", "false_positive", "dismissed"]
    note: str = Field(default="", max_length=1000)


@routes.get("/api/moderation/review")
async def list_items(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    limit, offset = page(request)
    queue = moderation_queue(request)
    items = await queue.pending(limit=limit, offset=offset)
    return web.json_response(
        {
            "items": [i.to_json() for i in items],
            "open": await queue.count_open(),
            "limit": limit,
            "offset": offset,
        }
    )


@routes.get("/api/moderation/review/{item_id}")
async def get_item(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    item = await moderation_queue(request).get(request.match_info["item_id"])
    if item is None:
        raise NotFound("No such review item; list open ones with GET /api/moderation/review.")
    return web.json_response({"item": item.to_json()})


@routes.post("/api/moderation/review/{item_id}/resolve")
async def resolve_item(request: web.Request) -> web.Response:
    editor = await require_role(request, "editor", "admin")
    req = await body(request, Resolution)
    queue = moderation_queue(request)
    item_id = request.match_info["item_id"]
    item = await queue.get(item_id)
    if item is None:
        raise NotFound("No such review item; list open ones with GET /api/moderation/review.")
    if item.status == "resolved":
        raise Conflict(
            f"This item was already resolved ({item.decision}) by another editor; reload the queue."
        )
    done = await queue.resolve(item_id, editor=editor.id, decision=req.decision, note=req.note)
    return web.json_response({"item": done.to_json()})


@routes.get("/api/moderation/audit")
async def audit(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    limit = query_int(request, "limit", 100, low=1, high=MAX_AUDIT)
    return web.json_response({"entries": await moderation_queue(request).audit(limit=limit)})


@routes.get("/api/moderation/stats")
async def stats(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    queue = moderation_queue(request)
    persona = rt(request).persona_reviews
    return web.json_response(
        {
            "open": await queue.count_open(),
            "categories": await queue.counts(),
            "persona_open": await persona.count_open() if persona is not None else 0,
        }
    )


# -- policy settings --------------------------------------------------------------


class PolicySettings(BaseModel):
    """An editor's override; names are checked against the categories by ``from_json``."""

    model_config = ConfigDict(extra="forbid")

    rating: str | None = None
    thresholds: dict[str, float] = Field(default_factory=dict)
    allow: list[str] = Field(default_factory=list)


def policy_target(request: web.Request) -> tuple[str, str]:
    kind, ident = request.match_info["kind"], request.match_info["ident"]
    if kind not in ("work", "card"):
        raise InvalidInput(
            f"Settings attach to a work or a card: use /work/… or /card/…, not {kind!r}."
        )
    return kind, ident


@routes.get("/api/moderation/policies/{kind}/{ident}")
async def get_policy(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    kind, ident = policy_target(request)
    override = await policy_book(request).get(kind, ident)
    if override is None:
        raise NotFound(f"No settings for {kind} {ident!r}; the defaults apply. PUT some to change.")
    return web.json_response({"kind": kind, "id": ident, "policy": to_json(override)})


@routes.put("/api/moderation/policies/{kind}/{ident}")
async def put_policy(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    kind, ident = policy_target(request)
    runtime = rt(request)
    if kind == "card":
        await runtime.cards.get(ident)  # settings for a card that does not exist help nobody
    req = await body(request, PolicySettings)
    try:
        override = from_json(req.model_dump())
    except ValueError as exc:
        raise InvalidInput(
            f"Cannot save these settings: {exc}. Ratings: {', '.join(RATINGS)}; "
            f"categories: {', '.join(CATEGORIES)}."
        ) from None
    await policy_book(request).set(kind, ident, override)
    return web.json_response({"kind": kind, "id": ident, "policy": to_json(override)})


@routes.delete("/api/moderation/policies/{kind}/{ident}")
async def delete_policy(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    kind, ident = policy_target(request)
    await policy_book(request).set(kind, ident, None)
    return web.Response(status=204)


# -- readers' reports ------------------------------------------------------------------


class ModerationReport(BaseModel):
    kind: Literal["false_positive", "unsafe"]
    chat_id: str = Field(max_length=64)
    message_id: str | None = Field(default=None, max_length=64)
    # For a message of yours that was blocked (never stored): what you tried to send.
    text: str | None = None
    note: str = Field(default="", max_length=1000)


@routes.post("/api/moderation/report")
async def report(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    req = await body(request, ModerationReport)
    item_id = await reports(request).moderation_report(
        reader,
        kind=req.kind,
        chat_id=req.chat_id,
        message_id=req.message_id,
        text=req.text,
        note=req.note,
    )
    return web.json_response({"id": item_id}, status=201)
