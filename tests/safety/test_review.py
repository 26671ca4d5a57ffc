from __future__ import annotations

from redis.asyncio import Redis

from safety.base import Policy, Verdict
from safety.review import ReviewQueue

FLAG = Verdict(
    allowed=False,
    categories={"harassment": True, "hate": False},
    scores={"harassment": 0.91, "hate": 0.2},
    reason="harassment: lexicon: sb",
)


async def test_flags_open_items_and_audit_entries(redis_client: Redis) -> None:
    q = ReviewQueue(redis_client)
    item_id = await q.record(
        "你是sb", role="user", policy=Policy(work_id="w", card_id="c"), verdict=FLAG, chat_id="ch1"
    )
    assert await q.count_open() == 1
    item = await q.get(item_id)
    assert item is not None and item.categories == ["harassment"] and item.work_id == "w"
    assert item.scores["harassment"] == 0.91 and item.reason.startswith("harassment")
    audit = await q.audit()
    assert audit[0]["id"] == item_id
    assert (await q.counts())["harassment"] == 1


async def test_reader_reports_jump_the_queue_and_resolve_into_labels(redis_client: Redis) -> None:
    q = ReviewQueue(redis_client)
    flag_id = await q.record("x", role="user", policy=Policy(), verdict=FLAG)
    report_id = await q.report_false_positive(
        text="我反对地域黑", reader_id="r1", verdict=FLAG, note="not hate"
    )
    assert [i.id for i in await q.pending()] == [report_id, flag_id]
    done = await q.resolve(report_id, editor="ed", decision="false_positive", note="agreed")
    assert done.status == "resolved" and "agreed" in done.note
    await q.resolve(flag_id, editor="ed", decision="confirmed")
    assert await q.count_open() == 0
    assert sorted(await q.labelled()) == [("x", True), ("我反对地域黑", False)]


async def test_resolving_an_unknown_item_is_a_clear_error(redis_client: Redis) -> None:
    q = ReviewQueue(redis_client)
    try:
        await q.resolve("rv_nope", editor="ed", decision="dismissed")
    except KeyError as exc:
        assert "rv_nope" in str(exc)
    else:
        raise AssertionError("expected KeyError")


async def test_policy_settings_live_in_redis(redis_client: Redis) -> None:
    from safety.policy import Override
    from safety.policystore import RedisPolicyBook, from_json

    book = RedisPolicyBook(redis_client, ttl_s=0.0)
    await book.set("work", "w1", Override(rating="mature"))
    await book.set("card", "c1", from_json({"allow": ["violence/graphic"]}))
    merged = await book.override("w1", "c1")
    assert merged is not None and merged.rating == "mature"
    assert merged.allow == frozenset({"violence/graphic"})
    await book.set("work", "w1", None)
    assert (await book.override("w1", None)) is None
    try:
        from_json({"allow": ["nonsense"]})
    except ValueError as exc:
        assert "nonsense" in str(exc)
    else:
        raise AssertionError("expected ValueError")
