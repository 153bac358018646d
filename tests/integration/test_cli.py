"""The `cinebooker` command as operators run it: a real process on a real database."""

from __future__ import annotations

import os
import sqlite3
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
        "CINEBOOKER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "CINEBOOKER_TIMEZONE": "Europe/Berlin",
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
    utc = run(["catalog", "import", str(EXAMPLE)], {**env, "CINEBOOKER_TIMEZONE": "UTC"}, tmp_path)
    assert utc.returncode == 2 and "CINEBOOKER_TIMEZONE=Europe/Berlin" in utc.stderr
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
