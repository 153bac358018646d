"""Where the worker's CPU goes during bench/invoices.py, from a py-spy sample
(raw stacks; py-spy is not a project dependency: ``pip install py-spy``).

Every sample's stack is put in the first bucket below that it passes through,
so a database query made for the delivery counts as database time.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PDF render (fpdf2, segno)", ("infrastructure/pdf/", "fpdf/", "segno/")),
    ("S3 put (boto3 + botocore, in a thread)", ("boto3/", "botocore/", "s3transfer/", "urllib3/")),
    ("Postgres (SQLAlchemy + asyncpg)", ("sqlalchemy/", "asyncpg/")),
    ("sendDocument (aiogram client)", ("aiogram/",)),
    ("Fluent labels and captions", ("fluent/", "infrastructure/i18n/")),
    ("HTTP client transport (aiohttp)", ("aiohttp/",)),
    ("Redis (redis-py: broker, scheduler lease)", ("redis/",)),
)
REST = "Dramatiq, event loop, threads"


def samples(raw: Path) -> int:
    return sum(int(n) for n in (line.rpartition(" ")[2] for line in raw.read_text(errors="replace").splitlines())
               if n.isdigit())


def breakdown(raw: Path) -> dict[str, float]:
    """Share of samples (percent) per bucket, largest first."""
    counts: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        bucket = next((name for name, keys in BUCKETS if any(k in stack for k in keys)), REST)
        counts[bucket] += int(number)
    total = sum(counts.values()) or 1
    return {name: round(100 * n / total, 1) for name, n in counts.most_common()}
