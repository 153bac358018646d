"""One round of bench/invoices.py's pipeline: fresh stores and playground, K paid
bookings, one `cinebooker worker --processes 1 --threads T`, K "invoices.issue"
jobs queued at once, and the time until the K-th document reaches its chat."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from redis.asyncio import Redis

from bench._flash_sale_procs import Child, Children, machine_busy_seconds
from bench._flash_sale_profile import py_spy_argv
from bench._flash_sale_setup import flush_redis, migrate, recreate_database
from bench._invoices_checks import Checks, check_round
from bench._invoices_phases import invoice_times, phase_table
from bench._invoices_procs import (
    cpu_sample,
    cpu_used,
    descendants,
    pg_transactions,
    postgres_pids,
    start_playground,
    start_worker,
    system_seconds,
    threads_of,
    worker_env,
)
from bench._invoices_render import percentile
from bench._invoices_setup import (
    SEATS_PER_BOOKING,
    Paid,
    claim_outbox,
    customer_ids,
    paid_bookings,
    seed_cinema,
    start_chats,
)
from bot.container import build_container
from bot.settings import Settings
from bot.worker import WorkerApp
from domain.jobs import Jobs
from infrastructure.tasks.broker import QUEUE
from playground.client import PlaygroundClient

BOT_TOKEN = "700400:invoices-bench-cinebooker"
POLL_S = 0.05  # how often the playground's call log is read while waiting
BROKER_NAMESPACE = "cinebooker-tasks"  # infrastructure/tasks/broker.py's RedisBroker namespace
QUIET_CORES = 0.3  # busy cores before a round that earn a warning


@dataclass
class Config:
    postgres_url: str
    database: str
    redis_url: str
    moto_endpoint: str
    invoices: int
    warmup: int  # 0: as many as the worker has threads
    deadline_s: float
    py_spy: str | None = None
    profile: Path | None = None
    quiet_wait_s: float = 0.0


@dataclass
class Round:
    threads: int
    invoices: int
    elapsed_s: float  # first enqueue -> K-th document seen by the playground
    enqueue_s: float  # first enqueue -> last enqueue returned
    drained_s: float  # first enqueue -> every job done (outbox marked)
    latency_ms: list[float]  # per invoice: its enqueue -> its document
    cpu_s: dict[str, float]  # CPU seconds of each process over [first enqueue, drained]
    worker_processes: int  # the worker and its descendants
    worker_threads_os: int  # OS threads of the worker process after the run
    warmup_s: float  # worker start -> the warm-up documents seen (start-up included)
    load_before: tuple[float, float, float]
    busy_cores_before: float
    checks: Checks
    worker_exit: int | None
    worker_log_problems: list[str] = field(default_factory=list)
    phases: dict[str, Any] = field(default_factory=dict)  # per-invoice phases, p50/p95 ms
    worker_kernel_s: float = 0.0  # of the worker's CPU, in the kernel
    pg_transactions: int = 0  # the worker's, over its life (warm-up and periodic jobs included)
    warmup: int = 0
    profile: Path | None = None
    profiled_s: float = 0.0  # wall time py-spy sampled

    @property
    def per_s(self) -> float:
        return self.invoices / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def neighbour_cores(self) -> float:
        """What the machine did besides the pipeline during the run, in cores."""
        return self.cpu_s.get("rest of the machine", 0.0) / max(1e-9, self.drained_s)

    @property
    def worker_cpu_ms_per_invoice(self) -> float:
        return 1000 * self.cpu_s.get("worker", 0.0) / max(1, self.invoices)

    def figures(self) -> dict[str, Any]:
        lat = self.latency_ms
        return {
            "worker_threads": self.threads,
            "invoices": self.invoices,
            "invoices_per_s": round(self.per_s, 1),
            "elapsed_s": round(self.elapsed_s, 2),
            "latency_p50_ms": round(statistics.median(lat), 1) if lat else None,
            "latency_p95_ms": round(percentile(lat, 95), 1) if lat else None,
            "worker_cpu_ms_per_invoice": round(self.worker_cpu_ms_per_invoice, 1),
            # What one process could do with a core to itself: steadier than the
            # measured rate on a shared machine, and the bound of this design.
            "cpu_bound_invoices_per_s": round(1000 / self.worker_cpu_ms_per_invoice, 1)
            if self.worker_cpu_ms_per_invoice else None,
            "worker_kernel_share": round(self.worker_kernel_s / max(1e-9, self.cpu_s.get("worker", 0.0)), 2),
            "worker_cores": round(self.cpu_s.get("worker", 0.0) / max(1e-9, self.drained_s), 2),
            "cpu_s": {k: round(v, 2) for k, v in self.cpu_s.items()},
            "worker_processes": self.worker_processes,
            "neighbour_cores": round(self.neighbour_cores, 2),
            "pg_transactions_per_invoice": round(self.pg_transactions / max(1, self.invoices + self.warmup), 1),
            "ok": self.checks.ok,
        }


def say(text: str) -> None:
    print(f"invoices: {text}", file=sys.stderr, flush=True)


async def busy_cores(seconds: float = 2.0) -> float:
    before = machine_busy_seconds()
    await asyncio.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


async def quiet_machine(wait_s: float) -> float:
    """Busy cores over 2 s; with ``wait_s``, wait up to that long for a quiet
    moment first (on 2 cores a neighbour's test run halves the figures)."""
    end = time.monotonic() + wait_s
    busy = await busy_cores()
    while busy > QUIET_CORES and time.monotonic() < end:
        busy = await busy_cores()
    if busy > QUIET_CORES:
        say(f"warning: the machine is busy ({busy:.2f} cores) before the run; figures will be low")
    return busy


class DocumentWatch:
    """Follows the playground's log of sendDocument calls (the server's own
    timestamps), reading only what is new each time."""

    def __init__(self, client: PlaygroundClient, bot_id: int) -> None:
        self.client, self.bot_id = client, bot_id
        self.after = 0  # index into the server's call log
        self.sent: dict[int, float] = {}  # chat -> time of its first accepted document
        self.refused: list[dict[str, Any]] = []

    async def poll(self) -> None:
        calls = await self.client.calls(bot=self.bot_id, after=self.after)
        for call in calls:
            self.after = max(self.after, call["seq"])
            if call["method"] != "sendDocument":
                continue
            if call["ok"]:
                self.sent.setdefault(call["chat_id"], call["time"])
            else:
                self.refused.append(call)

    async def until(self, chats: set[int], deadline_s: float) -> None:
        end = time.monotonic() + deadline_s
        while not chats <= set(self.sent):
            if time.monotonic() > end:
                missing = len(chats - set(self.sent))
                raise TimeoutError(f"{missing} of {len(chats)} documents not sent within {deadline_s:.0f}s")
            if self.refused:
                first = self.refused[0]
                raise RuntimeError(f"sendDocument refused: {first['error_code']} {first['description']}")
            await asyncio.sleep(POLL_S)
            await self.poll()


async def wait_drained(redis: Any, deadline_s: float) -> None:
    """Until the worker has acknowledged every message: Dramatiq's Redis broker
    keeps a message's body in ``<queue>.msgs`` (``.DQ.msgs`` while a retry
    waits) until the actor returned, i.e. after the outbox row was marked done.
    Read from Redis, not Postgres, so the database's counters stay the worker's."""
    end = time.monotonic() + deadline_s
    while True:
        pending = sum([await redis.hlen(f"{BROKER_NAMESPACE}:{QUEUE}{suffix}.msgs") for suffix in ("", ".DQ")])
        if not pending:
            return
        if time.monotonic() > end:
            raise TimeoutError(f"the worker did not finish its jobs: {pending} messages not acknowledged")
        await asyncio.sleep(POLL_S)


def log_problems(child: Child) -> list[str]:
    """Lines of the worker's log (WARNING level and up) that say something failed:
    a retry or a traceback would skew the figures even if the checks pass."""
    try:
        lines = child.log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if any(w in line for w in ("Traceback", "ERROR", "Retrying", "Failed", "WARNING"))]


