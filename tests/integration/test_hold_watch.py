"""The hold-expiry watch on memory and on Redis: due watches are claimed once,
also by several replicas claiming at the same moment."""

from __future__ import annotations

import asyncio

import pytest

from domain.holds import WatchedHold
from infrastructure.holds.watch import MemoryHoldWatch, RedisHoldWatch
from tests.services import connect_test_redis

LATER_MS = 60_000


@pytest.fixture(params=["memory", "redis"])
async def watch(request):
    if request.param == "memory":
        yield MemoryHoldWatch()
        return
    redis = await connect_test_redis()
    try:
        yield RedisHoldWatch(redis, prefix="cb-test")
    finally:
        await redis.flushdb()
        await redis.aclose()


async def test_due_watches_are_claimed_once(watch):
    due, later = WatchedHold(1, 1, 7), WatchedHold(2, 2, 7)
    await watch.watch(due, 0)
    await watch.watch(later, LATER_MS)
    assert await watch.claim_due() == [due]
    assert await watch.claim_due() == []  # claimed: gone


async def test_forget_and_rewatch(watch):
    hold = WatchedHold(3, 3, 8)
    await watch.watch(hold, 0)
    await watch.forget(hold)
    assert await watch.claim_due() == []
    await watch.watch(hold, LATER_MS)
    await watch.watch(hold, 0)  # the customer's hold was extended... then cut: the latest time counts
    assert await watch.claim_due() == [hold]


async def test_claim_limit(watch):
    holds = [WatchedHold(10 + i, 10 + i, 9) for i in range(5)]
    for hold in holds:
        await watch.watch(hold, 0)
    first = await watch.claim_due(limit=3)
    rest = await watch.claim_due(limit=3)
    assert len(first) == 3 and len(rest) == 2 and set(first) | set(rest) == set(holds)


async def test_replicas_claiming_together_tell_each_customer_once():
    redis = await connect_test_redis()
    clients = [RedisHoldWatch(redis, prefix="cb-race") for _ in range(5)]
    try:
        holds = [WatchedHold(100 + i, 100 + i, 1) for i in range(50)]
        for hold in holds:
            await clients[0].watch(hold, 0)
        claimed = await asyncio.gather(*(c.claim_due(limit=50) for c in clients))
        everything = [h for batch in claimed for h in batch]
        assert sorted(everything, key=lambda h: h.user_id) == holds  # each exactly once
    finally:
        await redis.flushdb()
        await redis.aclose()


async def test_a_customers_watches_are_found_until_claimed_or_forgotten(watch):
    mine = [WatchedHold(40, 40, 1), WatchedHold(40, 40, 2), WatchedHold(40, 40, 3)]
    theirs = WatchedHold(41, 41, 1)
    for hold in [*mine, theirs]:
        await watch.watch(hold, LATER_MS)
    assert sorted(await watch.of_user(40), key=lambda w: w.showtime_id) == mine
    await watch.forget(mine[0])
    await watch.watch(mine[1], 0)  # due now: claimed below
    assert await watch.claim_due() == [mine[1]]
    # Forgotten and claimed watches leave the index; another customer's never were in it.
    assert await watch.of_user(40) == [mine[2]]
    assert await watch.of_user(41) == [theirs]
    assert await watch.of_user(42) == []
