"""REST for a reader's own memories, and for indexing a work's canon passages (editors)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from roleplay.errors import InvalidInput, StoreUnavailable
from web.rest import body, current_reader, require_role, rt

routes = web.RouteTableDef()


def setup_routes(app: web.Application) -> None:
    app.add_routes(routes)


def _flag(request: web.Request, name: str, default: bool) -> bool:
    raw = request.query.get(name)
    if raw is None:
        return default
    if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
        raise InvalidInput(f"{name} must be true or false, not {raw!r}.")
    return raw.lower() in ("1", "true", "yes")


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "20")
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise InvalidInput("limit must be a whole number from 1 to 100.")
    return int(raw)


@routes.get("/api/memories")
async def list_memories(request: web.Request) -> web.Response:
    """Everything the characters remember about you; ``history=false`` hides superseded facts."""
    reader = await current_reader(request)
    items = await rt(request).memories.list_memories(
        reader,
        card_id=request.query.get("card_id") or None,
        history=_flag(request, "history", True),
    )
    return web.json_response({"memories": items})


@routes.get("/api/memories/search")
async def search_memories(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    card_id = request.query.get("card_id")
    if not card_id:
        raise InvalidInput("Say which character's memories to search: add ?card_id=…&q=….")
    items = await rt(request).memories.search(
        reader, card_id, request.query.get("q", ""), limit=_limit(request)
    )
    return web.json_response({"memories": items})


@routes.get("/api/memories/export")
async def export_memories(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    data = await rt(request).memories.export(reader)
    return web.json_response(
        data, headers={"Content-Disposition": 'attachment; filename="memories.json"'}
    )


class MemoryEdit(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


@routes.patch("/api/memories/{memory_id}")
async def edit_memory(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    req = await body(request, MemoryEdit)
    item = await rt(request).memories.edit(reader, request.match_info["memory_id"], req.text)
    return web.json_response({"memory": item})


@routes.delete("/api/memories/{memory_id}")
async def delete_memory(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    count = await rt(request).memories.delete(reader, [request.match_info["memory_id"]])
    return web.json_response({"deleted": count})


@routes.delete("/api/memories")
async def delete_memories(request: web.Request) -> web.Response:
    """All your memories, or one character's with ``?card_id=``; needs ``?confirm=true``."""
    reader = await current_reader(request)
    if not _flag(request, "confirm", False):
        raise InvalidInput("This deletes memories for good; repeat with ?confirm=true.")
    card_id = request.query.get("card_id") or None
    count = await rt(request).memories.delete_all(reader, card_id=card_id)
    return web.json_response({"deleted": count})


class CanonChapter(BaseModel):
    chapter: int = Field(ge=0, le=100_000)
    text: str = Field(min_length=1)


class CanonUpload(BaseModel):
    chapters: list[CanonChapter] = Field(min_length=1, max_length=20_000)


@routes.post("/api/works/{work_id}/canon")
async def index_canon(request: web.Request) -> web.Response:
    """Index a work's chapters as canon passages (readers see only chapters they reached)."""
    await require_role(request, "editor", "admin")
    req = await body(request, CanonUpload)
    memory = rt(request).memory
    if memory is None:
        raise StoreUnavailable("Long-term memory is turned off on this server.")
    chapters = [(c.chapter, c.text) for c in req.chapters]
    count = await memory.index_canon(request.match_info["work_id"], chapters)
    return web.json_response({"passages": count}, status=201)
