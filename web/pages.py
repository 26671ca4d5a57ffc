"""The reader page: one jinja2 template (autoescaped) plus static JS/CSS."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from web.runtime import RUNTIME

HERE = Path(__file__).parent
_env = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/api/cards/{card_id}/avatar", avatar)
    app.router.add_static("/static", HERE / "static", append_version=True)


async def index(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    html = _env.get_template("index.html").render(
        canon_mode=runtime.llm.name == "canon",
        backend=runtime.llm.name,
        max_chars=runtime.settings.max_message_chars,
    )
    return web.Response(
        text=html,
        content_type="text/html",
        headers={
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
            "connect-src 'self' ws: wss:; style-src 'self'",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def avatar(request: web.Request) -> web.Response:
    from characters.png import placeholder_png

    runtime = request.app[RUNTIME]
    stored = await runtime.cards.get(request.match_info["card_id"])
    image = await runtime.cards.image(stored.id) or placeholder_png(stored.card.data.name)
    return web.Response(
        body=image, content_type="image/png", headers={"Cache-Control": "max-age=300"}
    )
