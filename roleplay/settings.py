"""The one settings object, read once in ``main()`` and passed down.

Every field can be set by environment variable (``ROLEPLAY_<FIELD>``, plus the
conventional ``REDIS_URL``, ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``) or a
``.env`` file. Nothing else in the code reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROLEPLAY_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path(".data")
    public_url: str | None = None

    # Storage. Without REDIS_URL a private redis-server is started in data_dir.
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "ROLEPLAY_REDIS_URL")
    )
    redis_max_connections: int = 64

    # Language model. "auto" = openai when an endpoint is configured, else canon.
    llm_backend: Literal["auto", "openai", "canon"] = "auto"
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "ROLEPLAY_OPENAI_BASE_URL"),
    )
    openai_api_key: str = Field(
        default="not-needed",
        validation_alias=AliasChoices("OPENAI_API_KEY", "ROLEPLAY_OPENAI_API_KEY"),
    )
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2
    temperature: float = 0.8

    # Prompt budget (tiktoken tokens).
    tokenizer: str = "cl100k_base"
    context_tokens: int = 8192
    max_reply_tokens: int = 512
    share_character: float = 0.30
    share_lore: float = 0.15
    share_memory: float = 0.15

    # Limits.
    turns_per_minute: int = 20
    max_message_chars: int = 4000
    ws_max_frame_bytes: int = 64 * 1024
    ws_frames_per_second: float = 20.0
    max_card_bytes: int = 32 * 1024 * 1024
    stream_flush_chars: int = 24
    stream_holdback_chars: int = 12

    # Extraction jobs (editor uploads, see docs/extraction.md). Larger novels: split them
    # into volumes and append. One server process runs extract_concurrency jobs at once
    # (the rest queue), each with extract_jobs worker processes (None: CPUs, at most 4).
    extract_max_bytes: int = 64 * 1024 * 1024
    extract_jobs: int | None = None
    extract_concurrency: int = 1

    # Long-term memory (chromadb). Embedded under data_dir unless chroma_host is set.
    memory_enabled: bool = True
    chroma_host: str | None = None
    chroma_port: int = 8000
    memory_timeout_s: float = 3.0
    # Under load a turn recalls by words alone rather than wait longer for the query vector.
    memory_dense_budget_s: float = 0.25
    # Let a character recall what the reader told other characters of the same work.
    memory_share_across_work: bool = False
    # With an LLM configured, facts are extracted by it; rules are the fallback.
    memory_llm_extraction: bool = True

    # Moderation. "overlap": the input's deep check runs while the LLM starts, and the
    # reply is released only once it has passed (see docs/safety.md).
    moderation_deep_input: Literal["sync", "overlap", "off"] = "overlap"
    default_rating: Literal["general", "teen", "mature"] = "teen"
    moderation_url: str | None = None  # an OpenAI-compatible /v1 for /moderations
    moderation_api_key: str | None = None
    moderation_model: str = "omni-moderation-latest"

    # Persona consistency: regenerate a failing reply once; if it fails again, withhold
    # these kinds of problem and deliver the others flagged for editors.
    consistency_regenerate: bool = True
    consistency_withhold: list[str] = Field(default_factory=lambda: ["spoiler"])
    # LLM judge (only with an LLM endpoint): tokens per hour it may spend, 0 = off.
    consistency_judge_tokens_per_hour: int = 0

    shutdown_grace_s: float = 5.0
    turn_lease_s: float = 15.0
    embed_threads: int = 2
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    @model_validator(mode="after")
    def _shares_fit(self) -> Settings:
        if self.share_character + self.share_lore + self.share_memory >= 0.9:
            raise ValueError("prompt shares leave no room for the conversation; lower them")
        if self.max_reply_tokens >= self.context_tokens // 2:
            raise ValueError("max_reply_tokens must be under half of context_tokens")
        return self

    @property
    def resolved_backend(self) -> Literal["openai", "canon"]:
        if self.llm_backend == "auto":
            return "openai" if self.openai_base_url else "canon"
        return self.llm_backend

    @property
    def url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}/"
