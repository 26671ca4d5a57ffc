"""Chat export/import in SillyTavern's JSONL: a header line, then one message per line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roleplay.errors import InvalidInput
from roleplay.models import Chat, Message, Reader, Speaker, new_id, now

if TYPE_CHECKING:
    from roleplay.turn.service import ChatService

MAX_LINES = 50_000


def _date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%B %d, %Y %I:%M%p").replace(" 0", " ")


def export_jsonl(chat: Chat, messages: Sequence[Message]) -> str:
    header = {
        "user_name": chat.user_name,
        "character_name": chat.character_name,
        "create_date": _date(chat.created_at),
        "chat_metadata": {"novel_roleplay": {"card_id": chat.card_id, "chapter": chat.chapter}},
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    for m in messages:
        lines.append(
            json.dumps(
                {
                    "name": m.name,
                    "is_user": m.speaker == "user",
                    "is_system": m.speaker == "system",
                    "send_date": _date(m.created_at),
                    "mes": m.content,
                    "swipes": m.swipes,
                    "swipe_id": m.swipe_index,
                    "swipe_info": [],
                    "extra": {"novel_roleplay": {"status": m.status}}
                    if m.status != "complete"
                    else {},
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines) + "\n"


def parse_jsonl(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rows: list[tuple[int, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(rows) >= MAX_LINES:
            raise InvalidInput(f"The chat has more than {MAX_LINES} lines; split it.")
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"Line {n} is not valid JSON ({exc.msg}); is this a SillyTavern .jsonl chat?"
            ) from exc
        if not isinstance(row, dict):
            raise InvalidInput(f"Line {n} should be a JSON object.")
        rows.append((n, row))
    if not rows:
        raise InvalidInput("The file is empty; export a chat from SillyTavern and try again.")
    header = rows[0][1]
    messages = []
    for n, row in rows[1:]:
        if not isinstance(row.get("mes"), str):
            raise InvalidInput(f"Line {n}: 'mes' (the message text) must be a string.")
        messages.append(row)
    return header, messages


def _to_message(chat: Chat, row: dict[str, Any]) -> Message:
    swipes = row.get("swipes")
    if not (isinstance(swipes, list) and swipes and all(isinstance(s, str) for s in swipes)):
        swipes = [row["mes"]]
    index = row.get("swipe_id", 0)
    index = index if isinstance(index, int) and 0 <= index < len(swipes) else 0
    speaker: Speaker = (
        "user" if row.get("is_user") else "system" if row.get("is_system") else "character"
    )
    default = chat.user_name if speaker == "user" else chat.character_name
    return Message(
        id=new_id("m"),
        chat_id=chat.id,
        speaker=speaker,
        name=str(row.get("name") or default)[:64],
        swipes=swipes,
        swipe_index=index,
        created_at=now(),
    )


async def import_jsonl(
    service: ChatService, reader: Reader, card_id: str, text: str
) -> tuple[Chat, list[Message]]:
    header, rows = parse_jsonl(text)
    stored = await service.s.cards.get_visible(card_id, editor=reader.is_editor)
    chat = Chat(
        id=new_id("c"),
        reader_id=reader.id,
        card_id=card_id,
        character_name=stored.card.data.name,
        user_name=str(header.get("user_name") or reader.name)[:64],
        title=f"{stored.card.data.name} (imported)",
    )
    messages = [_to_message(chat, row) for row in rows]
    await service.s.chats.create_chat(chat, messages)
    return chat, messages
