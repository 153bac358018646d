"""The processes of bench/invoices.py besides itself: moto's S3 server, the
playground's Bot API server, and one `cinebooker worker`; and the CPU they use.

Process handling (start, stop on exit or Ctrl-C, die with the benchmark) is
bench/_flash_sale_procs.py's; this module only says what to start.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bench._flash_sale_procs import (
    CLOCK_TICKS,
    Child,
    Children,
    cpu_seconds,
    free_port,
    machine_busy_seconds,
    pids_named,
    wait_http_ok,
)
from bench._invoices_checks import ACCESS_KEY, REGION, SECRET_KEY

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench"
START_TIMEOUT_S = 60.0
# Telegram lets a bot send about 30 messages a second in all (and about 1 a second
# into one chat). The playground enforces that by default, which would make 30/s
# the answer whatever the worker does; raised here so the worker is what is
# measured. A real deployment is capped near 30 documents/s per bot regardless.
LIMITS = {
    "private_chat_rate": 100.0,
    "private_chat_burst": 100.0,
    "global_rate": 100_000.0,
    "global_burst": 100_000.0,
}


async def start_moto(children: Children, work: Path) -> tuple[Child, str]:
    """moto's S3 server (werkzeug, threaded) in a process of its own, so its
    CPU is neither the worker's nor this process's."""
    port = free_port()
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    child, _ = await children.start("moto", argv, cwd=work)
    endpoint = f"http://127.0.0.1:{port}"
    await wait_http_ok(f"{endpoint}/moto-api/", child, START_TIMEOUT_S)
    return child, endpoint


async def start_playground(children: Children, work: Path, name: str) -> tuple[Child, str]:
    argv = [sys.executable, str(HERE / "_flash_sale_playground.py"), "--limits", json.dumps(LIMITS)]
    return await children.start(name, argv, cwd=work, ready_line="URL", timeout=START_TIMEOUT_S)


def aws_env(work: Path) -> dict[str, str]:
    """Test credentials for moto; a developer's ~/.aws, profile or instance role
    must not leak into the worker."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(work / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def worker_env(settings: dict[str, str], work: Path) -> dict[str, str]:
    # Settings the developer may have exported must not change the benchmark.
    dropped = ("CINEBOOKER_", "AWS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(PYTHONPATH=str(ROOT), **aws_env(work))
    env.update({f"CINEBOOKER_{k.upper()}": v for k, v in settings.items()})
    return env


async def start_worker(children: Children, work: Path, env: dict[str, str], threads: int) -> Child:
    """`cinebooker worker --processes 1` as operators run it; its own working
    directory, so no .env is read."""
    argv = [sys.executable, "-m", "bot.cli", "worker", "--processes", "1", "--threads", str(threads)]
    child, _ = await children.start(f"worker-t{threads}", argv, env=env, cwd=work)
    return child


def descendants(pid: int) -> list[int]:
    """Processes below ``pid`` (its children, theirs...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found.extend(kids)
        frontier.extend(kids)
    return found


def system_seconds(pid: int) -> float:
    """Kernel-side CPU time of one process (sockets, thread wake-ups, memory)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return int(fields[12]) / CLOCK_TICKS  # stime, field 15 (1-based) of the whole line


def threads_of(pid: int) -> int:
    try:
        return len(list(Path(f"/proc/{pid}/task").iterdir()))
    except OSError:
        return 0


async def _admin(admin_url: str):  # type: ignore[no-untyped-def]
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    return await asyncpg.connect(host=url.host, port=url.port or 5432, user=url.username, password=url.password,
                                 database=url.database, timeout=10)


async def pg_transactions(admin_url: str, database: str) -> int:
    """Transactions of ``database`` so far. A backend publishes its counts when it
    exits (or, idle, up to seconds later): read them with its clients gone."""
    conn = await _admin(admin_url)
    try:
        value = await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", database
        )
    finally:
        await conn.close()
    return int(value or 0)


async def postgres_pids(admin_url: str, database: str) -> list[int]:
    """The server processes that work for ``database``: its backends and the
    server's own (WAL writer, checkpointer...). Other databases' backends (other
    people's tests on a shared server) are left out."""
    conn = await _admin(admin_url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR backend_type <> 'client backend')"
            " AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


@dataclass
class CpuSample:
    processes: dict[str, float]  # CPU seconds so far, by role
    postgres: dict[int, float]  # by server process
    busy: float  # all cores' busy seconds since boot


def cpu_sample(children: dict[str, Child], postgres: list[int]) -> CpuSample:
    processes = {
        name: child.cpu() + sum(cpu_seconds(p) for p in descendants(child.pid)) for name, child in children.items()
    }
    processes["bench (enqueue, polling)"] = cpu_seconds(os.getpid())
    processes["redis"] = sum(cpu_seconds(pid) for pid in pids_named("redis-server"))
    return CpuSample(processes, {pid: cpu_seconds(pid) for pid in postgres}, machine_busy_seconds())


def cpu_used(before: CpuSample, after: CpuSample) -> dict[str, float]:
    """CPU seconds of each role between two samples, and of the rest of the machine.

    Postgres: the server processes seen at the end (a backend opened meanwhile
    counts whole). One that exited between the samples took its figure with it
    and shows as the rest of the machine.
    """
    used = {name: after.processes[name] - before.processes.get(name, 0.0) for name in after.processes}
    used["postgres"] = sum(cpu - before.postgres.get(pid, 0.0) for pid, cpu in after.postgres.items())
    used["rest of the machine"] = (after.busy - before.busy) - sum(used.values())
    return used
