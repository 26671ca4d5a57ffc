"""A cancel that reaches the process running the job through Redis (another worker's request)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redis.asyncio import Redis

from characters.store import CardStore
from characters.works.jobs import ExtractionJobs
from characters.works.records import Job
from characters.works.store import JobStore
from tests.characters.extract.saga import ZH_SAGA


async def wait_until_over(jobs: ExtractionJobs, job: Job) -> Job:
    for _ in range(600):
        job = await jobs.store.job(job.id)
        if not job.active:
            break
        await asyncio.sleep(0.1)
    return job


async def test_a_cancel_requested_elsewhere_is_seen_by_the_heartbeat(
    redis_client: Redis, tmp_path: Path
) -> None:
    store = JobStore(redis_client, lease_s=0.3)  # a heartbeat every 0.1 s
    jobs = ExtractionJobs(store, CardStore(redis_client), tmp_path / "works", max_bytes=1 << 20)
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(ZH_SAGA, encoding="utf-8")
    second.write_text(ZH_SAGA, encoding="utf-8")
    try:
        running = await jobs.submit("extract", first, reader_id="editor", work_id="a")
        queued = await jobs.submit("extract", second, reader_id="editor", work_id="b")
        await store.request_cancel(queued.id)  # as another server process would
        queued = await wait_until_over(jobs, queued)
        assert queued.status == "cancelled" and queued.error is not None
        assert await store.find_work("b") is None and not (tmp_path / "works" / "b").exists()
        assert (await wait_until_over(jobs, running)).status == "done"
    finally:
        await jobs.close()
