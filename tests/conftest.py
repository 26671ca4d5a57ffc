"""Shared fixtures: a real redis-server per test session, and the shared data folder."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """``../shared/data`` next to the repo, or ``$ROLEPLAY_SHARED_DATA``; None when absent."""
    env = os.environ.get("ROLEPLAY_SHARED_DATA")
    path = Path(env) if env else REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if path is None:
        pytest.skip("real data sets not present (../shared/data); skipping")
    return path


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server for the whole session (the same one ``roleplay serve`` embeds)."""
    from roleplay.store.redis_server import EmbeddedRedis

    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """A client on a freshly flushed database: every test starts from empty Redis."""
    client: Redis = Redis.from_url(redis_url, decode_responses=True)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


HANG_DUMP_S = float(os.environ.get("ROLEPLAY_TEST_HANG_DUMP_S", "60"))


@pytest.fixture(autouse=True)
def _dump_tasks_if_hung() -> Iterator[None]:
    """A test still running after a minute prints every asyncio task's stack: a thread dump
    only shows the idle event loop, while the culprit is whichever coroutine never resumes."""
    import asyncio
    import gc
    import sys
    import threading

    def dump() -> None:
        # Task.print_stack shows one frame of a suspended coroutine: walk the await chain.
        for task in asyncio.all_tasks():
            print(f"--- {task!r}", file=sys.__stderr__)
            coro: object = task.get_coro()
            while coro is not None:
                frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
                if frame is not None:
                    where = f"{frame.f_code.co_filename}:{frame.f_lineno}"
                    print(f"    {where} {frame.f_code.co_name}", file=sys.__stderr__)
                coro = getattr(coro, "cr_await", None) or getattr(coro, "ag_await", None)

    def on_timer() -> None:
        for obj in gc.get_objects():
            if isinstance(obj, asyncio.AbstractEventLoop) and obj.is_running():
                obj.call_soon_threadsafe(dump)

    timer = threading.Timer(HANG_DUMP_S, on_timer)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
