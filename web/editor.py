"""The editor's side: novel uploads as extraction jobs, their progress, the review report.

Thin handlers over ``characters.works.ExtractionJobs``; everything needs the editor or
admin role. Progress is Server-Sent Events (``GET /api/jobs/{id}/events``): one
``job`` event with the whole job on every change, a comment line as keep-alive. The
page reads them with fetch() because EventSource cannot send an Authorization header.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from characters.extract.llmstage import LLMEndpoint
from characters.works.canon import CanonFeeder
from characters.works.jobs import ExtractionJobs
from characters.works.records import Job, JobKind
from characters.works.store import JobStore
from web.rest import require_role
from web.runtime import RUNTIME
from web.upload import receive_upload

HERE = Path(__file__).parent
KEEPALIVE_S = 15.0
_env = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


@dataclass(slots=True)
class Editor:
    jobs: ExtractionJobs
    canon: CanonFeeder | None = None  # None: memory is off
    streams: set[asyncio.Task[Any]] = field(default_factory=set)
    closing: asyncio.Event = field(default_factory=asyncio.Event)


EDITOR = web.AppKey("editor", Editor)


def setup_routes(app: web.Application) -> None:
    """Register after the runtime's cleanup context: the jobs use its Redis and card store."""
    app.cleanup_ctx.append(_editor_ctx)
    app.on_shutdown.append(_end_streams)
    app.router.add_get("/editor", page)
    app.router.add_get("/api/works", list_works)
    app.router.add_post("/api/works", upload_work)
    app.router.add_get("/api/works/{work_id}", get_work)
    app.router.add_post("/api/works/{work_id}/chapters", append_chapters)
    app.router.add_post("/api/works/{work_id}/publish", publish_work)
    app.router.add_delete("/api/works/{work_id}", delete_work)
    app.router.add_post("/api/jobs/{job_id}/cancel", cancel_job)
    app.router.add_get("/api/jobs/{job_id}", get_job)
    app.router.add_post("/api/jobs/{job_id}/resume", resume_job)
    app.router.add_get("/api/jobs/{job_id}/events", job_events)


async def _editor_ctx(app: web.Application) -> AsyncIterator[None]:
    runtime = app[RUNTIME]
    s = runtime.settings
    memory = runtime.memory
    canon = CanonFeeder(memory.index_canon, memory.forget_canon) if memory is not None else None
    jobs = ExtractionJobs(
        JobStore(runtime.redis),
        runtime.cards,
        s.data_dir / "works",
        max_bytes=s.extract_max_bytes,
        worker_jobs=s.extract_jobs,
        concurrency=s.extract_concurrency,
        on_ready=canon.schedule if canon is not None else None,
        llm=LLMEndpoint.from_settings(s),
    )
    await jobs.start()
    app[EDITOR] = Editor(jobs, canon)
    try:
        yield
    finally:
        await jobs.close()
        if canon is not None:
            await canon.close()


async def _end_streams(app: web.Application) -> None:
    # Progress streams never end on their own while a job runs; the server would wait
    # its whole shutdown timeout for them. A cancellation that lands inside the Redis
    # client's timed read can be lost (it ran on until the job finished, ~1 in 10 test
    # runs), so the streams also stop at their next update once ``closing`` is set.
    app[EDITOR].closing.set()
    for task in list(app[EDITOR].streams):
        task.cancel()


def _jobs(request: web.Request) -> ExtractionJobs:
    return request.app[EDITOR].jobs


async def page(request: web.Request) -> web.Response:
    settings = request.app[RUNTIME].settings
    html = _env.get_template("editor.html").render(max_bytes=settings.extract_max_bytes)
    return web.Response(
        text=html,
        content_type="text/html",
        headers={
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; style-src 'self'",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def list_works(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    works = await _jobs(request).works()
    return web.json_response({
        "works": [
            {**w.model_dump(mode="json"), "job": j.model_dump(mode="json") if j else None}
            for w, j in works
        ]
    })  # fmt: skip


async def upload_work(request: web.Request) -> web.Response:
    return await _upload(request, "extract", request.query.get("work") or None)


async def append_chapters(request: web.Request) -> web.Response:
    return await _upload(request, "append", request.match_info["work_id"])


async def _upload(request: web.Request, kind: JobKind, work_id: str | None) -> web.Response:
    reader = await require_role(request, "editor", "admin")
    jobs = _jobs(request)
    if work_id is not None:
        await jobs.ensure_free(work_id)  # say so before a long upload, not after
    replace = request.query.get("replace", "").lower() in ("1", "true", "yes")
    async with jobs.incoming() as folder:
        path = await receive_upload(request, folder, jobs.max_bytes)
        job = await jobs.submit(kind, path, reader_id=reader.id, work_id=work_id,
                                replace=replace)  # fmt: skip
    return _job_response(job, status=202)


async def get_work(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    return web.json_response(await _jobs(request).review(request.match_info["work_id"]))


async def publish_work(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    published = await _jobs(request).publish(request.match_info["work_id"])
    return web.json_response({"published": published})


async def delete_work(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    editor, work_id = request.app[EDITOR], request.match_info["work_id"]
    deleted = await editor.jobs.delete_work(work_id)
    if editor.canon is not None:
        await editor.canon.remove(work_id)
    return web.json_response({"deleted_cards": deleted})


async def cancel_job(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    return _job_response(await _jobs(request).cancel(request.match_info["job_id"]), status=202)


async def get_job(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    return _job_response(await _jobs(request).store.job(request.match_info["job_id"]))


async def resume_job(request: web.Request) -> web.Response:
    await require_role(request, "editor", "admin")
    return _job_response(await _jobs(request).resume(request.match_info["job_id"]), status=202)


def _job_response(job: Job, status: int = 200) -> web.Response:
    return web.json_response({"job": job.model_dump(mode="json")}, status=status)


async def job_events(request: web.Request) -> web.StreamResponse:
    await require_role(request, "editor", "admin")
    jobs = _jobs(request)
    job_id = request.match_info["job_id"]
    await jobs.store.job(job_id)  # a 404 as JSON, before the stream starts
    resp = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # proxies (nginx) must not hold events back
        }
    )
    await resp.prepare(request)
    streams = request.app[EDITOR].streams
    task = asyncio.current_task()
    assert task is not None
    streams.add(task)
    try:
        async with aclosing(jobs.store.follow(job_id, poll_s=KEEPALIVE_S)) as updates:
            async for job in updates:
                await resp.write(sse(job) if job is not None else b": keep-alive\n\n")
                if request.app[EDITOR].closing.is_set():
                    return resp
    except (ConnectionResetError, asyncio.CancelledError):
        # The page went away, or the server is stopping (``_end_streams``): either way
        # this stream is over, and there is nothing more to send on it.
        return resp
    finally:
        streams.discard(task)
    await resp.write_eof()
    return resp


def sse(job: Job) -> bytes:
    data = json.dumps(job.model_dump(mode="json"), ensure_ascii=False)
    return f"event: job\nid: {job.updated_at}\ndata: {data}\n\n".encode()
