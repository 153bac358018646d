"""Benchmark: a flash sale. N customers each try to book 2 seats of one 200-seat
showtime through the real bot in webhook mode, beside a bare aiogram bot that
only answers (the ceiling), under the same load and the same playground limits.

The stack is the production one, on this machine: `cinebooker serve` as its own
process on Postgres (a fresh database) and Redis (a flushed db), the playground's
Bot API server as its own process (it POSTs every update to the bot's webhook),
and the customers in this process, acting through the playground's control API.

Latency of an update: from the moment the playground's control API accepted it
(the user's message or button press, its event time) to the first Bot API call
the bot made for that chat afterwards (the playground's call log). Throughput:
updates / (first update accepted .. last reply). Afterwards the database must
hold exactly the hall's seats in active bookings, none twice.

A human table goes to stderr; the last line on stdout is one JSON object.
Goal (issue #3): updates/s >= 0.5 of the ceiling, p95 <= 250 ms.

    python bench/flash_sale.py [--customers 500] [--concurrency 50] [--seed 1]
                               [--pictures | --no-pictures] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

# Run as a plain script from anywhere: make the project importable.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench._flash_sale_bots import (  # noqa: E402
    BOT_TOKEN,
    CEILING_TOKEN,
    START_TIMEOUT_S,
    start_ceiling,
    start_cinebooker,
)
from bench._flash_sale_customers import (  # noqa: E402
    Customer,
    EventStream,
    Shop,
    book_two_seats,
    replay,
    run_customers,
    timings,
)
from bench._flash_sale_procs import (  # noqa: E402
    Child,
    Children,
    cpu_seconds,
    machine_busy_seconds,
    pids_named,
)
from bench._flash_sale_profile import breakdown, find_py_spy, py_spy_argv  # noqa: E402
from bench._flash_sale_report import Side, outcome_counts, print_table, side_figures  # noqa: E402
from bench._flash_sale_setup import (  # noqa: E402
    check_sold,
    flush_redis,
    migrate,
    recreate_database,
    seed_sale,
    store_counters,
)
from playground.client import PlaygroundClient  # noqa: E402

HERE = Path(__file__).resolve().parent
FIRST_USER_ID = 200_000_001
# Telegram lets a bot send about 1 message a second into a chat and 30 a second in
# all. A scripted customer clicks with no think time, and 500 of them at once
# would measure those buckets, not the bot; both bots run under these same limits.
BENCH_LIMITS = {
    "private_chat_rate": 100.0,
    "private_chat_burst": 100.0,
    "global_rate": 100_000.0,
    "global_burst": 100_000.0,
}
# Customers in the shop at once (a sliding window, not separate waves: the next
# customer enters as soon as one leaves, so the load stays even). All 500 at once
# measures a queue, not the bot: see docs/benchmarks.md.
DEFAULT_CONCURRENCY = 50
BUSY_CORES = 0.25  # machine load before the run that earns a warning
STEP_TIMEOUT_S = 60.0  # one step of one customer (a reply to one update)


# --- one side of the comparison ----------------------------------------------------


async def wait_for_webhook(client: PlaygroundClient, bot_id: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(b["id"] == bot_id and b["webhook_url"] for b in await client.bots()):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"bot {bot_id} set no webhook within {START_TIMEOUT_S:.0f}s")


def cpu_sample(children: dict[str, Child]) -> dict[str, float]:
    sample = {name: child.cpu() for name, child in children.items()}
    sample["driver"] = cpu_seconds(os.getpid())
    sample["postgres"] = sum(cpu_seconds(pid) for pid in pids_named("postgres"))
    sample["redis"] = sum(cpu_seconds(pid) for pid in pids_named("redis-server"))
    # Busy time of all cores, so that what none of the above used shows too.
    sample["rest of the machine"] = machine_busy_seconds() - sum(sample.values())
    return sample


async def run_side(
    name: str,
    token: str,
    args: argparse.Namespace,
    children: Children,
    work: Path,
    start_bot: Callable[[Children, argparse.Namespace, str, Path], Awaitable[Child]],
    act: Callable[[Shop, Customer, int], Awaitable[None]],
    order: list[int],
    showtime_id: int,
    *,
    uses_stores: bool,
) -> Side:
    """A fresh playground and bot, the customers, and what the playground saw."""
    playground, url = await children.start(
        f"playground-{name}",
        [sys.executable, str(HERE / "_flash_sale_playground.py"), "--limits", json.dumps(BENCH_LIMITS)],
        cwd=work, ready_line="URL", timeout=START_TIMEOUT_S,
    )
    bot: Child | None = None
    try:
        # No connection cap: hundreds of customers post at once.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            client = PlaygroundClient(url, bot=token, session=http)
            bot_id = (await client.register_bot(token))["id"]
            customers = [Customer(FIRST_USER_ID + i) for i in range(args.customers)]
            for batch in range(0, len(customers), 100):
                await asyncio.gather(*(
                    client.create_user(f"Customer {c.user_id - FIRST_USER_ID + 1}", user_id=c.user_id)
                    for c in customers[batch: batch + 100]
                ))
            events = EventStream(url, http)
            for customer in customers:
                events.chat(customer.user_id)
            await events.start()
            bot = await start_bot(children, args, url, work)
            await wait_for_webhook(client, bot_id)
            profiler: Child | None = None
            if args.profile and uses_stores:
                profiler, _ = await children.start(
                    "py-spy", py_spy_argv(find_py_spy(args.py_spy), bot.pid, Path(args.profile).resolve()),
                    cwd=work, stop_signal=signal.SIGINT,
                )
            shop = Shop(url, http, token, events, showtime_id, STEP_TIMEOUT_S)
            watched = {"bot": bot, "playground": playground}
            stores_before: dict[str, int] = {}
            if uses_stores:
                stores_before = await store_counters(args.postgres_url, args.database, args.redis_url)
            before = cpu_sample(watched)
            started = time.monotonic()
            await run_customers(
                [customers[i] for i in order],
                lambda c: act(shop, c, c.user_id - FIRST_USER_ID),
                concurrency=args.concurrency,
                deadline_s=args.deadline,
            )
            wall = time.monotonic() - started
            after = cpu_sample(watched)
            if profiler is not None:
                await children.stop(profiler)
            calls = await client.calls(bot=bot_id)
            summary = await client.calls_summary(bot=bot_id)
            async with http.get(f"{url}/bench/deliveries") as response:
                delivered = {int(k): float(v) for k, v in (await response.json()).items()}
            await events.stop()
            await children.stop(bot)
            bot = None
            stores: dict[str, int] = {}
            if uses_stores:
                stores_after = await store_counters(args.postgres_url, args.database, args.redis_url)
                stores = {k: stores_after[k] - stores_before[k] for k in stores_after}
            failures = Counter(f"{c['method']}: {c['description']}" for c in calls if not c["ok"])
            return Side(
                name=name,
                customers=customers,
                timings=timings(customers, events, calls, delivered),
                cpu_s={k: after[k] - before.get(k, 0.0) for k in after},
                wall_s=wall,
                calls=summary,
                failures=dict(failures.most_common(5)),
                stores=stores,
                events=events.events,
            )
    finally:
        if bot is not None:
            await children.stop(bot)
        await children.stop(playground)




# --- main ----------------------------------------------------------------------------


async def warn_if_busy() -> None:
    """Two cores leave no room for a neighbour: say so before it skews the figures."""
    before = machine_busy_seconds()
    await asyncio.sleep(2.0)
    cores = (machine_busy_seconds() - before) / 2.0
    if cores > BUSY_CORES:
        print(f"flash sale: warning: the machine is already busy ({cores:.2f} cores); "
              "figures will be low; see 'rest of the machine' below", file=sys.stderr)


async def main(args: argparse.Namespace) -> int:
    # SIGTERM stops the run like Ctrl-C does: children first, then this process.
    me = asyncio.current_task()
    if me is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, me.cancel)
    work = Path(tempfile.mkdtemp(prefix="flash-sale-"))
    print(f"flash sale: logs and caches in {work}", file=sys.stderr)
    await warn_if_busy()
    args.database_url = await recreate_database(args.postgres_url, args.database)
    await migrate(args.database_url)
    await flush_redis(args.redis_url)
    sale = await seed_sale(args.database_url)
    order = list(range(args.customers))
    random.Random(args.seed).shuffle(order)  # who comes first is up to the seed

    async def ours_act(shop: Shop, customer: Customer, index: int) -> None:
        await book_two_seats(shop, customer, random.Random(f"{args.seed}-{index}"))

    async with Children(work) as children:
        ours = await run_side(
            "cinebooker", BOT_TOKEN, args, children, work, start_cinebooker, ours_act,
            order, sale.showtime_id, uses_stores=True,
        )
        ceilings: list[Side] = []
        scripts = {c.user_id: list(c.actions) for c in ours.customers}

        async def ceiling_act(shop: Shop, customer: Customer, _index: int) -> None:
            await replay(shop, customer, scripts[customer.user_id])

        # The ceiling's phase lasts seconds, so one round is at the mercy of whatever
        # else the machine does then; the median of a few rounds is steadier.
        for round_no in range(args.ceiling_rounds):
            ceilings.append(await run_side(
                f"ceiling-{round_no + 1}", CEILING_TOKEN, args, children, work, start_ceiling, ceiling_act,
                order, sale.showtime_id, uses_stores=False,
            ))
    ceiling = sorted(ceilings, key=lambda c: c.timings.updates_per_s)[len(ceilings) // 2] if ceilings else None

    check = await check_sold(args.database_url, sale.showtime_id)
    told = Counter(seat for c in ours.customers for seat in c.seats)
    told_twice = {seat for seat, n in told.items() if n > 1}
    sold = {
        "seats_sold": check.seats_sold,
        "hall_seats": sale.hall_seats,
        # Fewer than hall/2 customers cannot sell the hall out.
        "expected": min(sale.hall_seats, 2 * args.customers),
        "db_twice": check.seats_sold_twice,
        "told_twice": len(told_twice),
        "told_missing": len(set(told) - check.seats),
        "statuses": check.statuses,
        # A seat counts once however it was found doubly sold.
        "seats_sold_twice": check.seats_sold_twice + len(told_twice),
    }
    mine = side_figures(ours)
    theirs = side_figures(ceiling) if ceiling else None
    outcomes = outcome_counts(ours.customers)
    per_method = {m: sum(v.values()) for m, v in ours.calls.get("by_method", {}).items()}
    refused = sum(c.refused_with_free_seats for c in ours.customers)
    profile = breakdown(Path(args.profile)) if args.profile and Path(args.profile).exists() else None
    rounds = [round(c.timings.updates_per_s, 1) for c in ceilings]
    print_table(args, mine, theirs, sold, outcomes, per_method, refused, profile, rounds)
    for customer in ours.customers:
        if customer.result.startswith("error"):
            print(f"first customer error: {customer.user_id}: {customer.result}", file=sys.stderr)
            break
    result: dict[str, Any] = {
        "customers": args.customers,
        "concurrency": args.concurrency or args.customers,
        "pictures": args.pictures,
        "updates": mine["updates"],
        "updates_per_s": mine["updates_per_s"],
        "p50_ms": mine["p50_ms"],
        "p95_ms": mine["p95_ms"],
        "ceiling_updates_per_s": theirs["updates_per_s"] if theirs else None,
        "ceiling_p50_ms": theirs["p50_ms"] if theirs else None,
        "ceiling_p95_ms": theirs["p95_ms"] if theirs else None,
        "ratio": round(mine["updates_per_s"] / theirs["updates_per_s"], 3)
        if theirs and theirs["updates_per_s"] else None,
        "seats_sold": sold["seats_sold"],
        "hall_seats": sold["hall_seats"],
        "seats_sold_twice": sold["seats_sold_twice"],
        "booked_customers": outcomes.get("booked", 0),
        "customer_errors": outcomes.get("error", 0),
        "refused_with_free_seats": refused,
        "bot_cpu_ms_per_update": mine["bot_cpu_ms_per_update"],
        "pg_transactions_per_update": mine["pg_transactions_per_update"],
        "redis_commands_per_update": mine["redis_commands_per_update"],
        "cpu_s": mine["cpu_s"],
        "ceiling_cpu_s": theirs["cpu_s"] if theirs else None,
    }
    if profile:
        result["profile"] = profile
    print(json.dumps(result))
    healthy = (
        sold["seats_sold"] == sold["expected"] and sold["seats_sold_twice"] == 0
        and not outcomes.get("error") and not mine["unanswered"]
    )
    if healthy and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if healthy else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY,
        help="customers in the shop at a time; the next one enters as one leaves (0: all at once)",
    )
    parser.add_argument("--seed", type=int, default=1, help="arrival order and retry pauses")
    parser.add_argument(
        "--pictures", action=argparse.BooleanOptionalAction, default=True,
        help="the hall picture beside the seat keyboard (CINEBOOKER_SEAT_MAP_PICTURES)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("CINEBOOKER_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
        help="a database on the server to connect to while (re)creating --database",
    )
    parser.add_argument("--database", default="cinebooker_bench", help="dropped and created for the run")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12", help="its db is flushed")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for each side's customers")
    parser.add_argument("--ceiling-rounds", type=int, default=3, help="ceiling runs; the median counts (0: none)")
    parser.add_argument("--keep", action="store_true", help="keep logs and caches even when all is well")
    parser.add_argument(
        "--profile", metavar="FILE",
        help="sample `cinebooker serve` with py-spy into FILE (raw stacks) and print where its CPU went",
    )
    parser.add_argument("--py-spy", metavar="PATH", help="the py-spy executable (default: from PATH)")
    parser.add_argument(
        "--bot-processes", type=int, default=1,
        help="`cinebooker serve` processes sharing the port (CINEBOOKER_SERVE_REUSE_PORT); CPU is summed",
    )
    args = parser.parse_args()
    if args.customers < 1 or args.concurrency < 0 or args.ceiling_rounds < 0:
        parser.error("--customers must be >= 1, --concurrency and --ceiling-rounds >= 0")
    for url in (args.postgres_url, args.redis_url):
        if "127.0.0.1" not in url and "localhost" not in url:
            parser.error(f"{url}: this benchmark only talks to this machine (127.0.0.1)")
    return args


if __name__ == "__main__":
    try:
        raise SystemExit(asyncio.run(main(parse_args())))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("flash sale: interrupted; child processes stopped", file=sys.stderr)
        raise SystemExit(130) from None