async def enqueue(app: WorkerApp, jobs: list[Paid]) -> dict[int, float]:
    """Hand every job to the queue at once (the way the bot's hand-over does, one
    message per job, with its outbox id); returns chat -> time it was queued."""
    queued: dict[int, float] = {}

    async def one(job: Paid) -> None:
        queued[job.customer_id] = time.time()
        await app.queue.send(Jobs.ISSUE_INVOICE, {"booking_id": job.booking_id}, job.outbox_id)

    await asyncio.gather(*(one(job) for job in jobs))
    return queued


async def run_round(config: Config, threads: int, children: Children, work: Path, index: int) -> Round:
    database_url = await recreate_database(config.postgres_url, config.database)
    await migrate(database_url)
    await flush_redis(config.redis_url)
    bucket = f"cb-bench-invoices-{index}"
    warmup = config.warmup or threads  # one per thread: each opens its own database connection
    total = warmup + config.invoices
    settings = {
        "database_url": database_url,
        "redis_url": config.redis_url,
        "bot_token": BOT_TOKEN,
        "storage_url": f"s3://{bucket}",
        "s3_endpoint_url": config.moto_endpoint,
        "s3_create_bucket": "true",
        "timezone": "Europe/Berlin",
        "seller_name": "Kino Lichtspiele GmbH",
        "seller_address": "Friedrichstraße 101, 10117 Berlin",
        "seller_vat_id": "DE123456789",
        # A log line per job is the deployment's choice; the figures are for the work.
        "log_level": "WARNING",
    }
    playground, api_url = await start_playground(children, work, f"playground-t{threads}")
    settings["telegram_api_url"] = api_url
    # Stand-ins for the providers too: the worker refuses public credentials next to real ones.
    settings["stripe_api_url"] = settings["paypal_api_url"] = api_url
    bench_settings = Settings(_env_file=None, **settings)  # type: ignore[arg-type]
    container = build_container(bench_settings)  # no `jobs`: paying queues nothing
    redis = Redis.from_url(config.redis_url)
    app = WorkerApp(bench_settings)  # only its queue is used here
    worker: Child | None = None
    profiler: Child | None = None
    profiled_s = 0.0
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            client = PlaygroundClient(api_url, bot=BOT_TOKEN, session=http)
            bot_id = (await client.register_bot(BOT_TOKEN))["id"]
            users = customer_ids(total)
            setup_from = time.monotonic()
            await start_chats(client, users)
            shows = await seed_cinema(container, total)
            paid = await claim_outbox(container, await paid_bookings(container, shows, users))
            # Its backends exit now and publish their counts: from here on, the
            # database's transactions are the worker's.
            await container.close()
            transactions_before = await pg_transactions(config.postgres_url, config.database)
            say(f"threads {threads}: {len(users)} chats started and bookings paid in "
                f"{time.monotonic() - setup_from:.1f} s")
            warm, measured = paid[:warmup], paid[warmup:]

            busy_before = await quiet_machine(config.quiet_wait_s)
            load_before = os.getloadavg()
            watch = DocumentWatch(client, bot_id)
            started = time.monotonic()
            worker = await start_worker(children, work, worker_env(settings, work), threads)
            # The first jobs also open the worker's connections (Postgres, S3, the
            # Bot API session) and load the fonts: one-off costs of a worker's
            # start, kept out of the figure by a few warm-up invoices.
            await enqueue(app, warm)
            await watch.until({p.customer_id for p in warm}, config.deadline_s)
            await wait_drained(redis, config.deadline_s)
            warmup_s = time.monotonic() - started
            say(f"threads {threads}: worker up, {warmup} warm-up invoices delivered after {warmup_s:.1f} s; "
                f"queueing {len(measured)} jobs")
            if worker.process.returncode is not None:
                raise RuntimeError(f"the worker exited with {worker.process.returncode}:\n{worker.log_tail()}")

            if config.profile is not None:
                profile = config.profile.with_name(f"{config.profile.stem}-t{threads}{config.profile.suffix}")
                profiler, _ = await children.start(
                    # --gil: only the thread holding the GIL is sampled. The worker's
                    # Python runs one thread at a time, so this is where its
                    # interpreter time goes; waiting threads (Dramatiq's, which poll
                    # their job's future every 100 ms) are not mistaken for work.
                    f"py-spy-t{threads}",
                    [*py_spy_argv(config.py_spy or "py-spy", worker.pid, profile.resolve()), "--gil"],
                    cwd=work, stop_signal=signal.SIGINT,
                )
                await asyncio.sleep(1.0)  # py-spy attaches before the jobs arrive
                profile_from = time.time()
            watched = {"worker": worker, "playground": playground, "moto": children_named(children, "moto")}
            before = cpu_sample(watched, await postgres_pids(config.postgres_url, config.database))
            kernel_before = system_seconds(worker.pid)
            t0 = time.time()
            queued = await enqueue(app, measured)
            enqueue_s = time.time() - t0
            await watch.until({p.customer_id for p in measured}, config.deadline_s)
            await wait_drained(redis, config.deadline_s)
            drained_s = time.time() - t0
            after = cpu_sample(watched, await postgres_pids(config.postgres_url, config.database))
            kernel_s = system_seconds(worker.pid) - kernel_before
            if profiler is not None:
                await children.stop(profiler)
                profiled_s = time.time() - profile_from
            processes = 1 + len(descendants(worker.pid))
            os_threads = threads_of(worker.pid)
            await children.stop(worker)
            exit_code = worker.process.returncode
            transactions = await pg_transactions(config.postgres_url, config.database) - transactions_before
            problems = log_problems(worker)
            worker = None
            last = max(watch.sent[p.customer_id] for p in measured)
            latency = [1000 * (watch.sent[p.customer_id] - queued[p.customer_id]) for p in measured]
            phases = phase_table(await invoice_times(database_url), queued, watch.sent)
            checks = await check_round(
                database_url, config.moto_endpoint, bucket, client, bot_id, users, SEATS_PER_BOOKING
            )
            return Round(
                threads=threads,
                invoices=len(measured),
                elapsed_s=last - t0,
                enqueue_s=enqueue_s,
                drained_s=drained_s,
                latency_ms=latency,
                cpu_s=cpu_used(before, after),
                worker_processes=processes,
                worker_threads_os=os_threads,
                warmup_s=warmup_s,
                load_before=load_before,
                busy_cores_before=busy_before,
                checks=checks,
                worker_exit=exit_code,
                worker_log_problems=problems,
                phases=phases,
                pg_transactions=transactions,
                worker_kernel_s=kernel_s,
                warmup=warmup,
                profile=profile if config.profile is not None else None,
                profiled_s=profiled_s,
            )
    finally:
        for child in (profiler, worker):
            if child is not None:
                await children.stop(child)
        await children.stop(playground)
        await container.close()  # again after an early failure; closing twice is harmless
        await redis.aclose()
        await asyncio.to_thread(app.broker.close)


def children_named(children: Children, name: str) -> Child:
    with contextlib.suppress(StopIteration):
        return next(c for c in children.running if c.name == name)
    raise RuntimeError(f"no child process {name!r}")
