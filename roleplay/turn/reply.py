"""Stages 3–7 for one reply: prompt, stream, screen, check, persist.

The reply message already exists with status "streaming". Released text is
saved every ``SAVE_EVERY_S`` so a crash loses at most that much, and every
exit path (success, LLM error, block, cancellation) ends in one final save.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import structlog

from roleplay.errors import LLMError
from roleplay.llm.base import ChatMessage, LLMRequest
from roleplay.models import Chat, Message, TokenUsage, now
from roleplay.settings import Settings
from roleplay.store.chats import Lease
from roleplay.turn.consistency import PersonaContext
from roleplay.turn.context import Context
from roleplay.turn.events import Delta, Finished, Started, TurnEvent
from roleplay.turn.prompt import Budget, PromptBuilder, fill_macros
from safety.base import Policy, Verdict
from safety.stream import StreamGate

if TYPE_CHECKING:
    from roleplay.turn.service import Services

log = structlog.get_logger("roleplay.reply")
SAVE_EVERY_S = 1.0
FLUSH_EVERY_S = 0.08
BLOCKED_TEXT = "（这段回复未通过内容审核，已隐藏。 / This reply was withheld by moderation.）"


@dataclass(slots=True)
class ReplyJob:
    message: Message
    mode: Literal["new", "regenerate", "continue"]
    lease: Lease
    prefix: str = ""


@dataclass(slots=True)
class _Progress:
    """What has been released to the reader so far, and when it was last sent/saved."""

    released: str = ""
    pending: str = ""
    sent_at: float = 0.0
    saved_at: float = field(default_factory=time.monotonic)
    first_token_at: float | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)
    blocked: Verdict | None = None


class ReplyWriter:
    def __init__(self, services: Services, settings: Settings, builder: PromptBuilder) -> None:
        self.s = services
        self.settings = settings
        self.builder = builder

    async def write(
        self, chat: Chat, job: ReplyJob, ctx: Context, policy: Policy, budget: Budget
    ) -> AsyncGenerator[TurnEvent, None]:
        started = time.monotonic()
        request = self._request(chat, job, ctx, budget)
        yield Started(job.message)
        gate = StreamGate(
            self.s.moderator, policy, holdback_chars=self.settings.stream_holdback_chars
        )
        progress = _Progress(released=job.prefix)
        final = job.message
        try:
            async with aclosing(self._stream(chat, job, request, gate, progress)) as events:
                async for event in events:
                    yield event
            if progress.blocked is None:
                release = await gate.finish()
                progress.pending += release.text
                progress.blocked = None if release.verdict.allowed else release.verdict
            final, notes = await self._settle(chat, job, gate, progress, ctx)
            for event in self._flush(job, progress, force=True):
                yield event
            yield Finished(final, progress.usage, self._timing(started, progress), notes)
        except LLMError as exc:
            final = await self._save_incomplete(chat, job, progress, exc.message)
            raise
        except (asyncio.CancelledError, GeneratorExit):
            final = await self._save_incomplete(chat, job, progress, "interrupted")
            raise
        finally:
            log.info(
                "reply_done",
                status=final.status,
                chars=len(progress.released),
                ms=round((time.monotonic() - started) * 1000, 1),
            )

    def _request(self, chat: Chat, job: ReplyJob, ctx: Context, budget: Budget) -> LLMRequest:
        prompt = self.builder.build(
            ctx.card,
            user=chat.user_name,
            budget=budget,
            history=ctx.history,
            lore=ctx.lore,
            memories=[m.text for m in ctx.memories],
            chapter=chat.chapter,
        )
        messages = list(prompt.messages)
        if job.mode == "continue":
            messages.append(
                ChatMessage(
                    "system",
                    f"Continue {chat.character_name}'s last reply "
                    "from where it stopped, without repeating it.",
                )
            )
        ctx.notes.extend(prompt.dropped)
        return LLMRequest(
            messages=messages,
            max_tokens=self.settings.max_reply_tokens,
            temperature=self.settings.temperature,
            character=ctx.character,
            user_name=chat.user_name,
        )

    async def _stream(
        self,
        chat: Chat,
        job: ReplyJob,
        request: LLMRequest,
        gate: StreamGate,
        progress: _Progress,
    ) -> AsyncGenerator[TurnEvent, None]:
        stream = self.s.llm.stream(request)
        try:
            async for chunk in stream:
                if chunk.usage is not None:
                    progress.usage = TokenUsage(
                        prompt_tokens=chunk.usage.prompt_tokens,
                        completion_tokens=chunk.usage.completion_tokens,
                    )
                if not chunk.text:
                    continue
                if progress.first_token_at is None:
                    progress.first_token_at = time.monotonic()
                text = fill_macros(chunk.text, char=chat.character_name, user=chat.user_name)
                release = await gate.feed(text)
                if not release.verdict.allowed:
                    progress.blocked = release.verdict
                    return
                progress.pending += release.text
                for event in self._flush(job, progress):
                    yield event
                await self._save_progress(chat, job, progress)
        finally:
            await stream.aclose()  # type: ignore[attr-defined]

    def _flush(self, job: ReplyJob, progress: _Progress, *, force: bool = False) -> list[Delta]:
        """Coalesce small pieces into fewer frames; the first piece always goes at once."""
        if not progress.pending:
            return []
        t = time.monotonic()
        first = not progress.released or progress.released == job.prefix
        if not (
            force
            or first
            or len(progress.pending) >= self.settings.stream_flush_chars
            or t - progress.sent_at >= FLUSH_EVERY_S
        ):
            return []
        text, progress.pending = progress.pending, ""
        progress.released += text
        progress.sent_at = t
        return [Delta(job.message.id, text)]

    async def _save_progress(self, chat: Chat, job: ReplyJob, progress: _Progress) -> None:
        if time.monotonic() - progress.saved_at < SAVE_EVERY_S:
            return
        progress.saved_at = time.monotonic()
        await self.s.chats.save(chat, job.message.with_content(progress.released))

    async def _settle(
        self, chat: Chat, job: ReplyJob, gate: StreamGate, progress: _Progress, ctx: Context
    ) -> tuple[Message, list[str]]:
        notes = list(ctx.notes)
        if progress.blocked is not None:
            # Replace what was shown: the client renders the final message from Finished.
            progress.pending = ""
            msg = job.message.with_content(BLOCKED_TEXT).model_copy(
                update={"status": "blocked", "error": f"withheld: {progress.blocked.reason}"}
            )
            return await self.s.chats.finish_turn(job.lease, msg), notes
        report = await self.s.consistency.check(
            gate.text, PersonaContext(chat.character_name, chat.chapter)
        )
        meta = dict(job.message.meta)
        if not report.ok:
            meta["consistency"] = report.problems
            notes.extend(report.problems)
        msg = job.message.with_content(job.prefix + gate.text).model_copy(
            update={"status": "complete", "usage": progress.usage, "meta": meta, "error": None}
        )
        return await self.s.chats.finish_turn(job.lease, msg), notes

    async def _save_incomplete(
        self, chat: Chat, job: ReplyJob, progress: _Progress, reason: str
    ) -> Message:
        msg = job.message.with_content(progress.released + progress.pending).model_copy(
            update={"status": "incomplete", "error": reason, "updated_at": now()}
        )
        # Shielded so a second cancellation cannot lose the record of what happened.
        return await asyncio.shield(self.s.chats.finish_turn(job.lease, msg))

    @staticmethod
    def _timing(started: float, progress: _Progress) -> dict[str, float]:
        end = time.monotonic()
        first = progress.first_token_at or end
        return {
            "ttft_ms": round((first - started) * 1000, 2),
            "total_ms": round((end - started) * 1000, 2),
        }
