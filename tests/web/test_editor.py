"""Extraction jobs over real HTTP and real Redis: upload, progress events, cards, append, limits.

Each job really runs the pipeline in its own worker process, on our own short story
(tests/characters/extract/conftest.py), so these tests take a second or two each.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from characters.extract.pipeline import ProgressEvent, run_pipeline
from characters.works.records import Job, Work
from characters.works.store import JobStore
from memory.simple import InMemoryMemory
from roleplay.llm.scripted import ScriptedLLM
from roleplay.settings import Settings
from tests.characters.extract.conftest import EN_STORY, ZH_APPENDIX, ZH_STORY
from tests.web.conftest import SignIn, new_chat
from web.app import create_app

Client = TestClient[Any, Any]
LIMIT = 20_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, turns_per_minute=1000, extract_max_bytes=LIMIT)


def admin_headers(settings: Settings) -> dict[str, str]:
    token = (settings.data_dir / "admin-token").read_text().strip()
    return {"Authorization": f"Bearer {token}"}


async def upload(
    client: Client,
    headers: dict[str, str],
    data: str | bytes,
    filename: str = "qingshi.txt",
    path: str = "/api/works",
    **query: str,
) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    body = data.encode("utf-8") if isinstance(data, str) else data
    form.add_field("file", body, filename=filename, content_type="text/plain")
    return await client.post(path, data=form, headers=headers, params=query)


async def start_job(client: Client, headers: dict[str, str], *args: Any, **kw: Any) -> str:
    resp = await upload(client, headers, *args, **kw)
    assert resp.status == 202, await resp.text()
    job_id: str = (await resp.json())["job"]["id"]
    return job_id


async def follow(client: Client, headers: dict[str, str], job_id: str) -> list[dict[str, Any]]:
    """Every job event of the progress stream, until the server ends it."""
    resp = await client.get(f"/api/jobs/{job_id}/events", headers=headers, timeout=None)
    assert resp.status == 200 and resp.content_type == "text/event-stream"
    events, kind = [], ""
    async for raw in resp.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("event:"):
            kind = line.removeprefix("event:").strip()
        elif line.startswith("data:") and kind == "job":
            events.append(json.loads(line.removeprefix("data:")))
    return events


async def run_job(client: Client, headers: dict[str, str], *args: Any, **kw: Any) -> dict[str, Any]:
    events = await follow(client, headers, await start_job(client, headers, *args, **kw))
    assert events[-1]["status"] == "done", events[-1]
    return events[-1]


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_upload_progress_cards_and_chat(
    client: Client, settings: Settings, sign_in: SignIn
) -> None:
    admin = admin_headers(settings)
    job_id = await start_job(client, admin, ZH_STORY, work="qingshi")
    events = await follow(client, admin, job_id)
    assert [e["status"] for e in events][-1] == "done"
    fractions = [e["progress"]["fraction"] for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    stages = {e["progress"]["stage"] for e in events}
    assert {"ingest", "roster", "quotes", "profiles", "cards", "done"} <= stages
    assert any(e["progress"]["chapter"] == 2 for e in events)
    assert any(e["progress"]["eta_s"] is not None for e in events)
    result = events[-1]["result"]
    assert result["chapters"] == 2 and len(result["cards"]) == 4
    # The cards are in the card store as drafts, with the lines the book gives them:
    # editors see them, readers do not until an editor publishes them.
    listing = await (await client.get("/api/cards", headers=admin)).json()
    cards = {c["id"]: c for c in listing["cards"]}
    lin = cards["qingshi-c0"]
    assert lin["name"] == "林青石" and lin["work"] == "青石记" and lin["lines"] >= 3
    assert set(result["cards"]) <= cards.keys() and lin["draft"]
    public = (await (await client.get("/api/cards")).json())["cards"]
    assert not set(result["cards"]) & {c["id"] for c in public}
    _, reader = await sign_in("读者")
    early = await client.post("/api/chats", json={"card_id": "qingshi-c0"}, headers=reader)
    assert early.status == 404 and "publish" in (await early.json())["error"]["message"]
    assert (await client.get("/api/cards/qingshi-c0")).status == 404
    # The report: roster with aliases and evidence, low-confidence quotes, glossary.
    got = await (await client.get("/api/works/qingshi", headers=admin)).json()
    assert got["work"]["ready"] and got["work"]["title"] == "青石记"
    people = {p["name"]: p for p in got["report"]["roster"]}
    assert "青石" in people["林青石"]["aliases"] and people["林青石"]["card_id"] == "qingshi-c0"
    assert any(e["alias"] == "铁臂猿" for e in people["赵铁臂"]["evidence"])
    assert {"threshold", "count", "quotes"} <= got["report"]["low_confidence"].keys()
    assert "白云山" in {t["name"] for t in got["report"]["glossary"]}
    assert got["jobs"][0]["id"] == job_id
    listed = (await (await client.get("/api/works", headers=admin)).json())["works"]
    assert [(w["id"], w["job"]["status"]) for w in listed] == [("qingshi", "done")]
    assert got["drafts"] == sorted(result["cards"]) and people["林青石"]["draft"]
    # Publishing is for editors; then a reader can chat with an extracted character.
    assert (await client.post("/api/works/qingshi/publish", headers=reader)).status == 403
    resp = await client.post("/api/works/qingshi/publish", headers=admin)
    assert (await resp.json())["published"] == sorted(result["cards"])
    again = await (await client.get("/api/works/qingshi", headers=admin)).json()
    assert again["drafts"] == [] and not again["report"]["roster"][0]["draft"]
    chat = (await new_chat(client, reader, "qingshi-c0"))["chat"]
    assert chat["character_name"] == "林青石"
    resp = await client.post(
        f"/api/chats/{chat['id']}/messages", json={"text": "林公子好"}, headers=reader
    )
    assert resp.status == 200 and (await resp.json())["reply"]["status"] == "complete"
    # The upload is gone once the text is in the extraction's state; nothing is staged.
    works = settings.data_dir / "works"
    assert files_under(works / "qingshi" / "uploads") == []
    assert files_under(works / ".incoming") == []


async def test_bad_files_are_refused_and_leave_nothing(client: Client, settings: Settings) -> None:
    admin = admin_headers(settings)
    resp = await upload(client, admin, b"\x00\x01\x02binary" * 100, "book.txt")
    body = await resp.json()
    assert resp.status == 400 and body["error"]["code"] == "invalid_novel"
    assert "binary" in body["error"]["message"]
    resp = await upload(client, admin, b"", "empty.txt")
    assert resp.status == 400 and "empty" in (await resp.json())["error"]["message"]
    resp = await upload(client, admin, "字" * LIMIT, "huge.txt")
    body = await resp.json()
    assert resp.status == 413 and body["error"]["code"] == "too_large"
    assert "MiB upload limit" in body["error"]["message"]

    async def chunks() -> Any:  # no Content-Length: the limit holds while reading
        for _ in range(4):
            yield b"a" * 8000

    resp = await client.post("/api/works?filename=x.txt", data=chunks(), headers=admin)
    assert resp.status == 413
    form = aiohttp.FormData({"work": "x"}, default_to_multipart=True)
    resp = await client.post("/api/works", data=form, headers=admin)
    assert resp.status == 400 and "no file" in (await resp.json())["error"]["message"]
    resp = await client.post("/api/works", data={"work": "x"}, headers=admin)
    assert resp.status == 400 and "multipart" in (await resp.json())["error"]["message"]
    resp = await upload(client, admin, ZH_STORY, work="Not/Valid")
    assert resp.status == 400 and "Work id" in (await resp.json())["error"]["message"]
    assert (await (await client.get("/api/works", headers=admin)).json())["works"] == []
    assert files_under(settings.data_dir / "works") == []


async def test_one_job_per_work(client: Client, settings: Settings) -> None:
    admin = admin_headers(settings)
    first = await start_job(client, admin, ZH_STORY, work="qingshi")
    again = await upload(client, admin, ZH_STORY, work="qingshi")
    body = await again.json()
    assert again.status == 409 and body["error"]["code"] == "conflict"
    assert first in body["error"]["message"]
    more = await upload(client, admin, ZH_APPENDIX, path="/api/works/qingshi/chapters")
    assert more.status == 409
    assert (await follow(client, admin, first))[-1]["status"] == "done"
    # Finished: uploading the same work again needs replace=true.
    again = await upload(client, admin, ZH_STORY, work="qingshi")
    assert again.status == 409 and "replace=true" in (await again.json())["error"]["message"]
    done = await run_job(client, admin, ZH_STORY, work="qingshi", replace="true")
    assert done["result"]["cards"] == sorted(f"qingshi-c{i}" for i in range(4))


async def test_append_reports_what_changed(client: Client, settings: Settings) -> None:
    admin = admin_headers(settings)
    await run_job(client, admin, ZH_STORY, work="qingshi")
    first = await (await client.post("/api/works/qingshi/publish", headers=admin)).json()
    before = await (await client.get("/api/cards/qingshi-c0")).json()
    resp = await client.post(
        "/api/works/qingshi/chapters?filename=chapter3.txt",
        data=ZH_APPENDIX.encode(),
        headers=admin,
    )
    assert resp.status == 202, await resp.text()
    job = (await resp.json())["job"]
    assert job["kind"] == "append" and job["file"] == "chapter3.txt"
    events = await follow(client, admin, job["id"])
    changes = events[-1]["result"]["changes"]
    assert "chapters added: 1" in changes
    assert any(c.startswith("林青石: +") for c in changes)
    assert any("玄机子" in c for c in changes)
    got = await (await client.get("/api/works/qingshi", headers=admin)).json()
    assert got["report"]["changes"] == changes
    assert got["work"]["chapters"] == 3 and got["work"]["appended"] == ["chapter3.txt"]
    # Cards readers already had are updated in place; characters new in the append wait.
    after = await (await client.get("/api/cards/qingshi-c0")).json()
    assert after["version"] != before["version"]
    assert not set(got["drafts"]) & set(first["published"])
    lines = after["card"]["data"]["extensions"]["novel_roleplay"]["lines"]
    assert any(line["chapter"] == 3 for line in lines)
    # Another language, or a work that does not exist: refused up front.
    resp = await upload(client, admin, EN_STORY, "en.txt", path="/api/works/qingshi/chapters")
    assert resp.status == 400 and "the work is zh" in (await resp.json())["error"]["message"]
    resp = await upload(client, admin, ZH_APPENDIX, path="/api/works/nothing/chapters")
    assert resp.status == 404


async def test_only_editors_and_admins(client: Client, settings: Settings, sign_in: SignIn) -> None:
    assert (await client.get("/api/works")).status == 401
    _, reader = await sign_in("just a reader")
    for method, path in [
        ("GET", "/api/works"),
        ("POST", "/api/works"),
        ("GET", "/api/works/qingshi"),
        ("POST", "/api/works/qingshi/chapters"),
        ("GET", "/api/jobs/job_x"),
        ("GET", "/api/jobs/job_x/events"),
        ("POST", "/api/jobs/job_x/resume"),
    ]:
        resp = await client.request(method, path, headers=reader, data=b"x")
        assert resp.status == 403, (method, path, resp.status)
    assert (await upload(client, reader, ZH_STORY)).status == 403
    me = (await (await client.get("/api/me", headers=reader)).json())["reader"]
    admin = admin_headers(settings)
    await client.patch(f"/api/readers/{me['id']}", json={"role": "editor"}, headers=admin)
    assert (await client.get("/api/works", headers=reader)).status == 200
    assert (await client.get("/api/jobs/job_x/events", headers=reader)).status == 404
    page = await client.get("/editor")
    assert page.status == 200 and "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'src="/static/editor.js' in await page.text()


async def test_shutdown_interrupts_a_job_and_a_new_server_resumes_it(
    redis_client: Redis, settings: Settings
) -> None:
    def app() -> Any:
        return create_app(settings, redis=redis_client, llm=ScriptedLLM(), memory=InMemoryMemory())

    async with aiohttp.ClientSession() as http:
        async with TestClient(TestServer(app())) as first:
            admin = admin_headers(settings)
            job_id = await start_job(first, admin, ZH_STORY, work="qingshi")
            url = first.make_url(f"/api/jobs/{job_id}/events")
            stream = await http.get(url, headers=admin, timeout=aiohttp.ClientTimeout())
            assert (await stream.content.readuntil(b"\n\n")).startswith(b"event: job")
            started = time.monotonic()
        # An open progress stream neither holds the shutdown up nor is cut off mid-event.
        assert time.monotonic() - started < 10
        rest = await asyncio.wait_for(stream.content.read(), 5)
        assert rest == b"" or rest.endswith(b"\n\n")
    # The first server is gone (its worker stopped with it): the job is interrupted.
    store = JobStore(redis_client)
    job = await store.job(job_id)
    assert job.status == "interrupted" and job.error is not None
    assert await store.holder("qingshi") is None
    async with TestClient(TestServer(app())) as second:
        resp = await second.post(f"/api/jobs/{job_id}/resume", headers=admin)
        assert resp.status == 202, await resp.text()
        events = await follow(second, admin, job_id)
        assert events[-1]["status"] == "done" and events[-1]["attempts"] == 2
        again = await second.post(f"/api/jobs/{job_id}/resume", headers=admin)
        assert again.status == 409


async def test_a_crashed_job_reads_interrupted_and_resumes_from_checkpoints(
    client: Client, settings: Settings, redis_client: Redis
) -> None:
    """A server killed outright: no lock renewed, the checkpoints on disk, the job 'running'."""
    folder = settings.data_dir / "works" / "qingshi"
    job = Job(id="job_crashed", kind="extract", work_id="qingshi", file="qingshi.txt",
              status="running", started_at=1.0)  # fmt: skip
    (folder / "uploads" / job.id).mkdir(parents=True)
    source = folder / "uploads" / job.id / "qingshi.txt"
    source.write_text(ZH_STORY, encoding="utf-8")

    def crash(event: ProgressEvent) -> None:
        if event.stage == "profiles":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_pipeline(source, folder / "extract", work_id="qingshi", progress=crash)
    store = JobStore(redis_client)
    await store.save_work(Work(id="qingshi", title="qingshi", language="zh", last_job=job.id))
    await store.add_job(job)
    admin = admin_headers(settings)
    got = (await (await client.get(f"/api/jobs/{job.id}", headers=admin)).json())["job"]
    assert got["status"] == "interrupted" and got["error"]["code"] == "interrupted"
    resp = await client.post(f"/api/jobs/{job.id}/resume", headers=admin)
    assert resp.status == 202
    events = await follow(client, admin, job.id)
    assert events[-1]["status"] == "done"
    assert events[-1]["result"]["resumed_stages"] == ["analysis", "chapters", "ingest"]
    assert (await client.get("/api/cards/qingshi-c0", headers=admin)).status == 200


async def test_a_queued_job_is_cancelled_and_a_work_deleted(
    client: Client, settings: Settings, sign_in: SignIn
) -> None:
    admin = admin_headers(settings)
    works = settings.data_dir / "works"
    running = await start_job(client, admin, ZH_STORY, work="first")
    queued = await start_job(client, admin, ZH_STORY, work="second")  # one job at a time
    _, reader = await sign_in("读者")
    assert (await client.post(f"/api/jobs/{queued}/cancel", headers=reader)).status == 403
    resp = await client.post(f"/api/jobs/{queued}/cancel", headers=admin)
    job = (await resp.json())["job"]
    assert resp.status == 202 and job["status"] == "cancelled"
    assert job["error"]["code"] == "cancelled"
    assert (await client.get("/api/works/second", headers=admin)).status == 404
    assert files_under(works / "second") == []
    again = await client.post(f"/api/jobs/{queued}/cancel", headers=admin)
    assert again.status == 409 and "cancelled" in (await again.json())["error"]["message"]
    # The running one was untouched; deleting its work takes its cards and files.
    busy = await client.delete("/api/works/first", headers=admin)
    assert busy.status == 409 and "cancel it first" in (await busy.json())["error"]["message"]
    assert (await follow(client, admin, running))[-1]["status"] == "done"
    resp = await client.delete("/api/works/first", headers=admin)
    deleted = (await resp.json())["deleted_cards"]
    assert resp.status == 200 and "first-c0" in deleted
    assert (await client.get("/api/cards/first-c0", headers=admin)).status == 404
    assert (await client.get("/api/works/first", headers=admin)).status == 404
    assert files_under(works / "first") == []
