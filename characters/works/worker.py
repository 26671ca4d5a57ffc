"""An extraction job's own process: ``python -m characters.works.worker '<task JSON>'``.

Runs the pipeline (or an append) and writes the review report, reporting on stdout
one JSON object per line: ``progress`` events, then exactly one ``done`` or ``error``.

Why a process and not a thread: the pipeline is CPU-bound Python that would hold the
GIL against the server's event loop for minutes on a real novel; a process can be
stopped at once on shutdown (the pipeline's atomic checkpoints make that safe), and
it may start its own worker pool. It runs in its own session, and dies with the
server (Linux), taking its pool with it.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from characters.extract.errors import ExtractError
from characters.extract.llmstage import LLMEndpoint, LLMOptions
from characters.extract.pipeline import Progress, ProgressEvent, Result
from characters.extract.state import write_json
from characters.works.report import build_report


@dataclass(frozen=True, slots=True)
class WorkerTask:
    kind: str  # "extract" | "append"
    source: str  # the uploaded file
    out: str  # the extraction folder
    report: str  # where the review report goes
    work_id: str
    jobs: int | None = None  # the pipeline's worker processes
    parent: int = 0  # the server's pid: exit at once if it is already gone
    # LLM profiles (docs/extraction.md): the server's endpoint, when it has one. The key
    # goes to the process on stdin, never on its command line (ps, /proc show that).
    llm_base_url: str | None = None
    llm_model: str = ""
    llm_ratio: float = 0.3
    llm_api_key: str = field(default="", repr=False)

    def argv(self) -> list[str]:
        public = {k: v for k, v in asdict(self).items() if k != "llm_api_key"}
        return [sys.executable, "-m", "characters.works.worker", json.dumps(public)]

    def stdin(self) -> bytes | None:
        """What the process reads on stdin: the key, when it needs one."""
        return (self.llm_api_key + "\n").encode() if self.llm_base_url else None

    def llm_options(self) -> LLMOptions | None:
        if not self.llm_base_url:
            return None
        endpoint = LLMEndpoint(self.llm_base_url, self.llm_model, self.llm_api_key)
        return LLMOptions.for_endpoint(endpoint, ratio=self.llm_ratio)


class Channel:
    """Protocol lines go to a private copy of stdout; stray prints go to stderr."""

    def __init__(self) -> None:
        self._out: TextIO = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        os.dup2(2, 1)

    def send(self, message: dict[str, Any]) -> None:
        self._out.write(json.dumps(message, ensure_ascii=False) + "\n")
        self._out.flush()

    def progress(self, event: ProgressEvent) -> None:
        message = event.message
        if os.path.isabs(message):
            message = Path(message).name  # editors need not see the server's folders
        self.send({"type": "progress", **asdict(event), "message": message})


def main(argv: list[str]) -> int:
    task = WorkerTask(**json.loads(argv[0]))
    if task.llm_base_url:
        task = replace(task, llm_api_key=sys.stdin.readline().strip())
    _die_with_parent(task.parent)
    channel = Channel()
    try:
        result = run(task, channel.progress)
        write_json(Path(task.report), build_report(Path(task.out), result.changes))
    except ExtractError as exc:
        channel.send({"type": "error", "code": exc.code, "message": exc.message})
        return 1
    except Exception as exc:
        traceback.print_exc()
        message = f"The extraction failed ({type(exc).__name__}: {exc}); see the server log."
        channel.send({"type": "error", "code": "internal", "message": message[:500]})
        return 1
    channel.send({
        "type": "done", "chapters": result.chapters, "quotes": result.quotes,
        "characters": result.characters, "resumed_stages": result.resumed_stages,
        "changes": result.changes, "llm": result.llm,
    })  # fmt: skip
    return 0


def run(task: WorkerTask, progress: Progress) -> Result:
    out, source = Path(task.out), Path(task.source)
    if task.kind == "append":
        from characters.extract.append import append_chapters

        if _already_appended(out, source):
            return _published(out, ["these chapters were already appended before the restart"])
        return append_chapters(out, source, progress=progress, llm=task.llm_options())
    from characters.extract.pipeline import run_pipeline

    return run_pipeline(source, out, work_id=task.work_id, progress=progress, resume=True,
                        jobs=task.jobs, llm=task.llm_options())  # fmt: skip


def _already_appended(out: Path, source: Path) -> bool:
    """A resumed append whose first run published just before the server stopped."""
    from characters.extract.append import SEPARATOR
    from characters.extract.ingest import read_document

    text = (out / "state" / "text.txt").read_text(encoding="utf-8")
    return text.endswith(SEPARATOR + read_document(source).text)


def _published(out: Path, changes: list[str]) -> Result:
    roster = json.loads((out / "roster.json").read_text(encoding="utf-8"))
    chapters = json.loads((out / "state" / "chapters.json").read_text(encoding="utf-8"))
    with open(out / "quotes.jsonl", encoding="utf-8") as fh:
        quotes = sum(1 for line in fh if line.strip())
    people = sum(1 for r in roster if r.get("kind") != "other")
    return Result(out, len(chapters), quotes, people, [], changes)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if parent and os.getppid() != parent:
        sys.exit(3)  # the server died before we could ask to follow it
    signal.signal(signal.SIGTERM, _stop_group)


def _stop_group(signum: int, frame: FrameType | None) -> None:
    """Stop at once, with the pipeline's pool: finished stages are already checkpointed."""
    if os.getpgid(0) == os.getpid():  # only when we lead our own session (as the server starts us)
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(143)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
