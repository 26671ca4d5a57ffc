"""Stage 6: does the reply stay in character, and what to do when it does not.

``PersonaStage`` builds what the checks compare a reply with (the card snapshot
for the reader's chapter, its canon lines, the chat so far), applies the policy
(regenerate once with a correction note, then deliver flagged or withhold), and
files what still failed for editors with its evidence. The contradiction check,
which costs an embedding, can run after delivery (``after_delivery``): a
contradiction found then is flagged for editors rather than regenerated.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from roleplay.consistency import (
    Action,
    ConsistencyChecker,
    ConsistencyPolicy,
    ConsistencyReport,
    PersonaChecker,
    PersonaContext,
    checker_item,
    exchanges,
)
from roleplay.models import Chat
from roleplay.store.reviews import PersonaReviews
from roleplay.turn.context import Context

log = structlog.get_logger("roleplay.persona")
HISTORY_EXCHANGES = 20
Attempts = Sequence[tuple[str, ConsistencyReport]]


class PersonaStage:
    def __init__(
        self,
        checker: ConsistencyChecker,
        policy: ConsistencyPolicy,
        reviews: PersonaReviews | None,
    ) -> None:
        self.checker = checker
        self.policy = policy
        self.reviews = reviews

    def context(self, chat: Chat, ctx: Context, attempt: int) -> PersonaContext:
        turns = [(t.speaker, t.text) for t in ctx.history]
        past = exchanges(turns[:-1] if turns and turns[-1][0] == "user" else turns)
        return PersonaContext(
            character_name=chat.character_name,
            chapter=chat.chapter,
            previous_replies=[x.reply for x in past[-HISTORY_EXCHANGES:]],
            card=ctx.source,
            card_key=ctx.card_key,
            user_message=_last_user_message(ctx),
            history=past[-HISTORY_EXCHANGES:],
            user_name=chat.user_name,
            attempt=attempt,
        )

    async def check(self, reply: str, context: PersonaContext) -> tuple[ConsistencyReport, Action]:
        report = await self.checker.check(reply, context)
        return report, self.policy.decide(report, context.attempt)

    async def file(
        self, chat: Chat, message_id: str, ctx: Context, attempts: Attempts, action: Action
    ) -> None:
        """Send a reply that still failed to the editors' queue (best effort)."""
        if self.reviews is None or action in ("accept", "regenerate"):
            return
        card_id, _, version = ctx.card_key.partition("@")
        item = checker_item(
            chat_id=chat.id,
            message_id=message_id,
            card_id=card_id,
            card_version=version,
            character_name=chat.character_name,
            chapter=chat.chapter,
            user_message=_last_user_message(ctx),
            attempts=attempts,
            action=action,
        )
        try:
            await self.reviews.add(item)
        except Exception as exc:  # the reply is already stored; a lost flag is only logged
            log.warning("persona_review_failed", error=repr(exc), chat_id=chat.id)

    async def after_delivery(
        self, chat: Chat, message_id: str, ctx: Context, reply: str, context: PersonaContext
    ) -> None:
        """The deferred contradiction check: flag what it finds, never block."""
        if not isinstance(self.checker, PersonaChecker) or not self.checker.defer_contradiction:
            return
        report = await self.checker.contradictions(reply, context)
        if not report.ok:
            log.info("persona_contradiction", chat_id=chat.id, problems=report.problems)
            await self.file(chat, message_id, ctx, [(reply, report)], "deliver_flagged")


def _last_user_message(ctx: Context) -> str:
    return next((t.text for t in reversed(ctx.history) if t.speaker == "user"), "")
