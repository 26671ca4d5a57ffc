from __future__ import annotations

import pytest
from pydantic import ValidationError

from roleplay.settings import Settings


def test_backend_is_canon_without_an_endpoint_and_openai_with_one() -> None:
    assert Settings().resolved_backend == "canon"
    assert Settings(openai_base_url="http://127.0.0.1:9/v1").resolved_backend == "openai"
    assert Settings(llm_backend="canon", openai_base_url="http://x/v1").resolved_backend == "canon"


def test_environment_names_follow_conventions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://db:6379/0")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://llm/v1")
    monkeypatch.setenv("ROLEPLAY_PORT", "9000")
    s = Settings()
    assert (s.redis_url, s.openai_base_url, s.port) == ("redis://db:6379/0", "http://llm/v1", 9000)


def test_budget_shares_that_leave_no_room_are_refused() -> None:
    with pytest.raises(ValidationError, match="no room for the conversation"):
        Settings(share_character=0.5, share_lore=0.3, share_memory=0.2)
    with pytest.raises(ValidationError, match="max_reply_tokens"):
        Settings(context_tokens=1000, max_reply_tokens=600)
