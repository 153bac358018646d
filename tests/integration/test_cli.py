"""The `cinebooker` command as operators run it: a real process on a real database."""

from __future__ import annotations

import os
import sqlite3
import time
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cinema.yaml"
CLI = [sys.executable, "-m", "bot.cli"]


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + args, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CINEBOOKER_")}
    return {
        **clean,
        "PYTHONPATH": str(ROOT),
        # Nothing else: the README's steps work on a fresh default set-up (the
        # catalog says where the cinema is).
        "CINEBOOKER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
    }


def _counts(tmp_path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("movies", "halls", "showtimes"))


def test_migrate_import_export_reimport(env, tmp_path):
    assert run(["migrate"], env, tmp_path).returncode == 0
    first = run(["catalog", "import", str(EXAMPLE)], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "movies: 8 created" in first.stdout
    counts = _counts(tmp_path)
    again = run(["catalog", "import", str(EXAMPLE)], env, tmp_path)
    assert "0 created, 0 updated, 8 unchanged" in again.stdout and _counts(tmp_path) == counts
    exported = tmp_path / "export.yaml"
    assert run(["catalog", "export", str(exported)], env, tmp_path).returncode == 0
    back = run(["catalog", "import", str(exported)], env, tmp_path)
    assert back.returncode == 0, back.stderr
    assert " 0 created, 0 updated" in back.stdout and _counts(tmp_path) == counts


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda t: t.replace("hall: palast", "hall: nowhere", 1), "hall"),
        (lambda t: t + "\n  - {{{", "YAML"),
        (lambda t: t.replace('"', "", 0) + "\nnonsense_key: 1\n", "nonsense_key"),
    ],
)
def test_bad_catalog_exits_2_with_one_line_and_writes_nothing(env, tmp_path, mutate, expected):
    run(["migrate"], env, tmp_path)
    assert run(["catalog", "import", str(EXAMPLE)], env, tmp_path).returncode == 0
    counts = _counts(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(mutate(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    result = run(["catalog", "import", str(bad)], env, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("cinebooker: error:") and expected in lines[0]
    assert _counts(tmp_path) == counts


def test_missing_file_and_wrong_zone_and_bad_setting(env, tmp_path):
    run(["migrate"], env, tmp_path)
    missing = run(["catalog", "import", str(tmp_path / "nope.yaml")], env, tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    # A setting given explicitly that contradicts the file: said before anything is written.
    utc = run(["catalog", "import", str(EXAMPLE)], {**env, "CINEBOOKER_TIMEZONE": "UTC"}, tmp_path)
    assert utc.returncode == 2 and "CINEBOOKER_TIMEZONE=UTC contradicts the catalog" in utc.stderr
    assert "Europe/Berlin" in utc.stderr and len(utc.stderr.splitlines()) == 1
    assert _counts(tmp_path) == (0, 0, 0)
    bad = run(["migrate"], {**env, "CINEBOOKER_PAYMENT_MINUTES": "0"}, tmp_path)
    assert bad.returncode == 2 and "CINEBOOKER_PAYMENT_MINUTES" in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_import_before_migrate_says_what_to_do(env, tmp_path):
    result = run(["catalog", "import", str(EXAMPLE)], env, tmp_path)
    assert result.returncode == 2 and "cinebooker migrate" in result.stderr


def test_payments_reconcile_runs_twice_quietly(env, tmp_path):
    run(["migrate"], env, tmp_path)
    for _ in range(2):
        result = run(["payments", "reconcile"], env, tmp_path)
        assert result.returncode == 0, result.stderr
        assert "reconciled: 0 bookings expired, 0 links closed, 0 payments confirmed, 0 refunded" in result.stdout


def test_the_catalog_is_the_home_of_the_cinemas_zone_and_currency(env, tmp_path):
    run(["migrate"], env, tmp_path)
    assert run(["catalog", "import", str(EXAMPLE)], env, tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        assert db.execute("SELECT timezone, currency FROM cinema").fetchall() == [("Europe/Berlin", "EUR")]
    exported = run(["catalog", "export"], env, tmp_path)
    assert "timezone: Europe/Berlin" in exported.stdout and "currency: EUR" in exported.stdout
    # Once it sells, the cinema does not move: another zone is one line, nothing written.
    moved = tmp_path / "moved.yaml"
    moved.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Europe/Berlin", "America/New_York", 1),
                     encoding="utf-8")
    counts = _counts(tmp_path)
    result = run(["catalog", "import", str(moved)], env, tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "cinema.timezone" in result.stderr and "Europe/Berlin" in result.stderr
    assert _counts(tmp_path) == counts


def test_a_catalog_over_the_size_cap_is_refused_before_it_is_read(env, tmp_path):
    run(["migrate"], env, tmp_path)
    huge = tmp_path / "huge.yaml"
    huge.write_text("movies:\n" + "  - {ref: m, title: x}\n" * 300_000, encoding="utf-8")  # about 7 MB
    started = time.monotonic()
    result = run(["catalog", "import", str(huge)], env, tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "over the cap of 5,242,880 bytes" in result.stderr and "CINEBOOKER_CATALOG_MAX_BYTES" in result.stderr
    assert time.monotonic() - started < 20  # (the whole process start; the parse took over a minute)
    assert _counts(tmp_path) == (0, 0, 0)
    # The cap is one setting: the sample (a few KB) is refused under a tiny cap, read under the default.
    tiny = run(["catalog", "import", str(EXAMPLE)], {**env, "CINEBOOKER_CATALOG_MAX_BYTES": "1024"}, tmp_path)
    assert tiny.returncode == 2 and "over the cap of 1,024 bytes" in tiny.stderr
    assert run(["catalog", "import", str(EXAMPLE)], env, tmp_path).returncode == 0
