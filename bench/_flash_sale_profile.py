"""Where the bot's CPU goes during bench/flash_sale.py, from a py-spy sample.

py-spy is not a project dependency (``pip install py-spy`` to use --profile). It
samples the running `cinebooker serve` process without changing its code; every
sample's stack is put in the first bucket below that it passes through, so a
database query made while rendering counts as database time.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

# First match wins; the order says what a stack is "really" doing.
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hall picture (Pillow, in a thread)", ("render_hall_png", "PIL/", "_worker (concurrent")),
    ("Postgres (SQLAlchemy + asyncpg)", ("sqlalchemy/", "asyncpg/")),
    ("Redis (redis-py)", ("redis/",)),
    ("Bot API calls (aiogram client)", ("aiogram/client/",)),
    ("hall layout parsing (domain/hall.py)", ("parse_layout",)),
    ("aiogram-dialog rendering", ("Window.render", "Dialog.render", "ManagerImpl.show")),
    ("update parsing (pydantic)", ("pydantic/",)),
    ("webhook HTTP server (aiohttp)", ("web_protocol",)),
)
REST = "dispatch, middlewares, event loop"
# A picture thread waiting for work: with --nonblocking, py-spy cannot always
# tell that it is idle, and these samples made the pictures look twice as dear.
IDLE_LEAF = "_worker (concurrent/futures/thread.py"


def find_py_spy(given: str | None) -> str:
    found = given if given and Path(given).exists() else shutil.which(given or "py-spy")
    if not found:
        raise SystemExit("--profile needs py-spy: pip install py-spy (or pass --py-spy PATH)")
    return found


def py_spy_argv(py_spy: str, pid: int, output: Path) -> list[str]:
    # Non-blocking: the bot is never paused, so the profile does not slow it down.
    return [py_spy, "record", "--pid", str(pid), "--rate", "100", "--nonblocking",
            "--format", "raw", "--output", str(output)]


def breakdown(raw: Path) -> dict[str, float]:
    """Share of samples (percent) per bucket, largest first."""
    counts: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit() or stack.rpartition(";")[2].startswith(IDLE_LEAF):
            continue
        bucket = next((name for name, keys in BUCKETS if any(k in stack for k in keys)), REST)
        counts[bucket] += int(number)
    total = sum(counts.values()) or 1
    return {name: round(100 * n / total, 1) for name, n in counts.most_common()}
