"""REST handlers: thin — parse, authorise, call a service, serialise."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field

from characters.card import export_card_json
from characters.cardfile import dump_card, load_card
from roleplay import sillytavern
from roleplay.errors import Forbidden, InvalidInput, Unauthorized
from roleplay.models import Reader, Role
from roleplay.turn.events import Accepted, Finished
from web.runtime import RUNTIME, Runtime

routes = web.RouteTableDef()


def setup_routes(app: web.Application) -> None:
    app.add_routes(routes)


def rt(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


async def current_reader(request: web.Request) -> Reader:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized(
            "Sign in first: send 'Authorization: Bearer <token>' "
            "(POST /api/readers gives a token; bots use an API key)."
        )
    reader, _ = await rt(request).readers.authenticate(header.removeprefix("Bearer ").strip())
    return reader


async def require_role(request: web.Request, *roles: Role) -> Reader:
    reader = await current_reader(request)
    if reader.role not in roles:
        raise Forbidden(f"This needs the {' or '.join(roles)} role; ask an admin.")
    return reader


def dump(model: BaseModel | list[Any]) -> Any:
    if isinstance(model, list):
        return [m.model_dump(mode="json") for m in model]
    return model.model_dump(mode="json")


async def body(request: web.Request, model: type[BaseModel]) -> Any:
    if not request.can_read_body:
        raise InvalidInput("This request needs a JSON body.")
    return model.model_validate(json.loads(await request.read()))


# -- health, readers, keys ---------------------------------------------------


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    runtime = rt(request)
    await runtime.redis.ping()
    return web.json_response({"status": "ok", "backend": runtime.llm.name})


class NewReader(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    minor: bool = False


@routes.post("/api/readers")
async def create_reader(request: web.Request) -> web.Response:
    req = await body(request, NewReader)
    readers = rt(request).readers
    reader = await readers.create(req.name, minor=req.minor)
    token = await readers.issue_session(reader.id)
    return web.json_response({"reader": dump(reader), "token": token}, status=201)


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    return web.json_response({"reader": dump(await current_reader(request))})


class ReaderPatch(BaseModel):
    role: Role | None = None
    minor: bool | None = None


@routes.patch("/api/readers/{reader_id}")
async def patch_reader(request: web.Request) -> web.Response:
    await require_role(request, "admin")
    req = await body(request, ReaderPatch)
    readers = rt(request).readers
    reader = await readers.get(request.match_info["reader_id"])
    reader = await readers.update(reader.model_copy(update=req.model_dump(exclude_none=True)))
    return web.json_response({"reader": dump(reader)})


class NewKey(BaseModel):
    label: str = Field(default="bot", max_length=64)


@routes.post("/api/keys")
async def create_key(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    req = await body(request, NewKey)
    key, info = await rt(request).readers.issue_api_key(reader.id, req.label)
    return web.json_response({"key": key, "info": dump(info)}, status=201)


@routes.get("/api/keys")
async def list_keys(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    return web.json_response({"keys": dump(await rt(request).readers.list_api_keys(reader.id))})


@routes.delete("/api/keys/{key_id}")
async def revoke_key(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    await rt(request).readers.revoke_api_key(reader.id, request.match_info["key_id"])
    return web.Response(status=204)


# -- cards -------------------------------------------------------------------


async def signed_in_editor(request: web.Request) -> bool:
    """Card listings are public; an editor who signs them sees unpublished drafts too."""
    if "Authorization" not in request.headers:
        return False
    return (await current_reader(request)).is_editor


@routes.get("/api/cards")
async def list_cards(request: web.Request) -> web.Response:
    drafts = await signed_in_editor(request)
    return web.json_response({"cards": dump(await rt(request).cards.summaries(drafts=drafts))})


@routes.get("/api/cards/{card_id}")
async def get_card(request: web.Request) -> web.Response:
    editor = await signed_in_editor(request)
    stored = await rt(request).cards.get_visible(request.match_info["card_id"], editor=editor)
    return web.json_response(
        {"id": stored.id, "version": stored.version, "card": export_card_json(stored.card, "v3")}
    )


@routes.get("/api/cards/{card_id}/export")
async def export_card(request: web.Request) -> web.Response:
    cards = rt(request).cards
    editor = await signed_in_editor(request)
    stored = await cards.get_visible(request.match_info["card_id"], editor=editor)
    fmt = request.query.get("format", "png")
    spec = request.query.get("spec", "v3")
    if fmt not in ("png", "json") or spec not in ("v1", "v2", "v3"):
        raise InvalidInput("Use format=png|json and spec=v1|v2|v3.")
    data = dump_card(stored.card, fmt, spec, image=await cards.image(stored.id))  # type: ignore[arg-type]
    mime = "image/png" if fmt == "png" else "application/json"
    return web.Response(
        body=data,
        content_type=mime,
        headers={"Content-Disposition": f'attachment; filename="{stored.id}.{fmt}"'},
    )


@routes.post("/api/cards")
async def upload_card(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    data = await request.read()
    if not data:
        raise InvalidInput("Send the card file (PNG or JSON) as the request body.")
    card = load_card(data, request.query.get("filename", ""))
    image = data if data.startswith(b"\x89PNG") else None
    stored = await rt(request).cards.put(card, card_id=request.query.get("id"), image=image)
    return web.json_response({"id": stored.id, "version": stored.version}, status=201)


@routes.delete("/api/cards/{card_id}")
async def delete_card(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    await rt(request).cards.delete(request.match_info["card_id"])
    return web.Response(status=204)


# -- chats -------------------------------------------------------------------


class NewChat(BaseModel):
    card_id: str = Field(max_length=64)
    user_name: str | None = Field(default=None, max_length=64)
    chapter: int | None = None


class ChatPatch(BaseModel):
    chapter: int | None = None


class NewMessage(BaseModel):
    text: str


class MessagePatch(BaseModel):
    text: str | None = None
    swipe_index: int | None = None


@routes.get("/api/chats")
async def list_chats(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    chats = await rt(request).service.s.chats.list_chats(reader.id)
    return web.json_response({"chats": dump(chats)})


@routes.post("/api/chats")
async def create_chat(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    req = await body(request, NewChat)
    chat, messages = await rt(request).service.start_chat(
        reader, req.card_id, user_name=req.user_name, chapter=req.chapter
    )
    return web.json_response({"chat": dump(chat), "messages": dump(messages)}, status=201)


@routes.get("/api/chats/{chat_id}")
async def get_chat(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    chat, messages = await rt(request).service.open_chat(reader, request.match_info["chat_id"])
    return web.json_response({"chat": dump(chat), "messages": dump(messages)})


@routes.patch("/api/chats/{chat_id}")
async def patch_chat(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    req = await body(request, ChatPatch)
    chat = await rt(request).service.set_chapter(reader, request.match_info["chat_id"], req.chapter)
    return web.json_response({"chat": dump(chat)})


@routes.delete("/api/chats/{chat_id}")
async def delete_chat(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    service = rt(request).service
    chat = await service.s.chats.get_chat(reader.id, request.match_info["chat_id"])
    await service.s.chats.delete_chat(chat)
    return web.Response(status=204)


@routes.post("/api/chats/{chat_id}/messages")
async def send_message(request: web.Request) -> web.Response:
    """A whole turn without streaming, for simple integrations."""
    reader = await current_reader(request)
    req = await body(request, NewMessage)
    accepted = finished = None
    async for event in rt(request).service.turn(reader, request.match_info["chat_id"], req.text):
        if isinstance(event, Accepted):
            accepted = event.message
        elif isinstance(event, Finished):
            finished = event
    assert accepted is not None and finished is not None
    return web.json_response(
        {
            "message": dump(accepted),
            "reply": dump(finished.message),
            "usage": dump(finished.usage),
            "notes": finished.notes,
        }
    )


@routes.patch("/api/chats/{chat_id}/messages/{message_id}")
async def patch_message(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    req = await body(request, MessagePatch)
    service, ids = rt(request).service, request.match_info
    if req.text is not None:
        msg = await service.edit(reader, ids["chat_id"], ids["message_id"], req.text)
    elif req.swipe_index is not None:
        msg = await service.select_swipe(reader, ids["chat_id"], ids["message_id"], req.swipe_index)
    else:
        raise InvalidInput('Send {"text": …} to edit or {"swipe_index": n} to pick a swipe.')
    return web.json_response({"message": dump(msg)})


@routes.delete("/api/chats/{chat_id}/messages/{message_id}")
async def delete_message(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    ids = request.match_info
    await rt(request).service.delete_message(reader, ids["chat_id"], ids["message_id"])
    return web.Response(status=204)


@routes.get("/api/chats/{chat_id}/export")
async def export_chat(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    chat, messages = await rt(request).service.open_chat(reader, request.match_info["chat_id"])
    return web.Response(
        text=sillytavern.export_jsonl(chat, messages),
        content_type="application/jsonl",
        headers={"Content-Disposition": f'attachment; filename="{chat.id}.jsonl"'},
    )


@routes.post("/api/chats/import")
async def import_chat(request: web.Request) -> web.Response:
    reader = await current_reader(request)
    card_id = request.query.get("card_id", "")
    if not card_id:
        raise InvalidInput("Say which character the chat is with: ?card_id=…")
    text = (await request.read()).decode("utf-8", errors="strict")
    chat, messages = await sillytavern.import_jsonl(rt(request).service, reader, card_id, text)
    return web.json_response({"chat": dump(chat), "messages": len(messages)}, status=201)
