"""An optional remote layer: any OpenAI-compatible ``/v1/moderations`` endpoint.

Its category names are folded into ours (``harassment/threatening`` counts for
harassment and violence, ``illicit*`` for illegal, ...). Scores are taken as they
come: a hosted moderation model is already calibrated to 0.5-ish decisions. Errors
propagate; ``LayeredModerator`` logs them and carries on with the local layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

_MAP: dict[str, tuple[str, ...]] = {
    "sexual": ("sexual",),
    "sexual/minors": ("sexual/minors", "sexual"),
    "hate": ("hate",),
    "hate/threatening": ("hate", "violence"),
    "harassment": ("harassment",),
    "harassment/threatening": ("harassment", "violence"),
    "self-harm": ("self-harm",),
    "self-harm/intent": ("self-harm",),
    "self-harm/instructions": ("self-harm",),
    "violence": ("violence",),
    "violence/graphic": ("violence/graphic",),
    "illicit": ("illegal",),
    "illicit/violent": ("illegal", "violence"),
}


class RemoteModeration:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str = "omni-moderation-latest",
        timeout_s: float = 3.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.AsyncClient(timeout=timeout_s)
        self._headers = headers
        self._url = base_url.rstrip("/") + "/moderations"
        self.model = model

    async def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        resp = await self._client.post(
            self._url,
            json={"model": self.model, "input": list(texts)},
            headers=self._headers,
        )
        resp.raise_for_status()
        results: list[dict[str, Any]] = resp.json()["results"]
        if len(results) != len(texts):
            raise ValueError(
                f"moderation endpoint returned {len(results)} results for {len(texts)}"
            )
        return [_fold(r.get("category_scores") or {}) for r in results]

    async def aclose(self) -> None:
        await self._client.aclose()


def _fold(remote: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, score in remote.items():
        for ours in _MAP.get(name, ()):
            out[ours] = max(out.get(ours, 0.0), float(score))
    return out
