from __future__ import annotations

from pathlib import Path

import redis

from roleplay.store.redis_server import EmbeddedRedis


def test_embedded_redis_persists_across_restarts(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path) as server:
        redis.Redis.from_url(server.url).set("k", "kept")
    assert (tmp_path / "redis" / "appendonly.aof").exists() or any(
        (tmp_path / "redis").glob("appendonly*")
    )
    with EmbeddedRedis(tmp_path) as server:
        assert redis.Redis.from_url(server.url).get("k") == b"kept"
