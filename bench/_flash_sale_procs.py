"""Child processes of bench/flash_sale.py, and CPU time read from /proc.

Every child is stopped when the benchmark leaves its block (normally, on an
error or on Ctrl-C), and on Linux also when the benchmark itself dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import aiohttp

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STOP_TIMEOUT = 10.0


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the benchmark dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time all cores spent not idle since boot (user, system, interrupts)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    user, nice, system, idle, iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def pids_named(*names: str) -> list[int]:
    """Processes whose command name starts with one of ``names`` (postgres, redis)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            comm = (entry / "comm").read_text().strip()
            if comm.startswith(names):
                found.append(int(entry.name))
    return found


@dataclass
class Child:
    name: str
    process: asyncio.subprocess.Process
    log_path: Path
    _log: IO[bytes] | None = field(default=None, repr=False)
    stop_signal: int = signal.SIGTERM  # py-spy writes its profile on SIGINT

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    async def stop(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(self.stop_signal)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


class Children:
    """Starts children and stops every one of them when the block ends."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[Child] = []

    async def __aenter__(self) -> Children:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop_all()

    async def stop_all(self) -> None:
        while self.running:
            # Shielded: a second Ctrl-C must not leave a child behind.
            await asyncio.shield(self.running.pop().stop())

    async def stop(self, child: Child) -> None:
        if child in self.running:
            self.running.remove(child)
        await child.stop()

    async def start(
        self, name: str, argv: list[str], *, env: dict[str, str] | None = None,
        cwd: Path | None = None, ready_line: str | None = None, timeout: float = 30.0,
        stop_signal: int = signal.SIGTERM,
    ) -> tuple[Child, str]:
        """Start ``argv``; with ``ready_line``, wait for a stdout line starting with it
        and return the rest of that line. stderr (and stdout without a ready line)
        goes to a log file."""
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("wb")
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdout=asyncio.subprocess.PIPE if ready_line else log,
            stderr=log,
            stdin=asyncio.subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            # Its own session: a Ctrl-C reaches only the benchmark, which then stops
            # the children in order instead of all of them dying at once.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        child = Child(name, process, log_path, log, stop_signal)
        self.running.append(child)
        if ready_line is None:
            return child, ""
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout)
        except asyncio.TimeoutError:
            raise RuntimeError(f"{name} did not start within {timeout:.0f}s:\n{child.log_tail()}") from None
        text = line.decode().strip()
        if not text.startswith(ready_line):
            await asyncio.sleep(0.5)  # let it write its error to the log
            raise RuntimeError(f"{name} did not start (said {text!r}):\n{child.log_tail()}")
        return child, text[len(ready_line):].strip()


async def wait_http_ok(url: str, child: Child, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers 200; fail early if ``child`` exits."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if child.process.returncode is not None:
                raise RuntimeError(f"{child.name} exited with {child.process.returncode}:\n{child.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, OSError, asyncio.TimeoutError):
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{child.name} did not answer {url} within {timeout:.0f}s:\n{child.log_tail()}")
