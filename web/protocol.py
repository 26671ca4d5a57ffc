"""The websocket protocol, version 1: typed frames in a discriminated union on ``type``.

Clients send ``ClientFrame``s, the server sends ``ServerFrame``s, one JSON
object per text frame. ``docs/protocol.md`` is generated from these models
(``python -m web.protocol_doc``) and a test keeps the two in step.
Every client frame that starts work may carry an ``id`` of the client's
choosing; every server frame about that work echoes it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from roleplay.models import Chat, Message, Reader, TokenUsage

VERSION = 1
RequestId = Annotated[str | None, Field(default=None, max_length=64)]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- client → server ---------------------------------------------------------


class Auth(_Frame):
    """First frame on a connection (unless the token came in the Authorization header)."""

    type: Literal["auth"]
    token: str = Field(max_length=200)
    v: int = VERSION


class Send(_Frame):
    """Say something in a chat; the reply streams back as start/chunk/done."""

    type: Literal["send"]
    id: RequestId
    chat_id: str = Field(max_length=64)
    text: str


class Regenerate(_Frame):
    """Write a new version (swipe) of the last character reply."""

    type: Literal["regenerate"]
    id: RequestId
    chat_id: str = Field(max_length=64)


class Continue(_Frame):
    """Extend the last character reply."""

    type: Literal["continue"]
    id: RequestId
    chat_id: str = Field(max_length=64)


class Edit(_Frame):
    """Replace the text of a message (the current swipe of a reply)."""

    type: Literal["edit"]
    id: RequestId
    chat_id: str = Field(max_length=64)
    message_id: str = Field(max_length=64)
    text: str


class Cancel(_Frame):
    """Stop the reply being written for request ``id``; it is stored as incomplete."""

    type: Literal["cancel"]
    id: str = Field(max_length=64)


class Ping(_Frame):
    type: Literal["ping"]
    id: RequestId


class MemoryList(_Frame):
    """List what the characters remember about you (one character's with ``card_id``);
    ``history=false`` leaves out facts that were superseded. Answered by ``memories``."""

    type: Literal["memory.list"]
    id: RequestId
    card_id: str | None = Field(default=None, max_length=64)
    history: bool = True


class MemorySearch(_Frame):
    """Search one character's memories of you. Answered by ``memories``."""

    type: Literal["memory.search"]
    id: RequestId
    card_id: str = Field(max_length=64)
    query: str = Field(max_length=500)
    limit: int = Field(default=20, ge=1, le=100)


class MemoryEdit(_Frame):
    """Correct a memory. Answered by ``memories`` with the edited item."""

    type: Literal["memory.edit"]
    id: RequestId
    memory_id: str = Field(max_length=128)
    text: str = Field(min_length=1, max_length=2000)


class MemoryDelete(_Frame):
    """Forget memories (and the summaries quoting them). Answered by ``memory.deleted``."""

    type: Literal["memory.delete"]
    id: RequestId
    memory_ids: list[str] = Field(min_length=1, max_length=500)


ClientFrame = Annotated[
    Auth
    | Send
    | Regenerate
    | Continue
    | Edit
    | Cancel
    | Ping
    | MemoryList
    | MemorySearch
    | MemoryEdit
    | MemoryDelete,
    Field(discriminator="type"),
]
client_frames: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)


# -- server → client ---------------------------------------------------------


class Hello(_Frame):
    """Sent on connect: the protocol version and limits."""

    type: Literal["hello"] = "hello"
    v: int = VERSION
    max_frame_bytes: int
    backend: str
    canon_mode: bool


class Ready(_Frame):
    """Authentication succeeded."""

    type: Literal["ready"] = "ready"
    reader: Reader


class Accepted(_Frame):
    """The reader's message is stored; it will not be lost."""

    type: Literal["accepted"] = "accepted"
    id: RequestId
    message: Message


class Start(_Frame):
    """The character's reply has begun (a new message, or a new swipe of one)."""

    type: Literal["start"] = "start"
    id: RequestId
    chat_id: str
    message: Message


class Chunk(_Frame):
    """More text of the reply being written; append it."""

    type: Literal["chunk"] = "chunk"
    id: RequestId
    message_id: str
    text: str


class Restart(_Frame):
    """The reply broke character and is being rewritten once: clear the text received so
    far for ``message_id``; chunks of the corrected reply follow."""

    type: Literal["restart"] = "restart"
    id: RequestId
    message_id: str
    problems: list[str] = Field(default_factory=list)


class Done(_Frame):
    """The reply is stored. Render ``message`` as final (it may differ from the chunks,
    e.g. when moderation withheld the reply: ``message.status == "blocked"``)."""

    type: Literal["done"] = "done"
    id: RequestId
    message: Message
    usage: TokenUsage
    timing: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class Edited(_Frame):
    type: Literal["edited"] = "edited"
    id: RequestId
    message: Message


class Error(_Frame):
    """Something went wrong with request ``id`` (or with the connection, when null)."""

    type: Literal["error"] = "error"
    id: RequestId
    code: str
    message: str
    message_id: str | None = None
    retry_after: float | None = None


class Pong(_Frame):
    type: Literal["pong"] = "pong"
    id: RequestId


class Memories(_Frame):
    """Memories, newest first: ``text``, ``kind`` (fact, summary, turn), ``current``
    (false once superseded), wall-clock and story time, and ``id`` for edit/delete."""

    type: Literal["memories"] = "memories"
    id: RequestId
    memories: list[dict[str, Any]]


class MemoryDeleted(_Frame):
    type: Literal["memory.deleted"] = "memory.deleted"
    id: RequestId
    deleted: int


ServerFrame = Annotated[
    Hello
    | Ready
    | Accepted
    | Start
    | Chunk
    | Restart
    | Done
    | Edited
    | Error
    | Pong
    | Memories
    | MemoryDeleted,
    Field(discriminator="type"),
]
server_frames: TypeAdapter[ServerFrame] = TypeAdapter(ServerFrame)

# Close codes (RFC 6455 private range for ours).
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_UNAUTHORIZED = 4401
CLOSE_FLOOD = 4429

__all__ = [
    "Chat",
    "ClientFrame",
    "Message",
    "Reader",
    "ServerFrame",
    "TokenUsage",
    "client_frames",
    "server_frames",
]
