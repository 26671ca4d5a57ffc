"""The ``roleplay`` command as a user runs it: real processes, real Redis, canon mode."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from characters.store import SAMPLES

ROLEPLAY = [sys.executable, "-m", "roleplay.cli"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ROLEPLAY, *args], capture_output=True, text=True, timeout=120, env=env)


def test_help_lists_the_commands() -> None:
    out = _run("--help").stdout
    for word in ("serve", "chat", "card validate", "card convert"):
        assert word in out


def test_card_validate_and_convert(tmp_path: Path) -> None:
    sample = SAMPLES / "sun-wukong.json"
    ok = _run("card", "validate", str(sample))
    assert ok.returncode == 0 and "孙悟空" in ok.stdout
    png = tmp_path / "wukong.png"
    assert _run("card", "convert", str(sample), str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    v2 = tmp_path / "wukong-v2.json"
    assert _run("card", "convert", str(png), str(v2), "--spec", "v2").returncode == 0
    assert json.loads(v2.read_text("utf-8"))["spec"] == "chara_card_v2"
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"GIF89a not a png")
    failed = _run("card", "validate", str(bad))
    assert failed.returncode != 0 and failed.stderr.startswith("error:")
    assert _run("card", "convert", str(sample), str(tmp_path / "x.txt")).returncode != 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [*ROLEPLAY, "serve", "--port", str(self.port), "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        for line in self.proc.stdout:
            if "Open http" in line:
                assert self.url in line
                return
            if time.monotonic() > deadline:
                break
        raise AssertionError(f"server did not start: {self.proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ROLEPLAY_", "OPENAI_", "REDIS_URL"))
    }
    yield {**clean, "HOME": str(tmp_path / "home")}


def test_serve_chat_and_survive_a_restart(tmp_path: Path, env: dict[str, str]) -> None:
    data = tmp_path / "data"
    server = Server(data, env)
    try:
        reply = _run(
            "chat",
            "--url",
            server.url,
            "--card",
            "sun-wukong",
            "--name",
            "小明",
            "-m",
            "你的兵器是什么？",
            env=env,
        )
        assert reply.returncode == 0, reply.stderr
        assert reply.stdout.strip()
        card = json.loads((SAMPLES / "sun-wukong.json").read_text("utf-8"))
        lines = {x["text"] for x in card["data"]["extensions"]["novel_roleplay"]["lines"]}
        assert reply.stdout.strip() in {fill.replace("{{user}}", "小明") for fill in lines} or any(
            reply.stdout.strip().startswith(x[:10]) for x in lines
        )
    finally:
        server.stop()
    token = next((tmp_path / "home" / ".config" / "novel-roleplay").glob("token-*")).read_text()
    server = Server(data, env)
    try:
        req = urllib.request.Request(
            f"{server.url}/api/chats", headers={"Authorization": f"Bearer {token}"}
        )
        chats = json.load(urllib.request.urlopen(req, timeout=10))["chats"]
        assert len(chats) == 1 and chats[0]["character_name"] == "孙悟空"
        req = urllib.request.Request(
            f"{server.url}/api/chats/{chats[0]['id']}", headers={"Authorization": f"Bearer {token}"}
        )
        messages = json.load(urllib.request.urlopen(req, timeout=10))["messages"]
        assert [m["speaker"] for m in messages] == ["character", "user", "character"]
        assert messages[1]["content"] == "你的兵器是什么？"
    finally:
        server.stop()


def test_chat_signs_up_again_when_the_server_forgot_the_saved_token(
    tmp_path: Path, env: dict[str, str]
) -> None:
    server = Server(tmp_path / "data", env)
    try:
        saved = tmp_path / "home" / ".config" / "novel-roleplay" / f"token-127.0.0.1_{server.port}"
        saved.parent.mkdir(parents=True)
        saved.write_text("a-token-from-before-the-data-was-reset")
        reply = _run("chat", "--url", server.url, "--card", "sun-wukong", "-m", "你好", env=env)
        assert reply.returncode == 0, reply.stderr
        assert "signing up again" in reply.stderr and reply.stdout.strip()
        assert saved.read_text() != "a-token-from-before-the-data-was-reset"
    finally:
        server.stop()
