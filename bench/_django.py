"""Helpers for benchmarks that run Django in a worker process on a scratch database.

The parent process (what `python -m bench` runs) never imports Django settings: each benchmark
starts `python -m bench.<module> --worker ...` with DATABASE_URL pointing at a temporary SQLite
file or a temporary PostgreSQL database, and reads the worker's JSON result from stdout.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


def environment(var_dir: Path, database_url: str) -> dict:
    env = {
        **os.environ,
        "MEIHAO_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijkl"),
        "DJANGO_SETTINGS_MODULE": "meihao.settings",
        # One bench user sends thousands of requests a minute: the per-user limits guard a
        # person, not a measurement (the limit's own check still runs on every request).
        "RATE_LIMITS": "api=1000000/m,pass_code=1000000/m,checkin_code=1000000/m",
    }
    env.pop("REDIS_URL", None)
    return env


def run_worker(module: str, env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", module, "--worker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@contextmanager
def postgres_database():
    """A temporary PostgreSQL database (created, then dropped); yields its URL or None."""
    try:
        import psycopg
    except ImportError:
        yield None
        return
    name = f"meihao_bench_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(PG_URL)
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        time.sleep(0.2)
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_on_sqlite_and_postgresql(
    module: str, report: Callable[[dict], bool], *args: str, sqlite_only: bool = False
) -> bool:
    """Run `module`'s worker on a scratch SQLite database, then on a scratch PostgreSQL database
    (unless `sqlite_only`, or none is reachable at BENCH_PG_URL), and `report` each result.
    True when every report is."""
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch:
        var_dir = Path(scratch)
        sqlite = environment(var_dir, f"sqlite:///{var_dir / 'bench.sqlite3'}")
        ok = report(run_worker(module, sqlite, *args))
        if sqlite_only:
            return ok
        with postgres_database() as url:
            if url is None:
                print("[postgresql] skipped: no PostgreSQL at BENCH_PG_URL")
                return ok
            return report(run_worker(module, environment(var_dir, url), *args)) and ok


def emit(result: dict) -> None:
    print(json.dumps(result), flush=True)
