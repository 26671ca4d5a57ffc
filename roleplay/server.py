"""Running the web app as a process: event loop, signals, the start-up banner."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

from roleplay.logs import configure_logging
from roleplay.settings import Settings


def run_server(settings: Settings, *, app: web.Application | None = None) -> None:
    """Serve until SIGINT/SIGTERM, then shut down gracefully (in-flight turns are saved)."""
    configure_logging(settings.log_level, settings.log_format)
    runner = _loop_runner()
    runner(_serve(settings, app))


def _loop_runner() -> Callable[[Awaitable[None]], None]:
    try:
        import uvloop  # a faster event loop where available (Linux, macOS)

        return lambda main: uvloop.run(main)  # type: ignore[arg-type]
    except ImportError:
        return lambda main: asyncio.run(main)  # type: ignore[arg-type]


async def _serve(settings: Settings, app: web.Application | None) -> None:
    from web.app import create_app
    from web.runtime import RUNTIME

    app = app if app is not None else create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        runtime = app[RUNTIME]
        if runtime.llm.name == "canon":
            mode = "canon mode: replies are the character's own lines (no LLM configured)"
        else:
            mode = f"LLM: {settings.llm_model} via {settings.openai_base_url}"
        print(
            f"\n  Open {settings.url} in your browser.\n  {mode}\n"
            f"  Admin token: {runtime.admin_token_file}\n  Stop with Ctrl+C.\n",
            flush=True,
        )
        await _until_signal()
    finally:
        await runner.cleanup()


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
