"""`cinebooker serve` (and the other commands) as real processes, for tests of the
edges a deployment exposes: its HTTP port, its exit status, its output."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**settings: str) -> dict[str, str]:
    """The environment without the developer's CINEBOOKER_* settings, plus ``settings``
    (names without the prefix)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CINEBOOKER_")}
    # Unbuffered: a test reads the log lines while the process runs.
    env.update(PYTHONPATH=str(ROOT), CINEBOOKER_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    env.update({f"CINEBOOKER_{k.upper()}": v for k, v in settings.items()})
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A one-shot `cinebooker` command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd or ROOT,
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


class Process:
    """A long-running `cinebooker` command whose output is collected as it comes."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args], cwd=cwd or ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def wait_http(self, url: str, timeout: float = 60) -> None:
        """Until ``url`` answers 200; fails with the output if the process ends first."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(f"exited {self.proc.returncode}:\n{self.output}")
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"{url} did not answer within {timeout}s:\n{self.output}")

    async def wait_exit(self, timeout: float = 60) -> int:
        return await asyncio.to_thread(self.proc.wait, timeout)

    async def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return await self.wait_exit(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return await self.wait_exit(10)


@asynccontextmanager
async def serve_process(env: dict[str, str], port: int, cwd: Path | None = None) -> AsyncIterator[Process]:
    """`cinebooker serve` on ``port`` until the block ends, ready once /healthz answers."""
    process = Process(["serve", "--host", "127.0.0.1", "--port", str(port)], env, cwd)
    try:
        await process.wait_http(f"http://127.0.0.1:{port}/healthz")
        yield process
    finally:
        await process.stop()
