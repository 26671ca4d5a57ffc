"""``ChromaStore``: the ``VectorStore`` over chromadb, embedded (default) or a Chroma server.

Both chromadb clients are synchronous; every call goes through ``_call``, the one
place that hops to a thread, bounds the wait and turns any chromadb failure into
``StoreUnavailableError``, so a slow or dead store costs a turn its memories,
never the turn. We always pass our own vectors: chromadb's default embedding
function would try to download a model.
"""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
import structlog

from memory.embeddings import Vectors
from memory.store import Hit, Meta, Record, StoreUnavailableError, Where

log = structlog.get_logger("memory.chroma")
T = TypeVar("T")
TEXT_KEY = "_text"


class ChromaStore:
    """One chromadb client; ``path`` for the embedded store, or ``host``/``port`` for a server."""

    def __init__(
        self,
        *,
        path: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        timeout_s: float = 5.0,
    ) -> None:
        if (path is None) == (host is None):
            raise ValueError("give either path (embedded) or host (server), not both")
        self._path, self._host, self._port = path, host, port
        self._timeout_s = timeout_s
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        return str(self._path) if self._path is not None else f"http://{self._host}:{self._port}"

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        if self._path is not None:
            self._path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self._path), settings=settings)
        # chromadb's HTTP client has no timeout at all (a stalled server would hang the
        # worker thread for ever): probe first, then bound its sessions.
        url = f"http://{self._host}:{self._port}/api/v2/heartbeat"
        with urllib.request.urlopen(url, timeout=self._timeout_s):
            pass
        client = chromadb.HttpClient(host=str(self._host), port=self._port, settings=settings)
        for owner in (client, getattr(client, "_admin_client", None)):
            session = getattr(getattr(owner, "_server", None), "_session", None)
            if session is not None:
                session.timeout = httpx.Timeout(self._timeout_s)
        return client

    def _collection(self, space: str) -> Any:
        with self._lock:
            col = self._collections.get(space)
            if col is None:
                if self._client is None:
                    self._client = self._connect()
                col = self._client.get_or_create_collection(
                    space, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
                self._collections[space] = col
            return col

    async def _call(self, op: str, space: str, fn: Callable[[Any], T]) -> T:
        def run() -> T:
            return fn(self._collection(space))

        try:
            return await asyncio.wait_for(asyncio.to_thread(run), self._timeout_s)
        except (StoreUnavailableError, ValueError):
            raise
        except Exception as exc:  # chromadb raises many types; all mean "not now"
            with self._lock:
                # A server restart invalidates cached collection handles and the client.
                self._collections.clear()
                stale = self._client if self._host is not None else None
                if stale is not None:
                    self._client = None
            if stale is not None:
                await asyncio.to_thread(_close_client, stale)
            raise StoreUnavailableError(
                f"chromadb {op} failed at {self.location}: {exc!r}"
            ) from exc

    async def upsert(self, space: str, records: Sequence[Record]) -> None:
        if not records:
            return
        ids = [r.id for r in records]
        # The text rides in the metadata, not as a chromadb document: documents feed a
        # full-text index over the whole database that nothing here queries (lexical
        # ranking is our own BM25), and keeping it up cost ~20 % of every small upsert.
        metas = [{**r.meta, TEXT_KEY: r.text} for r in records]
        vecs = [list(map(float, r.vector)) for r in records if r.vector is not None]
        if len(vecs) != len(records):
            raise ValueError("records need a vector")
        await self._call(
            "upsert", space, lambda c: c.upsert(ids=ids, metadatas=metas, embeddings=vecs)
        )

    async def query(
        self, space: str, vector: Vectors, *, where: Where, limit: int, payload: bool = True
    ) -> list[Hit]:
        vec = [float(x) for x in vector.reshape(-1)]
        # Without payload chromadb skips reading documents and metadata: most of a query's cost.
        include = ["documents", "metadatas", "distances"] if payload else ["distances"]

        def q(c: Any) -> Any:
            return c.query(
                query_embeddings=[vec],
                n_results=limit,
                where=dict(where) or None,
                include=include,
            )

        res = await self._call("query", space, q)
        ids, dists = res["ids"][0], res["distances"][0]
        docs = res["documents"][0] if payload else [""] * len(ids)
        metas = res["metadatas"][0] if payload else [{}] * len(ids)
        return [
            Hit(i, *_unpack(d, m), float(x))
            for i, d, m, x in zip(ids, docs, metas, dists, strict=True)
        ]

    async def get(
        self, space: str, *, where: Where | None = None, ids: Sequence[str] | None = None
    ) -> list[Record]:
        if ids is not None and not ids:
            return []
        id_list = list(ids) if ids is not None else None
        res = await self._call(
            "get",
            space,
            lambda c: c.get(
                ids=id_list,
                where=dict(where) if where else None,
                include=["documents", "metadatas"],
            ),
        )
        return [
            Record(i, *_unpack(d, m))
            for i, d, m in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        ]

    async def delete(self, space: str, ids: Sequence[str]) -> None:
        if ids:
            id_list = list(ids)
            await self._call("delete", space, lambda c: c.delete(ids=id_list))

    async def aclose(self) -> None:
        # No lock: a worker thread stuck in a call must not keep the store from closing.
        client, self._client = self._client, None
        self._collections.clear()
        if client is not None:
            await asyncio.to_thread(_close_client, client)


def _unpack(document: str | None, meta: Mapping[str, Any] | None) -> tuple[str, Meta]:
    """A record's text and metadata; records written before the text moved into the
    metadata keep it as their document."""
    rest = dict(meta or {})
    text = rest.pop(TEXT_KEY, None)
    return str(text) if text is not None else document or "", rest


def _close_client(client: Any) -> None:
    """Release the client's system (refcounted by chromadb: other clients on the path survive).

    chromadb's HTTP client keeps an ``httpx.Client`` that its ``close()`` leaves open; we
    close it too, or every reconnect after a server restart would leak sockets.
    """
    try:
        for owner in (client, getattr(client, "_admin_client", None)):
            session = getattr(getattr(owner, "_server", None), "_session", None)
            if session is not None:
                session.close()
        client.close()
    except Exception as exc:  # closing must never mask the caller's own error
        log.warning("chroma_close_failed", error=repr(exc))
