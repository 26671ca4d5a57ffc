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

from roleplay.consistency import WITHHELD_TEXT, Action, ConsistencyReport, PersonaContext
from roleplay.errors import LLMError
from roleplay.llm.base import ChatMessage, LLMRequest
from roleplay.models import Chat, Message, TokenUsage, now
from roleplay.settings import Settings
from roleplay.store.chats import Lease
from roleplay.turn.context import Context
from roleplay.turn.events import Delta, Finished, Restarted, Started, TurnEvent
from roleplay.turn.persona import PersonaStage
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
    # The reader input's deep moderation check, if still running: nothing is released
    # before it passes.
    after: asyncio.Future[Verdict] | None = None


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
    notes: list[str] = field(default_factory=list)
    spent: TokenUsage = field(default_factory=TokenUsage)  # by earlier attempts


class ReplyWriter:
    def __init__(
        self,
        services: Services,
        settings: Settings,
        builder: PromptBuilder,
        persona: PersonaStage,
    ) -> None:
        self.s = services
        self.settings = settings
        self.builder = builder
        self.persona = persona
        self.background: set[asyncio.Task[None]] = set()

    async def write(
        self,
        chat: Chat,
        job: ReplyJob,
        ctx: Context,
        policy: Policy,
        budget: Budget,
        after: asyncio.Future[Verdict] | None = None,
    ) -> AsyncGenerator[TurnEvent, None]:
        """Stream one reply; ``after`` is the reader input's deep check still running."""
        started = time.monotonic()
        yield Started(job.message)
        progress = _Progress(released=job.prefix)
        final = job.message
        attempts: list[tuple[str, ConsistencyReport]] = []
        try:
            while True:
                correction = attempts[-1][1].correction if attempts else None
                request = self._request(chat, job, ctx, budget, correction)
                gate = StreamGate(
                    self.s.moderator,
                    policy,
                    holdback_chars=self.settings.stream_holdback_chars,
                    after=after,
                )
                try:
                    async with aclosing(self._stream(chat, job, request, gate, progress)) as ev:
                        async for event in ev:
                            yield event
                    if progress.blocked is None:
                        release = await gate.finish()
                        progress.pending += release.text
                        progress.blocked = None if release.verdict.allowed else release.verdict
                finally:
                    gate.cancel()  # output checks still running for a reply that ended early
                if progress.blocked is not None:
                    final = await self._settle_blocked(job, progress)
                    break
                persona = self.persona.context(chat, ctx, len(attempts))
                report, action = await self.persona.check(gate.text, persona)
                attempts.append((gate.text, report))
                if action == "regenerate":
                    log.info("persona_regenerate", problems=report.problems)
                    yield Restarted(job.message.id, report.problems)
                    progress = _Progress(
                        released=job.prefix,
                        usage=progress.usage,
                        spent=progress.usage,
                        first_token_at=progress.first_token_at,
                    )
                    continue
                final = await self._settle(job, gate, progress, report, action)
                await self.persona.file(chat, job.message.id, ctx, attempts, action)
                if action != "withhold":
                    self.after_delivery(chat, job.message.id, ctx, gate.text, persona)
                break
            for event in self._flush(job, progress, force=True):
                yield event
            timing = self._timing(started, progress)
            yield Finished(final, progress.usage, timing, [*ctx.notes, *progress.notes])
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
                attempts=max(1, len(attempts)),
                chars=len(progress.released),
                ms=round((time.monotonic() - started) * 1000, 1),
            )

    def _request(
        self, chat: Chat, job: ReplyJob, ctx: Context, budget: Budget, correction: str | None
    ) -> LLMRequest:
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
        if correction:
            messages.append(ChatMessage("system", correction))
        else:
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
                        prompt_tokens=progress.spent.prompt_tokens + chunk.usage.prompt_tokens,
                        completion_tokens=progress.spent.completion_tokens
                        + chunk.usage.completion_tokens,
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

    async def _settle_blocked(self, job: ReplyJob, progress: _Progress) -> Message:
        assert progress.blocked is not None
        # Replace what was shown: the client renders the final message from Finished.
        progress.pending = ""
        msg = job.message.with_content(BLOCKED_TEXT).model_copy(
            update={"status": "blocked", "error": f"withheld: {progress.blocked.reason}"}
        )
        return await self.s.chats.finish_turn(job.lease, msg)

    async def _settle(
        self,
        job: ReplyJob,
        gate: StreamGate,
        progress: _Progress,
        report: ConsistencyReport,
        action: Action,
    ) -> Message:
        meta = dict(job.message.meta)
        update: dict[str, object] = {"status": "complete", "usage": progress.usage, "error": None}
        text = job.prefix + gate.text
        if not report.ok:
            meta["consistency"] = report.to_json()["findings"]
            progress.notes.extend(report.problems)
        if action == "withhold":
            progress.pending = ""
            text = WITHHELD_TEXT
            update.update(status="blocked", error="withheld: out of character, sent for review")
        msg = job.message.with_content(text).model_copy(update={**update, "meta": meta})
        return await self.s.chats.finish_turn(job.lease, msg)

    def after_delivery(
        self, chat: Chat, message_id: str, ctx: Context, reply: str, persona: PersonaContext
    ) -> None:
        check = self.persona.after_delivery(chat, message_id, ctx, reply, persona)
        task = asyncio.create_task(check)
        self.background.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("persona_after_delivery_failed", error=repr(task.exception()))

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
