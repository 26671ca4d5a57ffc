"""A server job with an LLM endpoint configured writes LLM profiles (real Redis, real worker)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from redis.asyncio import Redis

from characters.extract.llmstage import LLMEndpoint
from characters.store import CardStore
from characters.works.jobs import ExtractionJobs
from characters.works.store import JobStore
from roleplay.settings import Settings
from tests.characters.extract.openai_stub import openai_stub
from tests.characters.extract.saga import ZH_SAGA, padded
from tests.characters.extract.test_llm import answer


def test_endpoint_from_settings() -> None:
    assert LLMEndpoint.from_settings(Settings(openai_base_url=None, llm_backend="auto")) is None
    on = Settings(openai_base_url="http://llm:8000/v1", openai_api_key="sk-x",
                  llm_model="qwen")  # fmt: skip
    endpoint = LLMEndpoint.from_settings(on)
    assert endpoint is not None and endpoint.base_url == "http://llm:8000/v1"
    assert endpoint.model == "qwen"
    assert endpoint.api_key == "sk-x" and "sk-x" not in repr(endpoint)
    canon = Settings(openai_base_url="http://llm:8000/v1", llm_backend="canon")
    assert LLMEndpoint.from_settings(canon) is None


async def test_a_job_uses_the_servers_endpoint(redis_client: Redis, tmp_path: Path) -> None:
    upload = tmp_path / "saga.txt"
    upload.write_text(padded(ZH_SAGA, 6000), encoding="utf-8")
    with openai_stub(lambda body: answer(body["messages"][-1]["content"])) as stub:
        endpoint = LLMEndpoint(stub.url, "stub-model", "sk-job-secret")
        jobs = ExtractionJobs(JobStore(redis_client), CardStore(redis_client), tmp_path / "works",
                              max_bytes=1 << 20, llm=endpoint)  # fmt: skip
        job = await jobs.submit("extract", upload, reader_id="editor", work_id="saga")
        for _ in range(600):
            job = await jobs.store.job(job.id)
            if not job.active:
                break
            await asyncio.sleep(0.1)
        await jobs.close()
    assert job.status == "done", job.error
    assert set(stub.keys) == {"Bearer sk-job-secret"} and stub.bodies
    review = await jobs.review("saga")
    assert review["report"]["llm"]["model"] == "stub-model"
    assert review["report"]["llm"]["calls"] == len(stub.bodies)
    assert review["work"]["cards"] and "sk-job-secret" not in json.dumps(review)
