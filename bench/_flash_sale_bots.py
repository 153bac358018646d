"""The two bots of bench/flash_sale.py and how each is started: CineBooker
(`cinebooker serve`, one process or several on one port) and the ceiling
(bench/_flash_sale_ceiling.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._flash_sale_procs import Child, Children, free_port, wait_http_ok

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BOT_TOKEN = "700200:flash-sale-cinebooker"
CEILING_TOKEN = "700300:flash-sale-ceiling"
START_TIMEOUT_S = 60.0  # a process to come up


def cinebooker_env(args: argparse.Namespace, api_url: str, port: int, secret: str, cache: Path) -> dict[str, str]:
    # Settings the developer may have exported must not change the benchmark.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CINEBOOKER_")}
    env.update(
        PYTHONPATH=str(ROOT),
        CINEBOOKER_DATABASE_URL=args.database_url,
        CINEBOOKER_REDIS_URL=args.redis_url,
        CINEBOOKER_TELEGRAM_API_URL=api_url,
        # Stand-ins only: `serve` refuses the public default secrets next to a real provider.
        CINEBOOKER_STRIPE_API_URL=api_url,
        CINEBOOKER_PAYPAL_API_URL=api_url,
        # No payment provider: the summary books with "Book and pay" (paid at the desk)
        # instead of pay buttons that would also call a provider, which is not under test.
        CINEBOOKER_STRIPE_SECRET_KEY="",
        CINEBOOKER_PAYPAL_CLIENT_ID="",
        CINEBOOKER_PAYPAL_CLIENT_SECRET="",
        CINEBOOKER_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CINEBOOKER_WEBHOOK_SECRET=secret,
        CINEBOOKER_BOT_TOKEN=BOT_TOKEN,
        # Scripted customers click faster than people; the throttle is not under test.
        CINEBOOKER_THROTTLE_RATE="100",
        CINEBOOKER_THROTTLE_BURST="1000",
        CINEBOOKER_SEAT_MAP_PICTURES="true" if args.pictures else "false",
        CINEBOOKER_CACHE_DIR=str(cache),  # cold picture cache: a sale's states are new
        # A log line per update is the deployment's choice; the ceiling logs none.
        CINEBOOKER_LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class BotProcesses:
    """`--bot-processes N`: N `cinebooker serve` processes on one port
    (CINEBOOKER_SERVE_REUSE_PORT), counted as one bot. py-spy samples the first."""

    members: list[Child]
    name: str = "cinebooker"

    @property
    def pid(self) -> int:
        return self.members[0].pid

    def cpu(self) -> float:
        return sum(child.cpu() for child in self.members)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(child.log_tail(lines) for child in self.members)

    async def stop(self) -> None:
        for child in self.members:
            await child.stop()


async def start_cinebooker(children: Children, args: argparse.Namespace, api_url: str, work: Path) -> Any:
    port = free_port()
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = cinebooker_env(args, api_url, port, secrets.token_urlsafe(24), cache)
    if args.bot_processes > 1:
        env["CINEBOOKER_SERVE_REUSE_PORT"] = "true"
    argv = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    members = []
    for i in range(args.bot_processes):
        # Its own working directory: no developer's .env is read.
        child, _ = await children.start("cinebooker" + (f"-{i + 1}" if i else ""), argv, env=env, cwd=work)
        # aiohttp runs on_startup (setWebhook) before it listens: healthy means ready.
        await wait_http_ok(f"http://127.0.0.1:{port}/healthz", child, START_TIMEOUT_S)
        # With several, the check may have reached an earlier one: wait until
        # this one listens too.
        deadline = time.monotonic() + START_TIMEOUT_S
        while not listens(child.pid, port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{child.name} does not listen on port {port}:\n{child.log_tail()}")
            await asyncio.sleep(0.1)
        members.append(child)
    return members[0] if len(members) == 1 else BotProcesses(members)


def listens(pid: int, port: int) -> bool:
    """Whether process ``pid`` has a listening TCP socket on ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(link == f"socket:[{inode}]" for link in links for inode in inodes)


async def start_ceiling(children: Children, _args: argparse.Namespace, api_url: str, work: Path) -> Child:
    argv = [
        sys.executable, str(HERE / "_flash_sale_ceiling.py"),
        "--api", api_url, "--token", CEILING_TOKEN, f"--secret={secrets.token_urlsafe(24)}",
    ]
    child, _ = await children.start("ceiling", argv, cwd=work, ready_line="READY", timeout=START_TIMEOUT_S)
    return child
