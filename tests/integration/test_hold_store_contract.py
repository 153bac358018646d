"""One contract for every HoldStore adapter: memory (fake clock) and Redis.

Time passes through ``Harness.elapse``: the memory store's fake clock is moved,
the Redis store really waits (its clock is the Redis server's).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from domain.holds import HoldResult, HoldStore, LiveHold
from infrastructure.holds.memory import MemoryHoldStore
from infrastructure.holds.redis import RedisHoldStore
from tests.services import connect_test_redis

SHORT_MS = 150  # expires within one elapse(PAST_SHORT)
PAST_SHORT = 0.35  # seconds; generous so a busy Redis host does not flake
LONG_MS = 60_000
MID_MS = 10_000
ST = 101  # default showtime id


class FakeClock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Harness:
    kind: str
    store: HoldStore
    elapse: Callable[[float], Awaitable[None]]


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    client = await connect_test_redis()
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def h(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "memory":
        clock = FakeClock()

        async def advance(seconds: float) -> None:
            clock.advance(seconds)

        yield Harness("memory", MemoryHoldStore(clock=clock), advance)
        return
    client = await connect_test_redis()
    yield Harness("redis", RedisHoldStore(client), asyncio.sleep)
    await client.aclose()


# --- hold -----------------------------------------------------------------


async def test_free_seats_are_held(h: Harness) -> None:
    assert await h.store.hold(ST, ["A1", "A2"], "alice", LONG_MS) == HoldResult(ok=True)
    assert await h.store.holders(ST) == {"A1": "alice", "A2": "alice"}


async def test_hold_is_all_or_nothing_and_lists_conflicts(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2"], "alice", LONG_MS)

    result = await h.store.hold(ST, ["A2", "A3", "A1"], "bob", LONG_MS)

    assert not result.ok
    assert sorted(result.conflicts) == ["A1", "A2"]
    assert await h.store.holders(ST) == {"A1": "alice", "A2": "alice"}  # A3 untouched
    assert await h.store.owned(ST, "bob") == {}


async def test_conflicts_are_not_repeated_for_repeated_seats(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", LONG_MS)
    result = await h.store.hold(ST, ["A1", "A1", "A2"], "bob", LONG_MS)
    assert result == HoldResult(ok=False, conflicts=("A1",))


async def test_own_seats_can_be_held_again_with_the_new_ttl(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", MID_MS)

    assert (await h.store.hold(ST, ["A1", "A2"], "alice", LONG_MS)).ok

    owned = await h.store.owned(ST, "alice")
    assert set(owned) == {"A1", "A2"}
    assert all(MID_MS < left <= LONG_MS for left in owned.values())


async def test_holding_own_seat_with_shorter_ttl_shortens_it(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", LONG_MS)
    await h.store.hold(ST, ["A1"], "alice", SHORT_MS)
    await h.elapse(PAST_SHORT)
    assert await h.store.holders(ST) == {}


async def test_showtimes_are_independent(h: Harness) -> None:
    assert (await h.store.hold(1, ["A1"], "alice", LONG_MS)).ok
    assert (await h.store.hold(2, ["A1"], "bob", LONG_MS)).ok

    assert await h.store.holders(1) == {"A1": "alice"}
    assert await h.store.holders(2) == {"A1": "bob"}
    assert await h.store.release_all(1, "bob") == 0
    assert await h.store.release_all(2, "alice") == 0
    assert await h.store.holders(2) == {"A1": "bob"}


async def test_empty_seat_list_does_nothing(h: Harness) -> None:
    assert await h.store.hold(ST, [], "alice", LONG_MS) == HoldResult(ok=True)
    assert await h.store.holders(ST) == {}
    assert await h.store.release(ST, [], "alice") == 0
    assert await h.store.extend(ST, [], "alice", LONG_MS) is True


@pytest.mark.parametrize("owner", ["a|b", "|", ""])
async def test_bad_owner_tokens_are_refused(h: Harness, owner: str) -> None:
    with pytest.raises(ValueError):
        await h.store.hold(ST, ["A1"], owner, LONG_MS)
    with pytest.raises(ValueError):
        await h.store.release(ST, ["A1"], owner)
    with pytest.raises(ValueError):
        await h.store.release_all(ST, owner)
    with pytest.raises(ValueError):
        await h.store.extend(ST, ["A1"], owner, LONG_MS)
    with pytest.raises(ValueError):
        await h.store.owned(ST, owner)
    assert await h.store.holders(ST) == {}


async def test_a_bare_string_is_not_a_seat_list(h: Harness) -> None:
    with pytest.raises(TypeError):
        await h.store.hold(ST, "A12", "alice", LONG_MS)


@pytest.mark.parametrize("ttl_ms", [0, -5])
async def test_non_positive_ttl_is_refused(h: Harness, ttl_ms: int) -> None:
    with pytest.raises(ValueError):
        await h.store.hold(ST, ["A1"], "alice", ttl_ms)
    await h.store.hold(ST, ["A1"], "alice", LONG_MS)
    with pytest.raises(ValueError):
        await h.store.extend(ST, ["A1"], "alice", ttl_ms)


# --- release ----------------------------------------------------------------


async def test_release_only_by_owner(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2"], "alice", LONG_MS)

    assert await h.store.release(ST, ["A1", "A2"], "bob") == 0
    assert await h.store.holders(ST) == {"A1": "alice", "A2": "alice"}

    assert await h.store.release(ST, ["A1", "A9"], "alice") == 1
    assert await h.store.holders(ST) == {"A2": "alice"}
    assert (await h.store.hold(ST, ["A1"], "bob", LONG_MS)).ok


async def test_release_all_releases_only_the_owners_seats(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2", "A3"], "alice", LONG_MS)
    await h.store.hold(ST, ["B1"], "bob", LONG_MS)

    assert await h.store.release_all(ST, "alice") == 3

    assert await h.store.holders(ST) == {"B1": "bob"}
    assert await h.store.release_all(ST, "alice") == 0


async def test_expired_holds_are_not_counted_as_released(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", SHORT_MS)
    await h.store.hold(ST, ["A2"], "alice", LONG_MS)
    await h.elapse(PAST_SHORT)
    assert await h.store.release(ST, ["A1", "A2"], "alice") == 1
    await h.store.hold(ST, ["A1"], "alice", SHORT_MS)
    await h.elapse(PAST_SHORT)
    assert await h.store.release_all(ST, "alice") == 0


# --- extend -----------------------------------------------------------------


async def test_extend_by_owner(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2"], "alice", MID_MS)

    assert await h.store.extend(ST, ["A1", "A2"], "alice", LONG_MS) is True

    owned = await h.store.owned(ST, "alice")
    assert set(owned) == {"A1", "A2"}
    assert all(MID_MS < left <= LONG_MS for left in owned.values())


async def test_extend_by_someone_else_changes_nothing(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", MID_MS)

    assert await h.store.extend(ST, ["A1"], "bob", LONG_MS) is False

    assert await h.store.holders(ST) == {"A1": "alice"}
    assert 0 < (await h.store.owned(ST, "alice"))["A1"] <= MID_MS


async def test_extend_with_a_released_seat_changes_nothing(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2"], "alice", MID_MS)
    await h.store.release(ST, ["A2"], "alice")

    assert await h.store.extend(ST, ["A1", "A2"], "alice", LONG_MS) is False

    owned = await h.store.owned(ST, "alice")
    assert set(owned) == {"A1"}
    assert owned["A1"] <= MID_MS
    assert await h.store.holders(ST) == {"A1": "alice"}


async def test_extend_with_a_lapsed_seat_taken_by_another_changes_nothing(
    h: Harness,
) -> None:
    await h.store.hold(ST, ["A1"], "alice", MID_MS)
    await h.store.hold(ST, ["A2"], "alice", SHORT_MS)
    await h.elapse(PAST_SHORT)
    assert (await h.store.hold(ST, ["A2"], "bob", LONG_MS)).ok

    assert await h.store.extend(ST, ["A1", "A2"], "alice", LONG_MS) is False

    assert await h.store.holders(ST) == {"A1": "alice", "A2": "bob"}
    assert (await h.store.owned(ST, "alice"))["A1"] <= MID_MS


async def test_extend_with_a_lapsed_seat_nobody_took_is_false(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", MID_MS)
    await h.store.hold(ST, ["A2"], "alice", SHORT_MS)
    await h.elapse(PAST_SHORT)

    assert await h.store.extend(ST, ["A1", "A2"], "alice", LONG_MS) is False

    assert await h.store.holders(ST) == {"A1": "alice"}
    assert (await h.store.owned(ST, "alice"))["A1"] <= MID_MS


# --- expiry -----------------------------------------------------------------


async def test_expired_holds_free_their_seats(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2"], "alice", SHORT_MS)
    await h.elapse(PAST_SHORT)

    assert (await h.store.hold(ST, ["A1"], "bob", LONG_MS)).ok

    assert await h.store.holders(ST) == {"A1": "bob"}
    assert await h.store.owned(ST, "alice") == {}


async def test_holders_and_owned_skip_expired_holds(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", SHORT_MS)
    await h.store.hold(ST, ["A2"], "alice", LONG_MS)
    await h.store.hold(ST, ["B1"], "bob", SHORT_MS)
    await h.elapse(PAST_SHORT)

    assert await h.store.holders(ST) == {"A2": "alice"}
    assert set(await h.store.owned(ST, "alice")) == {"A2"}
    assert await h.store.owned(ST, "bob") == {}


async def test_a_short_hold_does_not_cut_a_longer_one(h: Harness) -> None:
    # In Redis both live in one hash: its key TTL must never be shortened.
    await h.store.hold(ST, ["A1"], "alice", LONG_MS)
    await h.store.hold(ST, ["A2"], "bob", SHORT_MS)
    await h.elapse(PAST_SHORT)

    assert await h.store.holders(ST) == {"A1": "alice"}


async def test_owned_reports_remaining_milliseconds(h: Harness) -> None:
    await h.store.hold(ST, ["A1"], "alice", LONG_MS)
    first = (await h.store.owned(ST, "alice"))["A1"]
    assert LONG_MS - 1_000 < first <= LONG_MS

    await h.elapse(0.2)

    later = (await h.store.owned(ST, "alice"))["A1"]
    assert later <= first - 200


# --- concurrency --------------------------------------------------------------


async def test_concurrent_overlapping_holds_never_share_a_seat(h: Harness) -> None:
    seats = [f"A{i}" for i in range(1, 21)]
    start = asyncio.Event()

    async def attempt(i: int) -> tuple[str, list[str], HoldResult]:
        owner = f"u{i}"
        wanted = [seats[i % 20], seats[(i + 7) % 20], seats[(i + 13) % 20]]
        await start.wait()
        return owner, wanted, await h.store.hold(ST, wanted, owner, LONG_MS)

    tasks = [asyncio.create_task(attempt(i)) for i in range(50)]
    await asyncio.sleep(0)  # let every task reach the start line
    start.set()
    outcomes = await asyncio.gather(*tasks)

    expected: dict[str, str] = {}
    for owner, wanted, result in outcomes:
        if result.ok:
            for seat in wanted:
                assert seat not in expected, f"{seat} held by {expected[seat]} and {owner}"
                expected[seat] = owner
    holders = await h.store.holders(ST)
    assert holders == expected
    for owner, wanted, result in outcomes:
        if not result.ok:
            assert result.conflicts
            assert set(result.conflicts) <= set(wanted)
            assert all(holders[seat] != owner for seat in result.conflicts)
    winners = sum(result.ok for _, _, result in outcomes)
    assert 1 <= winners < 50


# --- Redis-specific layout ------------------------------------------------------


@pytest.mark.redis
async def test_redis_layout_one_hash_per_showtime(redis_client: Redis) -> None:
    store = RedisHoldStore(redis_client, prefix="cbt")
    await store.hold(42, ["A1", "A2"], "alice", LONG_MS)
    await store.hold(42, ["B7"], "bob", SHORT_MS)

    key = "cbt:holds:{st:42}"
    assert await redis_client.keys("cbt:*") == [key.encode()]
    fields = await redis_client.hgetall(key)
    assert set(fields) == {b"A1", b"A2", b"B7"}
    value = fields[b"A1"]
    assert isinstance(value, bytes)
    owner, _, expiry = value.decode().partition("|")
    seconds, micros = await redis_client.time()
    server_ms = seconds * 1000 + micros // 1000
    assert owner == "alice"
    assert LONG_MS - 1_000 < int(expiry) - server_ms <= LONG_MS
    # The short hold must not have shortened the key's TTL.
    assert await redis_client.pttl(key) > LONG_MS - 1_000


@pytest.mark.redis
async def test_redis_store_works_with_decoded_responses() -> None:
    client = await connect_test_redis(decode_responses=True)
    try:
        store = RedisHoldStore(client)
        await store.hold(ST, ["A1"], "alice", LONG_MS)
        assert await store.hold(ST, ["A1"], "bob", LONG_MS) == HoldResult(
            ok=False, conflicts=("A1",)
        )
        assert await store.holders(ST) == {"A1": "alice"}
        assert set(await store.owned(ST, "alice")) == {"A1"}
        assert set(await store.live(ST)) == {"A1"}
    finally:
        await client.aclose()


async def test_owned_lists_only_the_owners_live_seats(h: Harness) -> None:
    # "al" is a prefix of "alice": owner tokens must match whole.
    await h.store.hold(ST, ["A1", "A2"], "alice", LONG_MS)
    await h.store.hold(ST, ["B1"], "al", LONG_MS)
    await h.store.hold(ST, ["C1"], "alice", SHORT_MS)
    await h.elapse(PAST_SHORT)
    owned = await h.store.owned(ST, "alice")
    assert set(owned) == {"A1", "A2"} and all(0 < left <= LONG_MS for left in owned.values())
    assert set(await h.store.owned(ST, "al")) == {"B1"}
    assert await h.store.owned(ST + 1, "alice") == {}


async def test_live_lists_every_live_hold_with_owner_and_remaining_time(h: Harness) -> None:
    await h.store.hold(ST, ["A1", "A2"], "alice", LONG_MS)
    await h.store.hold(ST, ["B1"], "al", LONG_MS)
    await h.store.hold(ST, ["C1"], "bob", SHORT_MS)
    await h.elapse(PAST_SHORT)

    live = await h.store.live(ST)

    assert {seat: hold.owner for seat, hold in live.items()} == {"A1": "alice", "A2": "alice", "B1": "al"}
    assert all(isinstance(hold, LiveHold) and 0 < hold.remaining_ms <= LONG_MS for hold in live.values())
    # What holders and owned tell, in one call.
    assert {seat: hold.owner for seat, hold in live.items()} == await h.store.holders(ST)
    assert set(await h.store.owned(ST, "alice")) == {s for s, hold in live.items() if hold.owner == "alice"}
    assert await h.store.live(ST + 1) == {}
    await h.store.release_all(ST, "alice")
    assert set(await h.store.live(ST)) == {"B1"}
