"""seed_demo at scale 10 (100,000 residents) on a fresh SQLite database, against a baseline.

Baseline: the same number of rows as seed_demo writes, inserted by raw sqlite3 executemany into
one plain table of similar width (text, integer and date columns, one index), in one process,
on the same disk. The ratio says how far the loader is from "just writing the bytes"; the
absolute time is checked against the product's limit of 60 s.
"""

import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._django import sqlite_url

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("BENCH_SEED_SCALE", "10"))
LIMIT_SECONDS = 60.0


def _environment(var_dir: Path) -> dict:
    env = {
        **os.environ,
        "MEIHAO_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'bench.sqlite3'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijkl"),
        "DJANGO_SETTINGS_MODULE": "meihao.settings",
    }
    env.pop("REDIS_URL", None)
    return env


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def measure_seed(var_dir: Path, scale: float) -> tuple[float, int]:
    """Seconds for seed_demo (migrations excluded) and the number of rows it added."""
    env = _environment(var_dir)
    sqlite_url(var_dir)  # bench.sqlite3, migrated
    started = time.perf_counter()
    result = _manage(env, "seed_demo", "--scale", str(scale))
    elapsed = time.perf_counter() - started
    rows = int(re.search(r"(\d+) rows added", result.stdout).group(1))
    return elapsed, rows


def measure_baseline(var_dir: Path, rows: int) -> float:
    """Seconds for raw sqlite3 executemany of `rows` plain rows, committed, WAL like ours."""
    rng = random.Random(1)
    data = [
        (
            f"name{i}",
            f"450403{rng.randrange(10**12):012d}",
            f"1{rng.randrange(10**10):010d}",
            f"450403/450403001/{i % 300:03d}/",
            "1970-01-01",
            i % 7,
        )
        for i in range(rows)
    ]
    path = var_dir / "baseline.sqlite3"
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE row (id INTEGER PRIMARY KEY, name TEXT, number TEXT, phone TEXT,"
        " path TEXT, born DATE, kind INTEGER)"
    )
    connection.execute("CREATE INDEX row_path ON row (path)")
    with connection:
        connection.executemany(
            "INSERT INTO row (name, number, phone, path, born, kind) VALUES (?, ?, ?, ?, ?, ?)",
            data,
        )
    connection.close()
    return time.perf_counter() - started


def run(scale: float = SCALE) -> bool:
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch:
        var_dir = Path(scratch)
        seed_seconds, rows = measure_seed(var_dir, scale)
        baseline_seconds = measure_baseline(var_dir, rows)
    ratio = seed_seconds / baseline_seconds
    under = seed_seconds < LIMIT_SECONDS
    print(f"seed_demo --scale {scale:g}: {rows:,} rows in {seed_seconds:.1f} s")
    print(f"baseline (raw sqlite3 executemany, {rows:,} plain rows): {baseline_seconds:.2f} s")
    print(f"ratio seed_demo / baseline: {ratio:.1f}×")
    print(
        f"under {LIMIT_SECONDS:.0f} s: {'yes' if under else 'NO'}"
        f" ({seed_seconds / LIMIT_SECONDS:.0%} of the limit)"
    )
    return under
