"""The platform's records: readers, chats, messages. Stored as JSON in Redis, sent on the wire."""

from __future__ import annotations

import secrets
import time
from typing import Literal

from pydantic import BaseModel, Field, computed_field

Role = Literal["reader", "editor", "admin"]
Speaker = Literal["user", "character", "system"]
Status = Literal["complete", "streaming", "incomplete", "blocked"]


def new_id(prefix: str) -> str:
    """Sortable-ish, unguessable ids: time in base 36 + 64 random bits."""
    return f"{prefix}_{_b36(time.time_ns() // 1_000_000)}{secrets.token_hex(8)}"


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def now() -> float:
    return round(time.time(), 3)


class Reader(BaseModel):
    id: str
    name: str
    role: Role = "reader"
    minor: bool = False
    created_at: float = Field(default_factory=now)

    @property
    def is_editor(self) -> bool:
        return self.role in ("editor", "admin")


class TokenUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Message(BaseModel):
    id: str
    chat_id: str
    speaker: Speaker
    name: str
    swipes: list[str]
    swipe_index: int = 0
    status: Status = "complete"
    created_at: float = Field(default_factory=now)
    updated_at: float = Field(default_factory=now)
    usage: TokenUsage | None = None
    error: str | None = None
    meta: dict[str, object] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content(self) -> str:
        return self.swipes[self.swipe_index] if self.swipes else ""

    def with_content(self, text: str) -> Message:
        swipes = list(self.swipes) or [""]
        swipes[self.swipe_index] = text
        return self.model_copy(update={"swipes": swipes, "updated_at": now()})


class Chat(BaseModel):
    id: str
    reader_id: str
    card_id: str
    character_name: str
    user_name: str
    title: str = ""
    chapter: int | None = None
    created_at: float = Field(default_factory=now)
    updated_at: float = Field(default_factory=now)
