"""The job's worker process (run for real, as the server runs it), progress maths, ids."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from characters.works.layout import check_work_id, default_work_id
from characters.works.records import Job, advance
from characters.works.worker import WorkerTask
from roleplay.errors import InvalidInput
from tests.characters.extract.conftest import ZH_APPENDIX, ZH_STORY
from tests.characters.extract.openai_stub import openai_stub
from tests.characters.extract.saga import ZH_SAGA, padded
from tests.characters.extract.test_llm import answer


def run_worker(tmp_path: Path, kind: str, source: Path) -> tuple[int, list[dict[str, Any]]]:
    task = WorkerTask(kind, str(source), str(tmp_path / "extract"), str(tmp_path / "report.json"),
                      "qingshi")  # fmt: skip
    done = subprocess.run(task.argv(), capture_output=True, text=True, timeout=120)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_worker_reports_progress_then_done_and_writes_the_report(tmp_path: Path) -> None:
    code, messages = run_worker(tmp_path, "extract", write(tmp_path / "qingshi.txt", ZH_STORY))
    assert code == 0, messages
    assert [m["type"] for m in messages][-1] == "done"
    assert all(m["type"] == "progress" for m in messages[:-1])
    stages = [m["stage"] for m in messages[:-1]]
    assert stages[0] == "ingest" and stages[-1] == "done" and "quotes" in stages
    assert messages[0]["message"] == "qingshi.txt"  # no server paths in what editors see
    assert not any(str(tmp_path) in m.get("message", "") for m in messages)
    assert messages[-1]["chapters"] == 2 and messages[-1]["characters"] >= 4
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["title"] == "青石记" and report["chapters"] == 2
    people = {p["name"]: p for p in report["roster"]}
    assert "青石" in people["林青石"]["aliases"]
    zhao = people["赵铁臂"]
    assert any(e["alias"] == "铁臂猿" and e["snippet"] for e in zhao["evidence"])
    low = report["low_confidence"]
    assert low["threshold"] == 0.5 and low["count"] == len(low["quotes"])
    assert all(q["confidence"] < 0.5 and q["text"] for q in low["quotes"])
    assert "白云山" in {t["name"] for t in report["glossary"]}
    assert report["changes"] == []


def test_worker_reports_a_bad_file_as_an_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary" * 50)
    code, messages = run_worker(tmp_path, "extract", bad)
    assert code == 1
    assert messages[-1]["type"] == "error" and messages[-1]["code"] == "invalid_novel"
    assert "binary" in messages[-1]["message"]
    assert not (tmp_path / "extract").exists() and not (tmp_path / "report.json").exists()


def test_a_resumed_append_is_not_applied_twice(tmp_path: Path) -> None:
    assert run_worker(tmp_path, "extract", write(tmp_path / "q.txt", ZH_STORY))[0] == 0
    more = write(tmp_path / "more.txt", ZH_APPENDIX)
    code, messages = run_worker(tmp_path, "append", more)
    assert code == 0 and messages[-1]["chapters"] == 3
    assert "chapters added: 1" in messages[-1]["changes"]
    # The server stopped after the worker published but before it heard "done": the
    # job is resumed with the same file, which must not add the chapters again.
    code, messages = run_worker(tmp_path, "append", more)
    assert code == 0 and messages[-1]["chapters"] == 3
    assert "already appended" in messages[-1]["changes"][0]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["chapters"] == 3 and report["appended"] == ["more.txt"]


def test_progress_moves_forward_over_the_whole_job() -> None:
    job = Job(id="j", kind="extract", work_id="w", file="f.txt", started_at=100.0)
    fractions = []
    events = [("ingest", 0, 1), ("ingest", 1, 1), ("chapters", 9, 9), ("roster", 0, 1),
              ("roster", 1, 1), ("quotes", 3, 12), ("quotes", 12, 12), ("profiles", 0, 1),
              ("output", 1, 1), ("done", 1, 1), ("cards", 0, 1)]  # fmt: skip
    for i, (stage, done, total) in enumerate(events):
        progress = advance(job, {"stage": stage, "done": done, "total": total}, 100.0 + i)
        job = job.but(progress=progress)
        fractions.append(progress.fraction)
    assert fractions == sorted(fractions) and fractions[0] == 0.0
    assert 0.9 <= fractions[-1] < 1.0  # the server's card saving is the rest
    assert job.progress.eta_s is not None and job.progress.eta_s > 0
    first = advance(job.but(progress=job.progress.model_copy(update={"fraction": 0.0})),
                    {"stage": "ingest", "done": 0, "total": 1}, 100.0)  # fmt: skip
    assert first.eta_s is None  # no estimate from nothing
    back = advance(job, {"stage": "roster", "done": 0, "total": 1}, 200.0)
    assert back.fraction == job.progress.fraction  # an append restarting at "roster"


def test_work_ids() -> None:
    assert default_work_id("The Lamp at Harrow Quay.txt") == "the-lamp-at-harrow-quay"
    assert default_work_id("西游记.epub") == "work"
    assert check_work_id("xiyouji-2") == "xiyouji-2"
    for bad in ("", "-x", "Xi", "a/b", "a" * 41, "../etc"):
        with pytest.raises(InvalidInput):
            check_work_id(bad)


def test_worker_writes_llm_profiles_and_keeps_the_key_off_its_command_line(
    tmp_path: Path,
) -> None:
    source = write(tmp_path / "saga.txt", padded(ZH_SAGA, 6000))
    with openai_stub(lambda body: answer(body["messages"][-1]["content"])) as stub:
        task = WorkerTask("extract", str(source), str(tmp_path / "extract"),
                          str(tmp_path / "report.json"), "saga", llm_base_url=stub.url,
                          llm_model="stub-model", llm_api_key="sk-worker-secret")  # fmt: skip
        assert "sk-worker-secret" not in " ".join(task.argv()) + repr(task)
        done = subprocess.run(task.argv(), input=task.stdin(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    messages = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert messages[-1]["type"] == "done" and messages[-1]["llm"]["calls"] == len(stub.bodies)
    assert any(m.get("stage") == "profiles" and m["message"].startswith("LLM: ") for m in messages)
    assert set(stub.keys) == {"Bearer sk-worker-secret"}
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["llm"]["model"] == "stub-model" and report["llm"]["tokens_per_char"] <= 0.3
    assert report["llm"]["characters_profiled"] >= 1
    assert b"sk-worker-secret" not in done.stdout + done.stderr
