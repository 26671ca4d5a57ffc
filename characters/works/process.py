"""Starting, following and stopping a job's worker process (``characters.works.worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import structlog

from characters.works.worker import WorkerTask

log = structlog.get_logger("works")
STOP_GRACE_S = 5.0


class WorkerProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self._proc = proc

    @classmethod
    async def start(cls, task: WorkerTask) -> WorkerProcess:
        # Its own session: stopping the job signals the whole group, pool workers included.
        # stderr is the server's, so the pipeline's warnings land in the server log.
        secret = task.stdin()
        stdin = asyncio.subprocess.DEVNULL if secret is None else asyncio.subprocess.PIPE
        proc = await asyncio.create_subprocess_exec(
            *task.argv(), stdin=stdin, stdout=asyncio.subprocess.PIPE,
            start_new_session=True, limit=1 << 20,
        )  # fmt: skip
        if secret is not None and proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # it died: see wait()
                proc.stdin.write(secret)
                await proc.stdin.drain()
            proc.stdin.close()
        return cls(proc)

    async def messages(self) -> AsyncIterator[dict[str, Any]]:
        """Each JSON line the worker writes, until it closes its output."""
        assert self._proc.stdout is not None
        async for line in self._proc.stdout:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                log.warning("worker_garbage", line=line[:200])
                continue
            if isinstance(message, dict):
                yield message

    async def wait(self) -> int:
        return await self._proc.wait()

    async def stop(self) -> None:
        """End the worker (and its pool) if it still runs: SIGTERM, then SIGKILL after a grace."""
        if self._proc.returncode is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self._proc.wait(), STOP_GRACE_S)
        except TimeoutError:
            self._signal(signal.SIGKILL)
            await self._proc.wait()

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, sig)
