"""Persona reviews over REST: a reader reports a reply that broke character; editors
work the queue of such replies (readers' reports and the checker's own flags).

Mounted by ``web.moderation.setup_routes`` together with the ``/review`` page.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from roleplay.consistency import ReaderReport
from roleplay.errors import Conflict
from web import review_page
from web.queues import page, persona_queue, reports
from web.rest import body, current_reader, require_role

routes = web.RouteTableDef()


def setup_routes(app: web.Application) -> None:
    app.add_routes(routes)
    review_page.setup_routes(app)


@routes.post("/api/chats/{chat_id}/messages/{message_id}/report")
async def report_reply(request: web.Request) -> web.Response:
    """A reader: "this reply is out of character" (or a spoiler, a contradiction, ...)."""
    reader = await current_reader(request)
    req = await body(request, ReaderReport)
    ids = request.match_info
    item_id, recheck = await reports(request).persona_report(
        reader, ids["chat_id"], ids["message_id"], req
    )
    findings = recheck.to_json()["findings"]
    return web.json_response({"id": item_id, "ok": recheck.ok, "findings": findings}, status=201)


class Resolution(BaseModel):
    decision: Literal["confirmed", "dismissed", "card_fixed"]
    note: str = Field(default="", max_length=1000)


@routes.get("/api/reviews/persona")
async def list_items(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    limit, offset = page(request)
    queue = persona_queue(request)
    items = await queue.pending(limit=limit, offset=offset)
    return web.json_response(
        {"items": items, "open": await queue.count_open(), "limit": limit, "offset": offset}
    )


@routes.get("/api/reviews/persona/{item_id}")
async def get_item(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    return web.json_response(
        {"item": await persona_queue(request).get(request.match_info["item_id"])}
    )


@routes.post("/api/reviews/persona/{item_id}/resolve")
async def resolve_item(request: web.Request) -> web.Response:
    editor = await require_role(request, "editor", "admin")
    req = await body(request, Resolution)
    queue = persona_queue(request)
    item_id = request.match_info["item_id"]
    item = await queue.get(item_id)
    if item.get("status") == "resolved":
        raise Conflict(
            f"This item was already resolved ({item.get('decision')}) by another editor; "
            "reload the queue."
        )
    done = await queue.resolve(item_id, editor=editor.id, decision=req.decision, note=req.note)
    return web.json_response({"item": done})
