"""Memory-only behaviour of MemoryHoldStore; the shared contract lives in
tests/integration/test_hold_store_contract.py."""

from __future__ import annotations

from infrastructure.holds.memory import MemoryHoldStore


class FakeClock:
    def __init__(self, start: float = 500.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


async def test_remaining_time_follows_the_injected_clock_exactly() -> None:
    clock = FakeClock()
    store = MemoryHoldStore(clock=clock)
    await store.hold(1, ["A1"], "alice", 1_000)

    clock.now += 0.25
    assert await store.owned(1, "alice") == {"A1": 750}

    clock.now += 0.75  # expiry is exclusive: at the expiry instant the seat is free
    assert await store.owned(1, "alice") == {}
    assert (await store.hold(1, ["A1"], "bob", 1_000)).ok


async def test_showtimes_nobody_touches_again_are_forgotten() -> None:
    # Otherwise every past showtime would keep its expired holds in memory.
    clock = FakeClock()
    store = MemoryHoldStore(clock=clock)
    for showtime_id in range(100):
        await store.hold(showtime_id, ["A1", "A2"], "alice", 1_000)

    clock.now += 3_600
    await store.holders(1_000)

    assert store._holds == {}  # private peek: the leak has no public symptom
