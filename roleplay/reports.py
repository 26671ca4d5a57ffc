"""Readers' reports about messages in their own chats.

Three things a reader can say: a block was wrong ("this was fine"), a reply that
got through was unsafe, or a reply broke character. Each becomes an item in an
editors' queue (``safety.review.ReviewQueue`` or ``PersonaReviews``) carrying the
evidence as it stands now: moderation scores, or the persona checker's findings
re-computed on the reply, so editors see the reader's opinion and the machine's
side by side.

Only the reader's own chats are reachable (``ChatStore.get_chat`` says NotFound for
anyone else's), and reports share a per-reader rate limit so the queues cannot be
flooded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from characters.store import StoredCard
from roleplay.consistency import (
    ConsistencyReport,
    PersonaChecker,
    PersonaContext,
    ReaderReport,
    exchanges,
    reader_item,
)
from roleplay.errors import InvalidInput, NotFound
from roleplay.models import Chat, Message, Reader
from roleplay.store.ratelimit import RateLimiter
from roleplay.store.reviews import PersonaReviews
from roleplay.turn.service import ChatService
from safety.base import Policy, Role, Verdict
from safety.moderator import LayeredModerator
from safety.review import ReviewQueue

ModerationKind = Literal["false_positive", "unsafe"]
HISTORY_EXCHANGES = 20


class Reports:
    def __init__(
        self,
        service: ChatService,
        *,
        moderation: ReviewQueue,
        persona: PersonaReviews,
        limiter: RateLimiter,
    ) -> None:
        self.service = service
        self.moderation = moderation
        self.persona_queue = persona
        self.limiter = limiter

    # -- moderation ------------------------------------------------------------

    async def moderation_report(
        self,
        reader: Reader,
        *,
        kind: ModerationKind,
        chat_id: str,
        message_id: str | None = None,
        text: str | None = None,
        note: str = "",
    ) -> str:
        """File a reader's moderation report; returns the review item id.

        ``message_id`` names a stored message. A reader's own message that was blocked
        is never stored, so for it the reader sends ``text`` (what they tried to send)
        instead; the moderator's current verdict on it goes along as evidence.
        """
        await self.limiter.hit(reader.id)
        chats = self.service.s.chats
        chat = await chats.get_chat(reader.id, chat_id)
        policy = await self._policy(reader, chat)
        if message_id is None:
            text = self._blocked_input(kind, text)
            verdict = await self._assess(text, "user", policy)
        else:
            msg = await chats.message(chat, message_id)
            text, verdict = await self._reported_text(kind, msg, policy)
        return await self.moderation.report(
            kind=kind,
            text=text,
            reader_id=reader.id,
            note=note,
            verdict=verdict,
            policy=policy,
            chat_id=chat.id,
            message_id=message_id,
        )

    def _blocked_input(self, kind: ModerationKind, text: str | None) -> str:
        if kind != "false_positive":
            raise InvalidInput(
                "Say which reply is unsafe: send its message_id (from GET /api/chats/{id})."
            )
        text = (text or "").strip()
        if not text:
            raise InvalidInput(
                "Say which message was blocked: send message_id for a stored message, or "
                "text (what you tried to send) for a message of yours that was not sent."
            )
        limit = self.service.settings.max_message_chars
        if len(text) > limit:
            raise InvalidInput(
                f"The text is {len(text)} characters; a message has at most {limit}."
            )
        return text

    async def _reported_text(
        self, kind: ModerationKind, msg: Message, policy: Policy
    ) -> tuple[str, Verdict | None]:
        if kind == "false_positive":
            if msg.status != "blocked":
                raise InvalidInput(
                    "That message was not blocked. To report a reply as unsafe use "
                    'kind "unsafe"; for one that broke character, '
                    "POST /api/chats/{chat_id}/messages/{message_id}/report."
                )
            if msg.speaker == "character":
                # The withheld text is not kept (the reader never saw it); editors get
                # the reason and find the flag itself in the audit log by chat id.
                return f"[withheld reply; its text was not kept — {msg.error or 'withheld'}]", None
            return msg.content, await self._assess(msg.content, "user", policy)
        if msg.speaker != "character":
            raise InvalidInput("Only the character's replies can be reported as unsafe.")
        if msg.status in ("blocked", "streaming"):
            raise InvalidInput(
                "That reply is still being written; report it once it is finished."
                if msg.status == "streaming"
                else "That reply was already withheld; nothing unsafe was shown."
            )
        return msg.content, await self._assess(msg.content, "assistant", policy)

    async def _assess(self, text: str, role: Role, policy: Policy) -> Verdict | None:
        """The moderator's verdict now, without filing another flag; None when the
        moderator cannot score without recording (then editors see the text alone)."""
        moderator = self.service.s.moderator
        if not isinstance(moderator, LayeredModerator):
            return None
        return await moderator.assess(text, role=role, policy=policy, deep=True)

    async def _policy(self, reader: Reader, chat: Chat) -> Policy:
        stored = await self._card(chat)
        work = stored.card.novel.work if stored is not None else None
        return Policy(
            rating=self.service.settings.default_rating,
            minor=reader.minor,
            work_id=(work.id or None) if work is not None else None,
            card_id=chat.card_id,
            chat_id=chat.id,
            reader_id=reader.id,
        )

    # -- persona ---------------------------------------------------------------------

    async def persona_report(
        self, reader: Reader, chat_id: str, message_id: str, report: ReaderReport
    ) -> tuple[str, ConsistencyReport]:
        """File "this reply is out of character" with the checker's findings on it now."""
        await self.limiter.hit(reader.id)
        chats = self.service.s.chats
        chat = await chats.get_chat(reader.id, chat_id)
        messages = await chats.messages(chat)
        index = next((i for i, m in enumerate(messages) if m.id == message_id), None)
        if index is None:
            raise NotFound(f"No message {message_id!r} in this chat.")
        reply = _reportable(messages[index])
        stored = await self._card(chat)
        context = persona_context(chat, stored, messages[:index])
        recheck = await self._recheck(reply, context)
        item = reader_item(
            chat_id=chat.id,
            message_id=message_id,
            card_id=chat.card_id,
            card_version=stored.version if stored is not None else "",
            character_name=chat.character_name,
            chapter=chat.chapter,
            user_message=context.user_message,
            reply=reply,
            recheck=recheck,
            report=report,
            reader_id=reader.id,
        )
        return await self.persona_queue.add(item), recheck

    async def _recheck(self, reply: str, context: PersonaContext) -> ConsistencyReport:
        checker = self.service.s.consistency
        report = await checker.check(reply, context)
        if isinstance(checker, PersonaChecker) and checker.defer_contradiction:
            # The turn runs this one after delivery; a report can afford to wait for it.
            later = await checker.contradictions(reply, context)
            timings = {**report.timings_ms, **later.timings_ms}
            return ConsistencyReport.of([*report.findings, *later.findings], timings)
        return report

    async def _card(self, chat: Chat) -> StoredCard | None:
        try:
            return await self.service.s.cards.get(chat.card_id)
        except NotFound:  # the card was deleted since: report against the chat alone
            return None


