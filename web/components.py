"""The real outside-system adapters, built from ``Settings`` (the app factory's defaults).

Each builder returns the production implementation; tests pass fakes to
``create_app`` instead. Kept apart from ``web.app`` so the factory reads as the
list of what the server is made of.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from memory.base import MemoryScope
from memory.e5_onnx import shared_model
from memory.embeddings import E5Embedder
from memory.factory import open_memory
from memory.service import LongTermMemory
from memory.writer import no_sharing
from roleplay.consistency import (
    ConsistencyPolicy,
    JudgeBudget,
    LLMJudge,
    PersonaChecker,
    load_contradiction,
)
from roleplay.errors import StoreUnavailable
from roleplay.llm.base import ChatMessage, LLMBackend, LLMRequest
from roleplay.settings import Settings
from safety.embedder import E5Embedder as SafetyEmbedder
from safety.moderator import LayeredModerator
from safety.policystore import RedisPolicyBook
from safety.review import ReviewQueue

Complete = Callable[[str], Awaitable[str]]


def build_llm(settings: Settings, embedder: E5Embedder) -> LLMBackend:
    if settings.resolved_backend == "openai":
        from roleplay.llm.openai_backend import OpenAIBackend

        if not settings.openai_base_url:
            raise StoreUnavailable("llm_backend=openai needs OPENAI_BASE_URL.")
        return OpenAIBackend(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key,
            model=settings.llm_model,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )
    from roleplay.llm.canon import CanonBackend

    return CanonBackend(embedder, chunk_delay_s=0.02)


def completer(llm: LLMBackend, *, max_tokens: int = 400) -> Complete:
    """Prompt in, whole text out: for background jobs (memory facts, summaries)."""

    async def complete(prompt: str) -> str:
        request = LLMRequest(
            messages=[ChatMessage("user", prompt)], max_tokens=max_tokens, temperature=0.0
        )
        return "".join([chunk.text async for chunk in llm.stream(request)])

    return complete


def build_memory(
    settings: Settings, redis: Redis, embedder: E5Embedder, llm: LLMBackend
) -> LongTermMemory:
    use_llm = settings.memory_llm_extraction and settings.resolved_backend == "openai"
    return open_memory(
        redis=redis,
        embedder=embedder,
        data_dir=settings.data_dir,
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        timeout_s=settings.memory_timeout_s,
        dense_budget_s=settings.memory_dense_budget_s,
        complete=completer(llm) if use_llm else None,
        share=_same_work if settings.memory_share_across_work else no_sharing,
    )


def _same_work(scope: MemoryScope) -> bool:
    """Facts about the reader are shared with the other characters of the same book."""
    return scope.work_id is not None


def build_moderator(
    settings: Settings, policies: RedisPolicyBook, reviews: ReviewQueue
) -> LayeredModerator:
    remote = None
    if settings.moderation_url:
        from safety.remote import RemoteModeration

        remote = RemoteModeration(
            settings.moderation_url,
            api_key=settings.moderation_api_key,
            model=settings.moderation_model,
        )
    return LayeredModerator(
        # The model is built now, not on the first deep check: a reader's first turn
        # after a restart should not wait for it.
        embedder=SafetyEmbedder(model=shared_model(1)),
        policies=policies,
        remote=remote,
        sink=reviews,
        deep_input=settings.moderation_deep_input,
    )


def build_consistency(settings: Settings, embedder: E5Embedder, llm: LLMBackend) -> PersonaChecker:
    judge = None
    tokens = settings.consistency_judge_tokens_per_hour
    if tokens > 0 and settings.resolved_backend == "openai":
        judge = LLMJudge(llm, JudgeBudget(tokens_per_hour=tokens))
    # The contradiction model costs an embedding when it fires: run it after delivery.
    return PersonaChecker(
        contradiction=load_contradiction(embedder), judge=judge, defer_contradiction=True
    )


def consistency_policy(settings: Settings) -> ConsistencyPolicy:
    return ConsistencyPolicy(
        regenerate=settings.consistency_regenerate,
        withhold=frozenset(settings.consistency_withhold),
    )
