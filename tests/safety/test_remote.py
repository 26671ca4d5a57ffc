from __future__ import annotations

import json

import httpx
import pytest

from safety.remote import RemoteModeration


async def test_remote_scores_are_folded_into_our_categories() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert request.url.path == "/v1/moderations" and body["input"] == ["a", "b"]
        assert request.headers["authorization"] == "Bearer k"
        result = {
            "category_scores": {"harassment/threatening": 0.8, "illicit": 0.1, "unknown": 1.0}
        }
        return httpx.Response(200, json={"results": [result, {"category_scores": {}}]})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    remote = RemoteModeration("http://mod.test/v1", api_key="k", client=client)
    got = await remote.scores(["a", "b"])
    assert got == [{"harassment": 0.8, "violence": 0.8, "illegal": 0.1}, {}]
    await remote.aclose()


async def test_remote_errors_surface() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    remote = RemoteModeration("http://mod.test/v1", client=client)
    with pytest.raises(httpx.HTTPStatusError):
        await remote.scores(["a"])
    await remote.aclose()
