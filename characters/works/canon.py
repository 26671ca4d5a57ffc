"""After a work is extracted (or appended to), its chapters become canon passages for memory.

Indexing embeds every passage of the book (a 3 M-character novel is ~8 000 passages,
minutes of CPU), so it runs in the background after the cards are published; readers
can chat meanwhile and canon recall fills in as it lands. Re-indexing a work replaces
its passages in place (ids are derived from work, chapter and offset).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import structlog

from characters.extract.state import chapters_from_json, read_json

log = structlog.get_logger("works.canon")
Indexer = Callable[[str, Sequence[tuple[int, str]]], Awaitable[int]]
Remover = Callable[[str], Awaitable[int]]


def read_chapters(out: Path) -> list[tuple[int, str]]:
    """(chapter number, chapter text) from a finished extraction's ``state/`` folder."""
    state = out / "state"
    text = (state / "text.txt").read_text(encoding="utf-8")
    chapters = chapters_from_json(read_json(state / "chapters.json"))
    return [(c.number, text[c.start : c.end]) for c in chapters]


class CanonFeeder:
    def __init__(self, index: Indexer, remove: Remover) -> None:
        self._index, self._remove = index, remove
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def schedule(self, work_id: str, out: Path) -> None:
        """Index ``work_id`` from ``out``; a newer request for the same work replaces one
        still running (its passages are rewritten anyway)."""
        running = self._tasks.pop(work_id, None)
        if running is not None:
            running.cancel()
        task = asyncio.create_task(self._run(work_id, out))
        self._tasks[work_id] = task
        task.add_done_callback(lambda t: self._forget(work_id, t))

    def _forget(self, work_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(work_id) is task:
            del self._tasks[work_id]

    async def _run(self, work_id: str, out: Path) -> None:
        try:
            chapters = await asyncio.to_thread(read_chapters, out)
            log.info("canon_indexing", work=work_id, chapters=len(chapters))
            passages = await self._index(work_id, chapters)
            log.info("canon_indexed", work=work_id, passages=passages)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the cards are published; canon recall is a bonus
            log.warning("canon_index_failed", work=work_id, error=repr(exc))

    async def remove(self, work_id: str) -> None:
        """The work was deleted: stop indexing it and forget its passages, so no reader's
        recall quotes a book that is gone."""
        running = self._tasks.pop(work_id, None)
        if running is not None:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
        removed = await self._remove(work_id)
        log.info("canon_removed", work=work_id, passages=removed)

    async def wait(self, work_id: str) -> None:
        """For tests and tools: until the work's indexing (if any) has finished."""
        task = self._tasks.get(work_id)
        if task is not None:
            await asyncio.wait({task})

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
