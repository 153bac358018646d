"""Benchmark: RedisHoldStore.hold against a plain pipelined SET NX PX baseline.

Both sides do one round trip per operation, issued the same way (the same
number of concurrent asyncio clients sharing one connection pool), on fresh
showtimes/keys so every operation succeeds. Rounds alternate between the two
sides so drift on the machine hits both alike.

A human table goes to stderr; the last line on stdout is one JSON object.
Goal (issue): a 6-seat hold reaches ratio >= 0.5 of the baseline, p99 <= 2 ms.

    python bench/holds.py [--ops 5000] [--clients 1] [--rounds 4] [--seats 1,2,6]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

# Run as a plain script from anywhere: make the project importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio import Redis  # noqa: E402

from infrastructure.holds.redis import RedisHoldStore  # noqa: E402

Op = Callable[[int], Awaitable[None]]


@dataclass
class Sample:
    seconds: float = 0.0
    latencies_ns: list[int] = field(default_factory=list)

    @property
    def ops_per_s(self) -> float:
        return len(self.latencies_ns) / self.seconds

    def pct_ms(self, p: float) -> float:
        ordered = sorted(self.latencies_ns)
        index = min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))
        return ordered[index] / 1e6


async def run_round(op: Op, ids: range, clients: int, into: Sample) -> None:
    """Issue op(i) for every i in ids from `clients` workers; time each call."""
    counter = iter(ids)
    latencies = into.latencies_ns

    async def worker() -> None:
        for i in counter:  # shared iterator: workers take the next free id
            t0 = time.perf_counter_ns()
            await op(i)
            latencies.append(time.perf_counter_ns() - t0)

    gc.collect()
    gc.disable()  # a collector pause is noise, not a property of either side
    start = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(clients)))
    finally:
        into.seconds += time.perf_counter() - start
        gc.enable()


async def server_usec(client: Redis, command: str) -> tuple[int, int]:
    stats = await client.info("commandstats")
    entry = stats.get(f"cmdstat_{command}", {})
    return int(entry.get("calls", 0)), int(entry.get("usec", 0))


async def bench_seats(
    client: Redis, store: RedisHoldStore, seats: int, ops: int, clients: int,
    rounds: int, ttl_ms: int, ids: itertools.count[int],
) -> dict[str, float]:
    seat_codes = [f"A{n}" for n in range(1, seats + 1)]

    async def hold(i: int) -> None:
        result = await store.hold(i, seat_codes, f"o{i}", ttl_ms)
        if not result.ok:
            raise RuntimeError(f"hold on fresh showtime {i} conflicted: {result}")

    async def setnx(i: int) -> None:
        pipe = client.pipeline(transaction=False)
        for seat in seat_codes:
            pipe.set(f"bench:setnx:{{st:{i}}}:{seat}", f"o{i}", nx=True, px=ttl_ms)
        if not all(await pipe.execute()):
            raise RuntimeError(f"SET NX on fresh keys {i} failed")

    def fresh(n: int) -> range:
        first = next(ids)
        for _ in range(n - 1):
            next(ids)
        return range(first, first + n)

    warmup = max(200, ops // 10)
    for op in (hold, setnx):
        await run_round(op, fresh(warmup), clients, Sample())

    hold_s, setnx_s = Sample(), Sample()
    eval_before = await server_usec(client, "evalsha")
    set_before = await server_usec(client, "set")
    per_round = [ops // rounds + (1 if r < ops % rounds else 0) for r in range(rounds)]
    for n in per_round:
        await run_round(hold, fresh(n), clients, hold_s)
        await run_round(setnx, fresh(n), clients, setnx_s)
    eval_after = await server_usec(client, "evalsha")
    set_after = await server_usec(client, "set")

    return {
        "holds_per_s": round(hold_s.ops_per_s, 1),
        "p50_ms": round(hold_s.pct_ms(50), 3),
        "p99_ms": round(hold_s.pct_ms(99), 3),
        "setnx_per_s": round(setnx_s.ops_per_s, 1),
        "setnx_p50_ms": round(setnx_s.pct_ms(50), 3),
        "setnx_p99_ms": round(setnx_s.pct_ms(99), 3),
        "ratio": round(hold_s.ops_per_s / setnx_s.ops_per_s, 3),
        # Redis-side CPU per operation: shows whether the script or the
        # client/network round trip is the limit.
        "server_us_per_hold": round(
            (eval_after[1] - eval_before[1]) / max(1, eval_after[0] - eval_before[0]), 2
        ),
        "server_us_per_setnx_op": round(
            (set_after[1] - set_before[1]) / max(1, set_after[0] - set_before[0]) * seats, 2
        ),
    }


def print_table(figures: dict[str, dict[str, float]], args: argparse.Namespace) -> None:
    out = sys.stderr
    print(
        f"\nRedisHoldStore.hold vs pipelined SET NX PX: {args.ops} ops per side, "
        f"{args.clients} concurrent client(s), {args.rounds} alternating rounds",
        file=out,
    )
    head = (
        f"{'seats':>5} | {'holds/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'srv us':>7} | "
        f"{'setnx/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'srv us':>7} | {'ratio':>5}"
    )
    print(head, file=out)
    print("-" * len(head), file=out)
    for seats, f in figures.items():
        print(
            f"{seats:>5} | {f['holds_per_s']:>9.0f} {f['p50_ms']:>7.3f} {f['p99_ms']:>7.3f} "
            f"{f['server_us_per_hold']:>7.1f} | {f['setnx_per_s']:>9.0f} "
            f"{f['setnx_p50_ms']:>7.3f} {f['setnx_p99_ms']:>7.3f} "
            f"{f['server_us_per_setnx_op']:>7.1f} | {f['ratio']:>5.2f}",
            file=out,
        )
    print("(srv us = Redis CPU per operation from INFO commandstats)\n", file=out)


async def main(args: argparse.Namespace) -> dict[str, object]:
    client = Redis.from_url(args.url, max_connections=max(args.clients, 1) + 2)
    try:
        await client.flushdb()
        store = RedisHoldStore(client, prefix="bench")
        ids = itertools.count(1)
        figures: dict[str, dict[str, float]] = {}
        for seats in args.seats:
            figures[str(seats)] = await bench_seats(
                client, store, seats, args.ops, args.clients, args.rounds, args.ttl_ms, ids
            )
            await client.flushdb()  # keep the keyspace small between sizes
        print_table(figures, args)
        result: dict[str, object] = {f"seats_{k}": v for k, v in figures.items()}
        last = figures[str(args.seats[-1])]
        result["ratio"] = last["ratio"]
        result["p99_ms"] = last["p99_ms"]
        result["clients"] = args.clients
        result["ops"] = args.ops
        return result
    finally:
        await client.flushdb()
        await client.aclose()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", default=os.environ.get("CINEBOOKER_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="Redis to use; its database is flushed at start and end",
    )
    parser.add_argument("--ops", type=int, default=5000, help="operations per side and size")
    # Sequential by default: with several clients on one event loop the
    # per-call latency mostly measures the loop's queue, not the hold.
    parser.add_argument(
        "--clients", type=int, default=1, help="concurrent asyncio clients (same for both sides)"
    )
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per side")
    parser.add_argument(
        "--seats", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 6],
        help="comma-separated seat counts; the last one gives the headline figures",
    )
    parser.add_argument("--ttl-ms", type=int, default=600_000)
    return parser.parse_args()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args()))))
