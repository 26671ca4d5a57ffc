"""The project's small exception tree.

Adapters convert outside failures (openai, redis, chromadb) into these at their
boundary; the web layer maps each class to one HTTP status and one websocket
error code in a single place (``web.errors``). Every message is written for the
person who will read it: what was wrong and what to do.
"""

from __future__ import annotations


class RoleplayError(Exception):
    """Base of every error the project raises on purpose."""

    code = "internal"

    def __init__(self, message: str, *, detail: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class InvalidInput(RoleplayError):
    """The caller sent something we cannot accept (bad card, bad frame, bad field)."""

    code = "invalid_input"


class CardError(InvalidInput):
    """A character card or lorebook failed to import or validate."""

    code = "invalid_card"


class TooLarge(InvalidInput):
    """An upload over the configured size limit."""

    code = "too_large"


class NotFound(RoleplayError):
    """The thing does not exist, or belongs to someone else (we do not say which)."""

    code = "not_found"


class Unauthorized(RoleplayError):
    code = "unauthorized"


class Forbidden(RoleplayError):
    code = "forbidden"


class Conflict(RoleplayError):
    """The request clashes with current state (e.g. a reply is already streaming)."""

    code = "conflict"


class RateLimited(RoleplayError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after


class Blocked(RoleplayError):
    """Moderation refused the text."""

    code = "blocked"


class LLMError(RoleplayError):
    """The language model backend failed; the turn is stored as incomplete."""

    code = "llm_error"


class LLMTimeout(LLMError):
    code = "llm_timeout"


class LLMUnavailable(LLMError):
    """Could not reach the endpoint, or it kept answering 5xx after retries."""

    code = "llm_unavailable"


class StoreUnavailable(RoleplayError):
    """Redis (or another store) cannot be reached."""

    code = "store_unavailable"
