"""Extraction as a background job: an uploaded novel -> a worker process -> cards in the store.

``submit`` checks the upload (a bad file is refused before anything is kept), takes the
work's lock (one job per work, across server processes) and starts the job; the job
relays the worker's progress into Redis, then saves every card into the card store
and keeps the review report. ``close`` (server shutdown) stops running workers and marks
their jobs interrupted; ``resume`` continues one from the pipeline's checkpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import structlog

from characters.extract.errors import ExtractError
from characters.extract.ingest import read_document
from characters.extract.llmstage import LLMEndpoint
from characters.store import CardStore
from characters.works.cardsync import save_cards
from characters.works.layout import WorkDir, check_work_id, default_work_id
from characters.works.process import WorkerProcess
from characters.works.records import (
    Job,
    JobError,
    JobKind,
    JobResult,
    JobStatus,
    Progress,
    Work,
    advance,
)
from characters.works.store import INTERRUPTED, JobStore
from characters.works.worker import WorkerTask
from roleplay.errors import Conflict, NotFound
from roleplay.models import new_id, now

log = structlog.get_logger("works")
INCOMING = ".incoming"
STALE_INCOMING_S = 3600


class JobFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(slots=True)
class _Tracker:
    """The latest state of a running job, saved (and announced) on every change."""

    store: JobStore
    job: Job

    async def save(self, **changes: Any) -> Job:
        self.job = await self.store.save_job(self.job.but(**changes))
        return self.job


class ExtractionJobs:
    def __init__(
        self,
        store: JobStore,
        cards: CardStore,
        root: Path,
        *,
        max_bytes: int,
        worker_jobs: int | None = None,
        concurrency: int = 1,
        on_ready: Callable[[str, Path], None] | None = None,
        llm: LLMEndpoint | None = None,
    ) -> None:
        self.store = store
        self.cards = cards
        self.root = root
        self.max_bytes = max_bytes
        self._worker_jobs = worker_jobs
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._cancelling: set[str] = set()  # job ids an editor cancelled (not a shutdown)
        # Called with (work id, output folder) once its cards are published (canon indexing).
        self._on_ready = on_ready
        # With an endpoint, every job writes LLM profiles (LLMEndpoint.from_settings).
        self._llm = llm

    def work_dir(self, work_id: str) -> WorkDir:
        return WorkDir(self.root / check_work_id(work_id))

    async def start(self) -> int:
        """Mark jobs whose process is gone as interrupted; drop abandoned partial uploads."""
        incoming = self.root / INCOMING
        if incoming.is_dir():
            for folder in incoming.iterdir():
                if time.time() - folder.stat().st_mtime > STALE_INCOMING_S:
                    shutil.rmtree(folder, ignore_errors=True)
        return await self.store.sweep()

    async def close(self) -> None:
        """Stop this process's jobs: each is marked interrupted and can be resumed."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @asynccontextmanager
    async def incoming(self) -> AsyncIterator[Path]:
        """A private folder for an upload in progress, removed afterwards whatever happens."""
        folder = self.root / INCOMING / secrets.token_hex(8)
        folder.mkdir(parents=True)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def ensure_free(self, work_id: str) -> None:
        holder = await self.store.holder(check_work_id(work_id))
        if holder is not None:
            raise _busy(work_id, holder)

    # -- starting jobs ---------------------------------------------------------

    async def submit(
        self,
        kind: JobKind,
        upload: Path,
        *,
        reader_id: str,
        work_id: str | None = None,
        replace: bool = False,
    ) -> Job:
        """Check ``upload``, take the work and start the job; nothing is kept if this raises."""
        work_id = await self._pick_id(upload.name, work_id)
        job = Job(id=new_id("job"), kind=kind, work_id=work_id, file=upload.name,
                  created_by=reader_id)  # fmt: skip
        if not await self.store.lock(work_id, job.id):
            raise _busy(work_id, await self.store.holder(work_id))
        wd = self.work_dir(work_id)
        existing = await self.store.find_work(work_id)
        try:
            _check_target(kind, work_id, existing, replace)
            doc = await asyncio.to_thread(read_document, upload, max_bytes=self.max_bytes)
            if existing is not None and kind == "append" and doc.language != existing.language:
                raise ExtractError(f"{upload.name} is {doc.language}, the work is "
                                   f"{existing.language}")  # fmt: skip
            target = wd.uploads(job.id) / upload.name
            target.parent.mkdir(parents=True, exist_ok=True)
            upload.rename(target)
            work = existing or Work(id=work_id, title=Path(upload.name).stem,
                                    language=doc.language, source=upload.name)  # fmt: skip
            await self.store.save_work(work.model_copy(update={"last_job": job.id}))
            job = await self.store.add_job(job)
        except BaseException:
            await self.store.unlock(work_id, job.id)
            _discard(wd, job.id, whole=existing is None)
            raise
        self._launch(job)
        return job

    async def resume(self, job_id: str) -> Job:
        job = await self.store.job(job_id)
        if job.status != "interrupted":
            raise Conflict(f"Only an interrupted job can be resumed; this one is {job.status}.")
        if self.work_dir(job.work_id).upload(job.id) is None:
            raise Conflict("This job's uploaded file is gone; upload the novel again.")
        if not await self.store.lock(job.work_id, job.id):
            raise _busy(job.work_id, await self.store.holder(job.work_id))
        job = await self.store.save_job(
            job.but(
                status="queued",
                error=None,
                progress=Progress(),
                attempts=job.attempts + 1,
                started_at=None,
                finished_at=None,
            )  # fmt: skip
        )
        self._launch(job)
        return job

    async def cancel(self, job_id: str) -> Job:
        """Stop a queued or running job; a first extraction leaves nothing behind, an
        append leaves the work as it was before it."""
        job = await self.store.job(job_id)
        if job.status not in ("queued", "running"):
            raise Conflict(f"Only a queued or running job can be cancelled; this one is "
                           f"{job.status}.")  # fmt: skip
        if job.progress.stage == "cards":
            raise Conflict("The job is saving its cards and done in a moment; delete the "
                           "work afterwards if you do not want it.")  # fmt: skip
        task = self._tasks.get(job_id)
        if task is None:  # another server process runs it: its heartbeat will see this
            await self.store.request_cancel(job_id)
            return job
        self._cancelling.add(job_id)
        task.cancel()
        await asyncio.wait({task}, timeout=30)
        return await self.store.job(job_id)

    async def delete_work(self, work_id: str) -> list[str]:
        """Remove a work: its cards (readers' chats with them end), record and files."""
        work = await self.store.work(check_work_id(work_id))
        holder = await self.store.holder(work.id)
        if holder is not None:
            raise Conflict(f"Work {work_id!r} has a job running ({holder}): cancel it first "
                           f"(POST /api/jobs/{holder}/cancel).")  # fmt: skip
        for card in work.cards.values():
            with contextlib.suppress(NotFound):
                await self.cards.delete(card)
        await self.store.forget_work(work.id)
        await asyncio.to_thread(shutil.rmtree, self.work_dir(work.id).folder, True)
        log.info("work_deleted", work=work.id, cards=len(work.cards))
        return sorted(work.cards.values())

    async def _pick_id(self, filename: str, work_id: str | None) -> str:
        if work_id:
            return check_work_id(work_id)
        base = default_work_id(filename)
        candidate = base
        while await self.store.find_work(candidate) or await self.store.holder(candidate):
            candidate = f"{base}-{secrets.token_hex(2)}"
        return candidate

    def _launch(self, job: Job) -> None:
        task = asyncio.create_task(self._run(job), name=f"extraction {job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job.id, None))

    # -- running them ----------------------------------------------------------

    async def _run(self, job: Job) -> None:
        t = _Tracker(self.store, job)
        beat = asyncio.create_task(self._keep_lock(job))
        try:
            async with self._slots:
                await t.save(status="running", started_at=now())
                final = await self._extract(t)
                await self._publish(t, final)
        except JobFailed as exc:
            await self._fail(t, exc.code, exc.message)
        except asyncio.CancelledError:
            if job.id in self._cancelling:  # an editor's cancel, not a shutdown: we are done
                self._cancelling.discard(job.id)
                await self._fail(t, "cancelled", "Cancelled by an editor.", status="cancelled")
                return
            await t.save(status="interrupted", error=INTERRUPTED, finished_at=now())
            log.info("job_interrupted", job=job.id, work=job.work_id)
            raise
        except Exception as exc:
            log.exception("job_crashed", job=job.id, work=job.work_id)
            await self._fail(t, "internal", f"The job failed on the server ({type(exc).__name__}); "
                                            "see the server log.")  # fmt: skip
        finally:
            beat.cancel()
            await self.store.unlock(job.work_id, job.id)

    async def _keep_lock(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self.store.lease_s / 3)
            try:
                if await self.store.cancel_requested(job.id) and job.id in self._tasks:
                    self._cancelling.add(job.id)
                    self._tasks[job.id].cancel()
                    return
                if not await self.store.renew(job.work_id, job.id):
                    log.warning("job_lock_lost", job=job.id, work=job.work_id)
                    await self.store.lock(job.work_id, job.id)
            except Exception as exc:  # keep beating; Redis may come back
                log.warning("job_lock_renew_failed", job=job.id, error=repr(exc))

    async def _extract(self, t: _Tracker) -> dict[str, Any]:
        wd = self.work_dir(t.job.work_id)
        upload = wd.upload(t.job.id)
        if upload is None:
            raise JobFailed("upload_missing", "The uploaded file is gone; upload the novel again.")
        task = WorkerTask(t.job.kind, str(upload), str(wd.out), str(wd.report), t.job.work_id,
                          self._worker_jobs, os.getpid())  # fmt: skip
        if self._llm is not None:
            task = replace(task, llm_base_url=self._llm.base_url, llm_model=self._llm.model,
                           llm_api_key=self._llm.api_key)  # fmt: skip
        proc = await WorkerProcess.start(task)
        final: dict[str, Any] | None = None
        try:
            async for message in proc.messages():
                if message.get("type") == "progress":
                    await t.save(progress=advance(t.job, message, now()))
                elif message.get("type") in ("done", "error"):
                    final = message
            code = await proc.wait()
        finally:
            await proc.stop()
        if final is None:
            raise JobFailed("internal", f"The extraction process ended unexpectedly (exit code "
                                        f"{code}); see the server log.")  # fmt: skip
        if final["type"] == "error":
            raise JobFailed(str(final.get("code", "internal")), str(final.get("message", "")))
        return final

    async def _publish(self, t: _Tracker, final: dict[str, Any]) -> None:
        """Save every card into the card store and record the work as ready."""
        job, wd = t.job, self.work_dir(t.job.work_id)
        await t.save(progress=advance(job, {"stage": "cards", "done": 0, "total": 1}, now()))
        work = await self.store.work(job.work_id)
        ids = await save_cards(self.cards, job.work_id, wd.out, work.cards)
        report = await asyncio.to_thread(_read_json, wd.report)
        work = work.model_copy(update=dict(
            title=report["title"], language=report["language"], source=report["source"],
            appended=report["appended"], chapters=final["chapters"], quotes=final["quotes"],
            characters=final["characters"], cards=ids, ready=True,
        ))  # fmt: skip
        await self.store.save_work(work)
        shutil.rmtree(wd.uploads(job.id), ignore_errors=True)  # the text is in extract/state
        result = JobResult(chapters=final["chapters"], quotes=final["quotes"],
                           characters=final["characters"], cards=sorted(ids.values()),
                           resumed_stages=final.get("resumed_stages", []),
                           changes=final.get("changes", []))  # fmt: skip
        drafts = len(set(ids.values()) & await self.cards.drafts())
        saved = f"{len(ids)} cards saved" + (
            f", {drafts} new ones waiting for an editor to publish them" if drafts else ""
        )
        done = Progress(stage="done", done=1, total=1, chapter=job.progress.chapter, fraction=1.0,
                        eta_s=0.0, message=saved)  # fmt: skip
        await t.save(status="done", result=result, progress=done, finished_at=now())
        log.info("job_done", job=job.id, work=job.work_id, cards=len(ids))
        if self._on_ready is not None:
            self._on_ready(job.work_id, wd.out)

    async def _fail(
        self, t: _Tracker, code: str, message: str, status: JobStatus = "failed"
    ) -> None:
        # Clean up first, then say the job is over: whoever sees the final status must not
        # still find the half-made work (a cancel seen from another process raced this).
        work = await self.store.find_work(t.job.work_id)
        whole = work is None or not work.ready
        if whole:  # a first extraction that failed leaves no half-made work behind
            await self.store.forget_work(t.job.work_id)
        _discard(self.work_dir(t.job.work_id), t.job.id, whole=whole)
        await t.save(status=status, error=JobError(code=code, message=message), finished_at=now())
        log.info("job_" + status, job=t.job.id, work=t.job.work_id, code=code)

    # -- reading -----------------------------------------------------------------

    async def works(self) -> list[tuple[Work, Job | None]]:
        out = []
        for work in await self.store.works():
            job = None
            if work.last_job:
                with contextlib.suppress(NotFound):
                    job = await self.store.job(work.last_job)
            out.append((work, job))
        return out

    async def review(self, work_id: str) -> dict[str, Any]:
        """The work, its recent jobs and the report of its last finished job."""
        work = await self.store.work(check_work_id(work_id))
        jobs = await self.store.jobs_of(work.id)
        path = self.work_dir(work.id).report
        report = await asyncio.to_thread(_read_json, path) if path.is_file() else None
        drafts = await self.cards.drafts()
        if report is not None:
            for person in report["roster"]:
                person["card_id"] = work.cards.get(person["id"])
                person["draft"] = person["card_id"] in drafts
        return {
            "work": work.model_dump(mode="json"),
            "jobs": [j.model_dump(mode="json") for j in jobs],
            "report": report,
            "drafts": sorted(set(work.cards.values()) & drafts),
        }

    async def publish(self, work_id: str) -> list[str]:
        """Show the work's draft cards to readers; returns the ids published."""
        work = await self.store.work(check_work_id(work_id))
        if not work.ready:
            raise Conflict(
                f"Work {work_id!r} has no finished extraction yet: wait for its job to "
                "finish, then publish."
            )
        ids = sorted(set(work.cards.values()) & await self.cards.drafts())
        await self.cards.publish(ids)
        log.info("work_published", work=work_id, cards=len(ids))
        return ids


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _check_target(kind: JobKind, work_id: str, existing: Work | None, replace: bool) -> None:
    if kind == "append":
        if existing is None:
            raise NotFound(f"No work {work_id!r} to append to. Upload the book first.")
        if not existing.ready:
            raise Conflict(f"Work {work_id!r} has no finished extraction yet to append to.")
    elif existing is not None and existing.ready and not replace:
        raise Conflict(
            f"Work {work_id!r} is already extracted. Append new chapters with "
            f"POST /api/works/{work_id}/chapters, or upload with replace=true to extract "
            "it again."
        )


def _busy(work_id: str, holder: str | None) -> Conflict:
    return Conflict(
        f"Work {work_id!r} already has a job running ({holder}); wait for it to finish "
        f"(GET /api/jobs/{holder}).",
        detail={"job_id": holder},
    )


def _discard(wd: WorkDir, job_id: str, *, whole: bool) -> None:
    shutil.rmtree(wd.folder if whole else wd.uploads(job_id), ignore_errors=True)
