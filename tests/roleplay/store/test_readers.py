from __future__ import annotations

import pytest
from redis.asyncio import Redis

from roleplay.errors import InvalidInput, NotFound, RateLimited, Unauthorized
from roleplay.store.ratelimit import RateLimiter
from roleplay.store.readers import ReaderStore


async def test_session_token_authenticates_and_is_stored_hashed(redis_client: Redis) -> None:
    readers = ReaderStore(redis_client)
    reader = await readers.create("林清")
    token = await readers.issue_session(reader.id)
    found, cred = await readers.authenticate(token)
    assert found.id == reader.id and cred.kind == "session"
    keys = [k async for k in redis_client.scan_iter("rp:auth:*")]
    assert keys and all(token not in k for k in keys)
    assert token not in str(await redis_client.get(keys[0]))


async def test_unknown_and_malformed_tokens_are_refused(redis_client: Redis) -> None:
    readers = ReaderStore(redis_client)
    with pytest.raises(Unauthorized, match="not one of ours"):
        await readers.authenticate("hello")
    with pytest.raises(Unauthorized, match="revoked"):
        await readers.authenticate("rt_" + "x" * 40)


async def test_api_keys_can_be_listed_and_revoked(redis_client: Redis) -> None:
    readers = ReaderStore(redis_client)
    bot = await readers.create("group bot")
    key, info = await readers.issue_api_key(bot.id, "qq-group")
    assert (await readers.authenticate(key))[1].kind == "api_key"
    assert [k.label for k in await readers.list_api_keys(bot.id)] == ["qq-group"]
    await readers.revoke_api_key(bot.id, info.id)
    with pytest.raises(Unauthorized):
        await readers.authenticate(key)
    with pytest.raises(NotFound):
        await readers.revoke_api_key(bot.id, info.id)


async def test_reader_names_are_checked(redis_client: Redis) -> None:
    with pytest.raises(InvalidInput, match="1–64"):
        await ReaderStore(redis_client).create("   ")


async def test_first_admin_is_created_once(redis_client: Redis) -> None:
    readers = ReaderStore(redis_client)
    admin, token = await readers.ensure_admin()
    again, token2 = await readers.ensure_admin()
    assert admin.role == "admin" and token and again.id == admin.id and token2 is None


async def test_rate_limit_says_when_to_retry(redis_client: Redis) -> None:
    limiter = RateLimiter(redis_client, per_minute=3)
    for _ in range(3):
        await limiter.hit("r1")
    with pytest.raises(RateLimited, match="at most 3 per minute") as info:
        await limiter.hit("r1")
    assert 0 < info.value.retry_after <= 60
    await limiter.hit("r2")  # other readers are not affected
