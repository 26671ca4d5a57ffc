"""The aiohttp application factory. Dependencies are explicit: pass fakes in tests,
leave them out and the real ones are built from ``Settings`` (GUIDE §3.4)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path

import structlog
from aiohttp import web
from redis.asyncio import BlockingConnectionPool, Redis

from characters.store import CardStore
from memory.base import Memory
from memory.embeddings import E5Embedder
from memory.service import LongTermMemory
from memory.simple import NullMemory
from roleplay.errors import StoreUnavailable
from roleplay.llm.base import LLMBackend
from roleplay.settings import Settings
from roleplay.store.chats import ChatStore
from roleplay.store.ratelimit import RateLimiter
from roleplay.store.readers import ReaderStore
from roleplay.store.redis_server import EmbeddedRedis
from roleplay.store.reviews import PersonaReviews
from roleplay.tokens import get_tokenizer
from roleplay.turn.consistency import ConsistencyChecker
from roleplay.turn.service import ChatService, Services
from safety.base import Moderator
from safety.policystore import RedisPolicyBook
from safety.review import ReviewQueue
from web import components, editor, memories, moderation, pages, rest, ws
from web.errors import error_middleware
from web.middleware import request_id_middleware
from web.runtime import RUNTIME, Runtime

log = structlog.get_logger("web")


@dataclass(slots=True)
class Overrides:
    redis: Redis | None = None
    llm: LLMBackend | None = None
    moderator: Moderator | None = None
    memory: Memory | None = None
    consistency: ConsistencyChecker | None = None


def create_app(
    settings: Settings,
    *,
    redis: Redis | None = None,
    llm: LLMBackend | None = None,
    moderator: Moderator | None = None,
    memory: Memory | None = None,
    consistency: ConsistencyChecker | None = None,
) -> web.Application:
    app = web.Application(
        middlewares=[request_id_middleware, error_middleware],
        client_max_size=settings.max_card_bytes,
    )
    overrides = Overrides(redis, llm, moderator, memory, consistency)
    app.cleanup_ctx.append(lambda a: _runtime(a, settings, overrides))
    app.on_shutdown.append(_shutdown)
    rest.setup_routes(app)
    ws.setup_routes(app)
    memories.setup_routes(app)
    pages.setup_routes(app)
    moderation.setup_routes(app)
    editor.setup_routes(app)
    return app


async def _runtime(app: web.Application, settings: Settings, o: Overrides) -> AsyncIterator[None]:
    embedded: EmbeddedRedis | None = None
    redis = o.redis
    if redis is None:
        url = settings.redis_url
        if url is None:
            embedded = EmbeddedRedis(settings.data_dir)
            # Started from the loop's own thread on purpose: the server is tied to the
            # starting thread's life (PR_SET_PDEATHSIG), and start-up may block briefly.
            url = embedded.start()
        # A blocking pool: a burst of requests waits for a connection instead of failing.
        pool = BlockingConnectionPool.from_url(
            url, decode_responses=True, max_connections=settings.redis_max_connections, timeout=10
        )
        redis = Redis(connection_pool=pool)
    # One embedding model for canon lines, memories and the contradiction check.
    embedder = E5Embedder(num_threads=settings.embed_threads)
    llm = o.llm or components.build_llm(settings, embedder)
    memory: LongTermMemory | None = None
    try:
        await _ping(redis)
        if o.memory is None and settings.memory_enabled:
            memory = components.build_memory(settings, redis, embedder, llm)
            await memory.start()
        app[RUNTIME] = await _build(settings, o, redis, llm, embedder, memory)
        # What start-up loaded (models, lexicons, tables) lives as long as the process: out
        # of the collector's sight, a full collection no longer walks it, which had stalled
        # the event loop ~45 ms at a time mid-stream (bench/safety_latency.py).
        gc.collect()
        gc.freeze()
        sweeper = asyncio.create_task(_sweep_forever(app[RUNTIME]))
        yield
        gc.unfreeze()  # an app torn down in a longer-lived process (tests) is collectable again
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        await app[RUNTIME].service.aclose()
    finally:
        if memory is not None:
            await _bounded(memory.aclose(), "memory")
        if o.llm is None:
            await llm.aclose()
        if o.redis is None:
            await redis.aclose()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)


async def _bounded(step: Awaitable[None], what: str, timeout_s: float = 15.0) -> None:
    """A shutdown step that must not hold the process forever (a wedged store client)."""
    try:
        await asyncio.wait_for(step, timeout_s)
    except TimeoutError:
        log.warning("shutdown_step_timed_out", step=what, timeout_s=timeout_s)


async def _ping(redis: Redis) -> None:
    try:
        await redis.ping()
    except Exception as exc:
        raise StoreUnavailable(
            f"Cannot reach Redis ({exc}); check REDIS_URL or unset it to use the embedded server."
        ) from exc


async def _build(
    settings: Settings,
    o: Overrides,
    redis: Redis,
    llm: LLMBackend,
    embedder: E5Embedder,
    memory: LongTermMemory | None,
) -> Runtime:
    chats = ChatStore(redis, lease_s=settings.turn_lease_s)
    cards = CardStore(redis)
    reviews = ReviewQueue(redis)
    persona_reviews = PersonaReviews(redis)
    # One policy book: editors' changes and the moderator's reads share its cache.
    policies = RedisPolicyBook(redis)
    services = Services(
        chats=chats,
        cards=cards,
        llm=llm,
        moderator=o.moderator or components.build_moderator(settings, policies, reviews),
        memory=o.memory or memory or NullMemory(),
        consistency=o.consistency or components.build_consistency(settings, embedder, llm),
        limiter=RateLimiter(redis, per_minute=settings.turns_per_minute),
        tokenizer=get_tokenizer(settings.tokenizer),
        persona_policy=components.consistency_policy(settings),
        reviews=persona_reviews,
    )
    seeded = await cards.seed()
    swept = await chats.sweep_stale()
    log.info(
        "runtime_ready",
        backend=llm.name,
        memory=type(services.memory).__name__,
        moderator=type(services.moderator).__name__,
        seeded_cards=seeded,
        stale_replies=swept,
    )
    readers = ReaderStore(redis)
    runtime = Runtime(
        settings,
        ChatService(services, settings),
        readers,
        cards,
        redis,
        llm,
        memory=memory,
        reviews=reviews,
        persona_reviews=persona_reviews,
        policies=policies,
    )
    runtime.admin_token_file = await _admin_token(readers, settings.data_dir)
    return runtime


async def _admin_token(readers: ReaderStore, data_dir: Path) -> Path:
    """The first start creates an admin and leaves its token in a private file."""
    path = data_dir / "admin-token"
    _, token = await readers.ensure_admin()
    if token is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(token + "\n")
    return path


async def _sweep_forever(runtime: Runtime) -> None:
    while True:
        await asyncio.sleep(runtime.service.s.chats.lease_s / 2)
        try:
            await runtime.service.s.chats.sweep_stale()
        except Exception as exc:  # keep sweeping; Redis may come back
            log.warning("sweep_failed", error=repr(exc))


async def _shutdown(app: web.Application) -> None:
    """Let replies in flight finish for a moment, then stop them (stored as incomplete)."""
    runtime = app[RUNTIME]
    if runtime.turns:
        grace = runtime.settings.shutdown_grace_s
        log.info("shutdown_waiting_for_turns", turns=len(runtime.turns), grace_s=grace)
        _, pending = await asyncio.wait(set(runtime.turns), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)
            log.info("shutdown_stopped_turns", turns=len(pending))
    for sock in list(runtime.sockets):
        await sock.close(code=1001, message=b"server shutdown")
