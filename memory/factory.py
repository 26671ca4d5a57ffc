"""Build the production ``LongTermMemory`` from plain parameters (the app factory passes settings).

Embedded chromadb under ``data_dir`` by default; a Chroma server when ``chroma_host``
is set, which is how several machines share one memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from redis.asyncio import Redis

from memory.chroma import ChromaStore
from memory.embeddings import Embedder
from memory.extract import FactExtractor, LLMExtractor, RuleExtractor
from memory.service import LongTermMemory
from memory.summary import Summarizer, SummaryPolicy, llm_summary
from memory.writer import SharePolicy, no_sharing
from roleplay.tokens import get_tokenizer


def open_memory(
    *,
    redis: Redis | None,
    embedder: Embedder,
    data_dir: Path,
    chroma_host: str | None = None,
    chroma_port: int = 8000,
    prefix: str = "rp",
    timeout_s: float = 3.0,
    dense_budget_s: float = 0.25,
    complete: Callable[[str], Awaitable[str]] | None = None,
    share: SharePolicy = no_sharing,
    mirror_capacity: int = 256,
    query_tokens: int | None = 64,
) -> LongTermMemory:
    """``complete`` (prompt → text) turns on LLM fact extraction; rules are the fallback."""
    if chroma_host:
        store = ChromaStore(host=chroma_host, port=chroma_port, timeout_s=timeout_s)
    else:
        store = ChromaStore(path=data_dir / "chroma", timeout_s=timeout_s)
    extractor: FactExtractor = LLMExtractor(complete) if complete else RuleExtractor()
    count = get_tokenizer().count
    policy = SummaryPolicy()
    summary = llm_summary(complete, count, policy.summary_tokens) if complete else None
    return LongTermMemory(
        store,
        embedder,
        redis=redis,
        count_tokens=count,
        extractor=extractor,
        summarizer=Summarizer(count, policy, summary),
        share=share,
        prefix=prefix,
        queue_stream=f"{prefix}:memq",
        mirror_capacity=mirror_capacity,
        recall_timeout_s=timeout_s,
        dense_budget_s=dense_budget_s,
        query_tokens=query_tokens,
    )
