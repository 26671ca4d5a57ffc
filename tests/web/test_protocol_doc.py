from __future__ import annotations

from pathlib import Path

from web import protocol as p
from web.protocol_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_docs_match_the_models() -> None:
    assert DOC.read_text("utf-8") == render(), (
        "docs/protocol.md is stale: run `python -m web.protocol_doc > docs/protocol.md`"
    )


def test_every_frame_type_is_documented() -> None:
    text = DOC.read_text("utf-8")
    for kind in (
        "auth",
        "send",
        "regenerate",
        "continue",
        "edit",
        "cancel",
        "ping",
        "hello",
        "ready",
        "accepted",
        "start",
        "chunk",
        "done",
        "edited",
        "error",
        "pong",
    ):
        assert f"### `{kind}`" in text


def test_frames_round_trip_through_the_union() -> None:
    frame = p.client_frames.validate_json('{"type": "send", "chat_id": "c", "text": "你好"}')
    assert isinstance(frame, p.Send) and frame.text == "你好"
    pong = p.server_frames.validate_json('{"type": "pong", "id": "x"}')
    assert isinstance(pong, p.Pong)
