"""``ChatService``: chats and the turn pipeline (stages 1–8 in ``roleplay.turn``).

Order matters: the reader's message is persisted before the LLM is called, and
the reply is persisted as "streaming" before its first character is sent, with
progress saved as it goes; any failure, disconnect or shutdown leaves it stored
as "incomplete", ready to regenerate. Nothing reaches the reader unscreened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Literal

import structlog

from characters.store import CardStore, StoredCard
from memory.base import Memory, MemoryScope, TurnRecord
from roleplay.consistency import ConsistencyChecker, ConsistencyPolicy
from roleplay.errors import Blocked, InvalidInput
from roleplay.llm.base import LLMBackend
from roleplay.models import Chat, Message, Reader, new_id, now
from roleplay.settings import Settings
from roleplay.store.chats import ChatStore
from roleplay.store.ratelimit import RateLimiter
from roleplay.store.reviews import PersonaReviews
from roleplay.tokens import Tokenizer
from roleplay.turn.context import ContextGatherer, memory_scope
from roleplay.turn.events import Accepted, Finished, TurnEvent
from roleplay.turn.persona import PersonaStage
from roleplay.turn.prompt import Budget, PromptBuilder, fill_macros
from roleplay.turn.reply import ReplyJob, ReplyWriter
from safety.base import Moderator, Policy

log = structlog.get_logger("roleplay.turn")
HISTORY_WINDOW = 60


@dataclass(frozen=True, slots=True)
class Services:
    chats: ChatStore
    cards: CardStore
    llm: LLMBackend
    moderator: Moderator
    memory: Memory
    consistency: ConsistencyChecker
    limiter: RateLimiter
    tokenizer: Tokenizer
    persona_policy: ConsistencyPolicy = field(default_factory=ConsistencyPolicy)
    # Where replies that broke character go for editors (None: only logged).
    reviews: PersonaReviews | None = None


class ChatService:
    def __init__(self, services: Services, settings: Settings) -> None:
        self.s = services
        self.settings = settings
        self._context = ContextGatherer(services.memory, services.tokenizer)
        persona = PersonaStage(services.consistency, services.persona_policy, services.reviews)
        self._writer = ReplyWriter(services, settings, PromptBuilder(services.tokenizer), persona)
        self._background: set[asyncio.Task[None]] = set()

    @property
    def budget(self) -> Budget:
        st = self.settings
        total = st.context_tokens - st.max_reply_tokens
        return Budget(
            total=total,
            character=int(total * st.share_character),
            lore=int(total * st.share_lore),
            memory=int(total * st.share_memory),
        )

    # -- chats -------------------------------------------------------------

    async def start_chat(
        self,
        reader: Reader,
        card_id: str,
        *,
        user_name: str | None = None,
        chapter: int | None = None,
    ) -> tuple[Chat, list[Message]]:
        stored = await self.s.cards.get_visible(card_id, editor=reader.is_editor)
        data = stored.card.data
        user = (user_name or reader.name).strip()[:64] or reader.name
        chat = Chat(
            id=new_id("c"),
            reader_id=reader.id,
            card_id=card_id,
            character_name=data.name,
            user_name=user,
            chapter=_chapter(chapter),
            title=data.name,
        )
        greetings = [
            fill_macros(g, char=data.name, user=user)
            for g in [data.first_mes, *data.alternate_greetings]
            if g.strip()
        ]
        messages = []
        if greetings:
            messages.append(
                Message(
                    id=new_id("m"),
                    chat_id=chat.id,
                    speaker="character",
                    name=data.name,
                    swipes=greetings,
                )
            )
        await self.s.chats.create_chat(chat, messages)
        return chat, messages

    async def open_chat(self, reader: Reader, chat_id: str) -> tuple[Chat, list[Message]]:
        chat = await self.s.chats.get_chat(reader.id, chat_id)
        return chat, await self.s.chats.messages(chat)

    async def set_chapter(self, reader: Reader, chat_id: str, chapter: int | None) -> Chat:
        chat = await self.s.chats.get_chat(reader.id, chat_id)
        return await self.s.chats.update_chat(
            chat.model_copy(update={"chapter": _chapter(chapter)})
        )

    # -- turns -------------------------------------------------------------

    async def turn(
        self, reader: Reader, chat_id: str, text: str
    ) -> AsyncGenerator[TurnEvent, None]:
        text = self._check_text(text)
        chat, stored = await self._prepare(reader, chat_id)
        policy = self._policy(reader, chat, stored)
        verdict = await self.s.moderator.screen(text, role="user", policy=policy)
        if not verdict.allowed:
            raise Blocked(
                f"Your message was not sent: it {verdict.reason}. Please rephrase.",
                detail={"categories": verdict.categories},
            )
        user_msg = Message(
            id=new_id("m"), chat_id=chat.id, speaker="user", name=chat.user_name, swipes=[text]
        )
        reply = Message(
            id=new_id("m"),
            chat_id=chat.id,
            speaker="character",
            name=chat.character_name,
            swipes=[""],
            status="streaming",
        )
        # The reader's message is stored (with the empty reply) before the LLM is called.
        lease, history = await self.s.chats.begin_turn(
            chat, append=[user_msg, reply], last=HISTORY_WINDOW
        )
        try:
            yield Accepted(user_msg)
            job = ReplyJob(reply, "new", lease, after=verdict.followup)
            async with aclosing(self._run(reader, chat, stored, job, history)) as events:
                async for event in events:
                    yield event
        finally:
            await self.s.chats.release(lease)

    async def regenerate(self, reader: Reader, chat_id: str) -> AsyncGenerator[TurnEvent, None]:
        """A new swipe for the last character reply (the old ones stay selectable)."""
        async with aclosing(self._redo(reader, chat_id, "regenerate")) as events:
            async for event in events:
                yield event

    async def continue_reply(self, reader: Reader, chat_id: str) -> AsyncGenerator[TurnEvent, None]:
        """Extend the last character reply (e.g. one that was cut off)."""
        async with aclosing(self._redo(reader, chat_id, "continue")) as events:
            async for event in events:
                yield event

    async def _redo(
        self, reader: Reader, chat_id: str, mode: Literal["regenerate", "continue"]
    ) -> AsyncGenerator[TurnEvent, None]:
        chat, stored = await self._prepare(reader, chat_id)
        lease, history = await self.s.chats.begin_turn(chat, last=HISTORY_WINDOW)
        try:
            last = _last_reply(history)
            if mode == "regenerate":
                update = {"swipes": [*last.swipes, ""], "swipe_index": len(last.swipes)}
            else:
                update = {}
            reply = last.model_copy(update={**update, "status": "streaming", "error": None})
            await self.s.chats.save(chat, reply)
            prefix = last.content if mode == "continue" else ""
            job = ReplyJob(reply, mode, lease, prefix=prefix)
            async with aclosing(self._run(reader, chat, stored, job, history)) as events:
                async for event in events:
                    yield event
        finally:
            await self.s.chats.release(lease)

    async def _prepare(self, reader: Reader, chat_id: str) -> tuple[Chat, StoredCard]:
        await self.s.limiter.hit(reader.id)
        chat = await self.s.chats.get_chat(reader.id, chat_id)
        return chat, await self.s.cards.get(chat.card_id)

    async def _run(
        self,
        reader: Reader,
        chat: Chat,
        stored: StoredCard,
        job: ReplyJob,
        history: list[Message],
    ) -> AsyncGenerator[TurnEvent, None]:
        structlog.contextvars.bind_contextvars(chat_id=chat.id, message_id=job.message.id)
        if job.mode != "continue":
            history = [m for m in history if m.id != job.message.id]
        ctx = await self._context.gather(stored, chat, history, self.budget)
        finished = None
        policy = self._policy(reader, chat, stored)
        writer = self._writer.write(chat, job, ctx, policy, self.budget, job.after)
        beat = asyncio.create_task(self._heartbeat(job))
        try:
            async with aclosing(writer) as events:
                async for event in events:
                    finished = event
                    yield event
        finally:
            beat.cancel()
        if finished is not None and job.mode != "continue":
            self._remember(memory_scope(chat, stored), chat, history, job.message.id, finished)

    async def _heartbeat(self, job: ReplyJob) -> None:
        chats = self.s.chats
        while True:
            await asyncio.sleep(chats.lease_s / 3)
            try:
                await chats.heartbeat(job.lease, job.message.id)
            except Exception as exc:  # a missed beat only risks an early sweep; keep going
                log.warning("heartbeat_failed", error=repr(exc))

    # -- editing -----------------------------------------------------------

    async def edit(self, reader: Reader, chat_id: str, message_id: str, text: str) -> Message:
        text = self._check_text(text)
        chat = await self.s.chats.get_chat(reader.id, chat_id)
        msg = await self.s.chats.message(chat, message_id)
        if msg.status == "streaming":
            raise InvalidInput("That reply is still streaming; wait for it to finish.")
        updated = msg.with_content(text).model_copy(
            update={"status": "complete", "error": None, "meta": {**msg.meta, "edited": True}}
        )
        return await self.s.chats.save(chat, updated)

    async def delete_message(self, reader: Reader, chat_id: str, message_id: str) -> None:
        chat = await self.s.chats.get_chat(reader.id, chat_id)
        await self.s.chats.remove(chat, message_id)

    async def select_swipe(
        self, reader: Reader, chat_id: str, message_id: str, index: int
    ) -> Message:
        chat = await self.s.chats.get_chat(reader.id, chat_id)
        msg = await self.s.chats.message(chat, message_id)
        if not 0 <= index < len(msg.swipes):
            raise InvalidInput(
                f"Swipe {index} does not exist; this message has "
                f"{len(msg.swipes)} (0–{len(msg.swipes) - 1})."
            )
        return await self.s.chats.save(chat, msg.model_copy(update={"swipe_index": index}))

    def _check_text(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise InvalidInput("The message is empty; type something to say.")
        if len(text) > self.settings.max_message_chars:
            raise InvalidInput(
                f"The message is {len(text)} characters; the limit is "
                f"{self.settings.max_message_chars}. Split it into shorter ones."
            )
        return text

    # -- stage 8 -----------------------------------------------------------

    def _remember(
        self,
        scope: MemoryScope,
        chat: Chat,
        history: list[Message],
        reply_id: str,
        finished: TurnEvent,
    ) -> None:
        if not isinstance(finished, Finished) or finished.message.status != "complete":
            return
        user = next((m for m in reversed(history) if m.speaker == "user"), None)
        if user is None:
            return
        record = TurnRecord(
            chat_id=chat.id,
            user_message_id=user.id,
            reply_message_id=reply_id,
            user_name=chat.user_name,
            character_name=chat.character_name,
            user_text=user.content,
            reply_text=finished.message.content,
            at=now(),
        )
        task = asyncio.create_task(self._remember_safely(scope, record))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _remember_safely(self, scope: MemoryScope, record: TurnRecord) -> None:
        try:
            await self.s.memory.remember(scope, record)
        except Exception as exc:  # memory never breaks a turn
            log.warning("memory_write_failed", error=repr(exc), chat_id=record.chat_id)

    async def aclose(self, timeout_s: float = 5.0) -> None:
        pending = self._background | self._writer.background
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)

    def _policy(self, reader: Reader, chat: Chat, stored: StoredCard) -> Policy:
        work = stored.card.novel.work
        return Policy(
            rating=self.settings.default_rating,
            minor=reader.minor,
            work_id=(work.id or None) if work is not None else None,
            card_id=chat.card_id,
            chat_id=chat.id,
            reader_id=reader.id,
        )


def _last_reply(history: list[Message]) -> Message:
    if not history or history[-1].speaker != "character":
        raise InvalidInput(
            "There is no character reply at the end of this chat to redo; send a message instead."
        )
    return history[-1]


def _chapter(chapter: int | None) -> int | None:
    if chapter is not None and not 0 <= chapter <= 100_000:
        raise InvalidInput("chapter must be a whole number from 0 to 100000 (or left out).")
    return chapter


__all__ = ["ChatService", "Services"]
