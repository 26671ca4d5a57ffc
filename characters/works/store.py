"""Works and extraction jobs in Redis, so every server process and page sees the same state.

Keys: ``rp:work:{id}`` (JSON), ``rp:works`` (set of ids), ``rp:work:{id}:jobs`` (newest
first), ``rp:work:{id}:lock`` (the job holding the work), ``rp:job:{id}`` (JSON),
``rp:jobs:active`` (ids of queued and running jobs). Every job update is published on
``rp:job:{id}:events``.

A job's process holds its work's lock with a lease it renews; a job that is still
marked active while nobody holds the lock lost its process (a crash, a kill, a restart)
and reads as ``interrupted`` from then on.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from redis.asyncio import Redis
from redis.exceptions import WatchError

from characters.works.records import Job, JobError, Work
from roleplay.errors import NotFound
from roleplay.models import now

LEASE_S = 15.0
JOBS_KEPT = 50  # per work, for the report's history
INTERRUPTED = JobError(
    code="interrupted",
    message="The server stopped while this job ran. Resume it: the extraction continues "
    "from its last finished stage.",
)


def _job_key(job_id: str) -> str:
    return f"rp:job:{job_id}"


def _lock_key(work_id: str) -> str:
    return f"rp:work:{work_id}:lock"


def channel(job_id: str) -> str:
    return f"rp:job:{job_id}:events"


class JobStore:
    def __init__(self, redis: Redis, *, lease_s: float = LEASE_S) -> None:
        self._r = redis
        self.lease_s = lease_s

    # -- the one-job-per-work lock -------------------------------------------

    async def lock(self, work_id: str, job_id: str) -> bool:
        ok = await self._r.set(_lock_key(work_id), job_id, nx=True, px=int(self.lease_s * 1000))
        return bool(ok)

    async def holder(self, work_id: str) -> str | None:
        raw = await self._r.get(_lock_key(work_id))
        return None if raw is None else str(raw)

    async def renew(self, work_id: str, job_id: str) -> bool:
        ms = int(self.lease_s * 1000)
        return bool(await self._r.eval(_EXTEND, 1, _lock_key(work_id), job_id, ms))

    async def unlock(self, work_id: str, job_id: str) -> None:
        await self._r.eval(_RELEASE, 1, _lock_key(work_id), job_id)

    # -- cancelling ----------------------------------------------------------
    # The job may run in another server process: the request waits in Redis and the
    # owner's heartbeat (every lease/3 seconds) acts on it.

    async def request_cancel(self, job_id: str) -> None:
        await self._r.set(f"rp:job:{job_id}:cancel", "1", ex=86_400)

    async def cancel_requested(self, job_id: str) -> bool:
        return bool(await self._r.exists(f"rp:job:{job_id}:cancel"))

    # -- jobs ----------------------------------------------------------------

    async def add_job(self, job: Job) -> Job:
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.lpush(f"rp:work:{job.work_id}:jobs", job.id)
            pipe.ltrim(f"rp:work:{job.work_id}:jobs", 0, JOBS_KEPT - 1)
            await pipe.execute()
        return await self.save_job(job)

    async def save_job(self, job: Job) -> Job:
        """Store and announce ``job``; the active set follows its status."""
        body = job.model_dump_json()
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.set(_job_key(job.id), body)
            if job.active:
                pipe.sadd("rp:jobs:active", job.id)
            else:
                pipe.srem("rp:jobs:active", job.id)
            pipe.publish(channel(job.id), body)
            await pipe.execute()
        return job

    async def job(self, job_id: str) -> Job:
        raw = await self._r.get(_job_key(job_id))
        if raw is None:
            raise NotFound(f"No extraction job {job_id!r}.")
        job = Job.model_validate_json(raw)
        if job.active and await self.holder(job.work_id) != job.id:
            return await self._interrupt_orphan(job_id)
        return job

    async def jobs_of(self, work_id: str, limit: int = 10) -> list[Job]:
        ids = await self._r.lrange(f"rp:work:{work_id}:jobs", 0, limit - 1)
        jobs = []
        for job_id in map(str, ids):
            try:
                jobs.append(await self.job(job_id))
            except NotFound:
                continue
        return jobs

    async def sweep(self) -> int:
        """Mark every active job whose process is gone as interrupted; return how many."""
        count = 0
        for job_id in map(str, await self._r.smembers("rp:jobs:active")):
            try:
                job = await self.job(job_id)
            except NotFound:
                await self._r.srem("rp:jobs:active", job_id)
                continue
            count += job.status == "interrupted"
        return count

    async def _interrupt_orphan(self, job_id: str) -> Job:
        """Active but unlocked -> interrupted, unless the job changed meanwhile (it finished)."""
        key = _job_key(job_id)
        while True:
            async with self._r.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    if raw is None:
                        raise NotFound(f"No extraction job {job_id!r}.")
                    job = Job.model_validate_json(raw)
                    await pipe.watch(_lock_key(job.work_id))
                    if not job.active or await pipe.get(_lock_key(job.work_id)) == job.id:
                        return job
                    job = job.but(status="interrupted", error=INTERRUPTED, finished_at=now())
                    body = job.model_dump_json()
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, body)
                    pipe.srem("rp:jobs:active", job.id)
                    pipe.publish(channel(job.id), body)
                    await pipe.execute()
                    return job
                except WatchError:
                    continue

    async def follow(self, job_id: str, *, poll_s: float = 5.0) -> AsyncGenerator[Job | None, None]:
        """The job now, then each update until it ends; ``None`` when ``poll_s`` passed quietly.

        Between messages the job is re-read, so a job whose process died shows as
        interrupted within a lease even though nobody announces it.
        """
        pubsub = self._r.pubsub()
        await pubsub.subscribe(channel(job_id))
        try:
            job = await self.job(job_id)
            yield job
            while job.active:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=poll_s)
                if msg is not None:
                    update = Job.model_validate_json(msg["data"])
                    if update.updated_at >= job.updated_at:
                        job = update
                        yield job
                    continue
                fresh = await self.job(job_id)
                if fresh != job:
                    job = fresh
                    yield job
                else:
                    yield None
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    # -- works ---------------------------------------------------------------

    async def save_work(self, work: Work) -> Work:
        work = work.model_copy(update={"updated_at": now()})
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.set(f"rp:work:{work.id}", work.model_dump_json())
            pipe.sadd("rp:works", work.id)
            await pipe.execute()
        return work

    async def find_work(self, work_id: str) -> Work | None:
        raw = await self._r.get(f"rp:work:{work_id}")
        return None if raw is None else Work.model_validate_json(raw)

    async def work(self, work_id: str) -> Work:
        work = await self.find_work(work_id)
        if work is None:
            raise NotFound(f"No work {work_id!r}. List works with GET /api/works.")
        return work

    async def works(self) -> list[Work]:
        ids = sorted(map(str, await self._r.smembers("rp:works")))
        found = [await self.find_work(i) for i in ids]
        return sorted((w for w in found if w is not None), key=lambda w: -w.updated_at)

    async def forget_work(self, work_id: str) -> None:
        """Drop a work's record (its jobs stay readable)."""
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(f"rp:work:{work_id}")
            pipe.srem("rp:works", work_id)
            await pipe.execute()


_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
