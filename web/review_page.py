"""The editors' review page (``/review``): one autoescaped template; the data comes from
the moderation and persona review endpoints through ``static/review.js``."""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from web.pages import HERE

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)
# Reviewed texts are written by readers and the model: no inline script or style may run.
CSP = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/review", review)


async def review(request: web.Request) -> web.Response:
    return web.Response(
        text=_env.get_template("review.html").render(),
        content_type="text/html",
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
