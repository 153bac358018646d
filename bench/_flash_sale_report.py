"""What one side of bench/flash_sale.py measured (`Side`), its figures, and the
human table on stderr."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench._flash_sale_customers import Customer, Timings, percentile


@dataclass
class Side:
    name: str
    customers: list[Customer]
    timings: Timings
    cpu_s: dict[str, float]  # CPU seconds used during the customers' phase
    wall_s: float
    calls: dict[str, Any]  # the playground's call summary for the bot
    failures: dict[str, int]  # refused Bot API calls: "method: description" -> count
    stores: dict[str, int]  # Postgres transactions and Redis commands during the phase
    events: int


def side_figures(side: Side) -> dict[str, Any]:
    t = side.timings
    return {
        "updates": t.updates,
        "seconds": round(t.seconds, 2),
        "updates_per_s": round(t.updates_per_s, 1),
        "p50_ms": round(percentile(t.accept_to_reply_ms, 50), 1),
        "p95_ms": round(percentile(t.accept_to_reply_ms, 95), 1),
        "p99_ms": round(percentile(t.accept_to_reply_ms, 99), 1),
        "max_ms": round(max(t.accept_to_reply_ms, default=0.0), 1),
        "deliver_p50_ms": round(percentile(t.deliver_to_reply_ms, 50), 1),
        "deliver_p95_ms": round(percentile(t.deliver_to_reply_ms, 95), 1),
        "queue_p95_ms": round(percentile(t.accept_to_deliver_ms, 95), 1),
        "unanswered": t.unanswered,
        "api_calls": side.calls.get("total", 0),
        "api_errors": {k: v for k, v in side.calls.get("outcomes", {}).items() if k != "ok"},
        "cpu_s": {k: round(v, 2) for k, v in side.cpu_s.items()},
        "bot_cpu_ms_per_update": round(1000 * side.cpu_s.get("bot", 0.0) / max(1, t.updates), 1),
        "calls_per_update": round(sum(n for n in side.calls.get("outcomes", {}).values()) / max(1, t.updates), 2),
        "pg_transactions_per_update": round(side.stores.get("pg_transactions", 0) / max(1, t.updates), 1),
        "redis_commands_per_update": round(side.stores.get("redis_commands", 0) / max(1, t.updates), 1),
        "failures": side.failures,
        "wall_s": round(side.wall_s, 2),
    }


def print_table(args: argparse.Namespace, ours: dict[str, Any], ceiling: dict[str, Any] | None,
                sold: dict[str, Any], outcomes: Counter[str], per_method: dict[str, Any], refused: int,
                profile: dict[str, float] | None, rounds: list[float]) -> None:
    out = sys.stderr
    load = "all at once" if not args.concurrency else f"{args.concurrency} at a time"
    print(
        f"\nFlash sale: {args.customers} customers ({load}), 2 seats each, one {sold['hall_seats']}-seat "
        f"showtime; hall pictures {'on' if args.pictures else 'off'}; seed {args.seed}",
        file=out,
    )
    rows = [
        ("updates", "updates", "{}"),
        ("updates/s", "updates_per_s", "{:.1f}"),
        ("p50 ms (accepted -> first reply call)", "p50_ms", "{:.1f}"),
        ("p95 ms", "p95_ms", "{:.1f}"),
        ("p99 ms", "p99_ms", "{:.1f}"),
        ("max ms", "max_ms", "{:.1f}"),
        ("p50 ms (delivered -> first reply call)", "deliver_p50_ms", "{:.1f}"),
        ("p95 ms (delivered -> first reply call)", "deliver_p95_ms", "{:.1f}"),
        ("p95 ms in the playground's queue", "queue_p95_ms", "{:.1f}"),
        ("updates with no reply", "unanswered", "{}"),
        ("Bot API calls", "api_calls", "{}"),
        ("Bot API calls per update", "calls_per_update", "{:.2f}"),
        ("Postgres transactions per update", "pg_transactions_per_update", "{:.1f}"),
        ("Redis commands per update", "redis_commands_per_update", "{:.1f}"),
        ("bot CPU ms per update", "bot_cpu_ms_per_update", "{:.1f}"),
        ("wall s (customers' phase)", "wall_s", "{:.1f}"),
    ]
    head = f"{'':<40} | {'CineBooker':>12} | {'ceiling':>12}"
    if rounds:
        print(f"(ceiling: the median of {len(rounds)} rounds by updates/s: {rounds})", file=out)
    print(head, file=out)
    print("-" * len(head), file=out)
    for label, key, fmt in rows:
        right = fmt.format(ceiling[key]) if ceiling else "-"
        print(f"{label:<40} | {fmt.format(ours[key]):>12} | {right:>12}", file=out)
    for proc in ("bot", "playground", "driver", "postgres", "redis", "rest of the machine"):
        left = ours["cpu_s"].get(proc, 0.0)
        right = f"{ceiling['cpu_s'].get(proc, 0.0):.1f}" if ceiling else "-"
        print(f"{'CPU s: ' + proc:<40} | {left:>12.1f} | {right:>12}", file=out)
    print(f"\nCineBooker's Bot API calls: {per_method}", file=out)
    for side, figures in (("CineBooker", ours), ("ceiling", ceiling)):
        if figures and figures["failures"]:
            print(f"{side}'s refused Bot API calls: {figures['failures']}", file=out)
    print(f"Customers: {dict(outcomes)}; '⭐2' refused while the map showed 2+ free seats: {refused}", file=out)
    print(
        f"Seats sold {sold['seats_sold']} of {sold['hall_seats']} (expected {sold['expected']}); "
        f"sold twice {sold['seats_sold_twice']} "
        f"(database {sold['db_twice']}, told to two customers {sold['told_twice']}); "
        f"told but not in the database {sold['told_missing']}; bookings by status {sold['statuses']}\n",
        file=out,
    )
    if profile:
        print("Where the bot's CPU went (py-spy samples of `cinebooker serve`):", file=out)
        for bucket, share in profile.items():
            print(f"  {share:5.1f}%  {bucket}", file=out)
        print(file=out)


def outcome_counts(customers: list[Customer]) -> Counter[str]:
    return Counter(c.result if not c.result.startswith("error") else "error" for c in customers)