def _reportable(msg: Message) -> str:
    if msg.speaker != "character":
        raise InvalidInput(
            "Only the character's replies can be reported as out of character; this one is "
            "yours (edit it instead)."
        )
    if msg.status == "streaming":
        raise InvalidInput("That reply is still being written; report it once it is finished.")
    if msg.status == "blocked":
        raise InvalidInput(
            "That reply was withheld and is already with the editors; if you think it was "
            'fine, POST /api/moderation/report with kind "false_positive".'
        )
    if not msg.content.strip():
        raise InvalidInput("That reply is empty; there is nothing to report.")
    return msg.content


def persona_context(
    chat: Chat, stored: StoredCard | None, before: Sequence[Message]
) -> PersonaContext:
    """What the checker compares a reply with: the card, the reader message it answers
    and the exchanges before it (withheld messages left out: nobody saw them)."""
    turns = [(m.speaker, m.content) for m in before if m.status != "blocked"]
    user = turns[-1][1] if turns and turns[-1][0] == "user" else ""
    past = exchanges(turns[:-1] if user else turns)[-HISTORY_EXCHANGES:]
    return PersonaContext(
        character_name=chat.character_name,
        chapter=chat.chapter,
        previous_replies=[x.reply for x in past],
        card=stored.card if stored is not None else None,
        card_key=f"{stored.id}@{stored.version}" if stored is not None else "",
        user_message=user,
        history=past,
        user_name=chat.user_name,
    )
