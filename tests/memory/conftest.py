"""Memory fixtures: a fake store, embedded chromadb, and a real ``chroma run`` server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from itertools import count
from pathlib import Path

import pytest

from memory.base import MemoryScope, TurnRecord
from memory.chroma import ChromaStore
from memory.embeddings import HashEmbedder
from memory.service import LongTermMemory
from memory.store import FakeVectorStore, VectorStore

_ids = count(1)


def chroma_cli() -> str | None:
    """The ``chroma`` CLI installed with chromadb: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """``chroma run`` from the installed chromadb, on 127.0.0.1; stoppable and restartable."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        exe = chroma_cli()
        assert exe is not None
        self.proc = subprocess.Popen(
            [exe, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
                with urllib.request.urlopen(url, timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("chroma server did not start within 30 s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    if chroma_cli() is None:
        pytest.skip(
            "the `chroma` CLI (from the chromadb package) is not on PATH; server tests skip"
        )
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["embedded", "server"])
async def chroma_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ChromaStore]:
    """The same tests against both backends."""
    if request.param == "embedded":
        store = ChromaStore(path=tmp_path / "chroma")
    else:
        server: ChromaServer = request.getfixturevalue("chroma_server")
        store = ChromaStore(host="127.0.0.1", port=server.port)
    try:
        yield store
    finally:
        await store.aclose()


def build_memory(store: VectorStore, **kw: object) -> LongTermMemory:
    kw.setdefault("prefix", f"t{next(_ids)}")
    return LongTermMemory(store, HashEmbedder(dim=96), **kw)  # type: ignore[arg-type]


@pytest.fixture
async def fake_memory() -> AsyncIterator[LongTermMemory]:
    mem = build_memory(FakeVectorStore())
    try:
        yield mem
    finally:
        await mem.aclose()


def scope(reader: str = "alice", card: str = "wukong", **kw: object) -> MemoryScope:
    return MemoryScope(reader_id=reader, card_id=card, **kw)  # type: ignore[arg-type]


_clock = count(1_700_000_000, 60)


def turn(
    user_text: str,
    reply_text: str = "嗯。",
    *,
    chat: str = "c1",
    user: str = "Alice",
    at: float | None = None,
) -> TurnRecord:
    n = next(_ids)
    return TurnRecord(
        chat_id=chat,
        user_message_id=f"m{n}u",
        reply_message_id=f"m{n}r",
        user_name=user,
        character_name="Wukong",
        user_text=user_text,
        reply_text=reply_text,
        at=float(at if at is not None else next(_clock)),
    )
