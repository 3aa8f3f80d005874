"""Helpers for benchmarks that run Django in a worker process on a scratch database.

The parent process (what `python -m bench` runs) never imports Django settings: each benchmark
starts `python -m bench.<module> --worker ...` with DATABASE_URL pointing at a temporary SQLite
file or a temporary PostgreSQL database, and reads the worker's JSON result from stdout.

Migrating a database takes longer than most benchmarks at their smoke sizes: the parent migrates
one template of each kind once (a SQLite file, a PostgreSQL database) and every scratch database
starts as a copy of it (`sqlite_url`, `postgres_database`); the worker's own `migrate` then finds
nothing to apply.
"""

import argparse
import atexit
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
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
        # One bench user (or address) sends thousands of requests a minute: the limits guard a
        # person, not a measurement (the limit's own check still runs on every request).
        "RATE_LIMITS": (
            "api=1000000/m,pass_code=1000000/m,checkin_code=1000000/m,document_check=1000000/m"
        ),
    }
    env.pop("REDIS_URL", None)
    return env


_templates: dict[str, str] = {}


def _migrate(database_url: str, var_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=environment(var_dir, database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stderr[-4000:]}")


def _sqlite_template() -> str:
    """The path of a SQLite file migrated once for this process (removed at exit)."""
    if "sqlite" not in _templates:
        scratch = Path(tempfile.mkdtemp(prefix="meihao-bench-template-"))
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        path = scratch / "template.sqlite3"
        _migrate(f"sqlite:///{path}", scratch)
        _templates["sqlite"] = str(path)
    return _templates["sqlite"]


def sqlite_url(var_dir: Path) -> str:
    """The URL of a fresh, migrated SQLite database in `var_dir` (a copy of the template)."""
    path = var_dir / "bench.sqlite3"
    with sqlite3.connect(_sqlite_template()) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return f"sqlite:///{path}"


def _postgres_template(admin) -> str:
    """The name of a PostgreSQL database migrated once for this process (dropped at exit)."""
    if "postgresql" not in _templates:
        name = f"meihao_bench_template_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(PG_URL)
        admin.execute(f'CREATE DATABASE "{name}"')

        def drop():
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
        scratch = Path(tempfile.mkdtemp(prefix="meihao-bench-template-"))
        try:
            _migrate(urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")), scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _templates["postgresql"] = name
    return _templates["postgresql"]


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


def rounds(n: int) -> int:
    """`n`, or a tenth of it (at least 10) under `python -m bench --smoke`: a smoke run shows
    that the benchmark still runs, not how fast."""
    return max(10, n // 10) if os.environ.get("BENCH_SMOKE") else n


def setup_django():
    """Start Django in a worker and migrate its database, unless it is migrated already (a
    copy of the template: `migrate` would render every app's state only to find nothing to do)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", "--no-input", verbosity=0)


def catalogue_item(personas, name: str):
    """The demo catalogue's item `name` (demo/catalogue_items.json), published by the test
    personas' district administrator with their department as its competent department."""
    import json

    from meihao.catalogue.services import item_save
    from meihao.demo.catalogue import ITEMS_FILE, guide_from, issuer_code

    entry = next(e for e in json.loads(ITEMS_FILE.read_text(encoding="utf-8")) if e["name"] == name)
    return item_save(
        actor=personas.district_admin,
        place=personas.tree.district,
        guide=guide_from(entry, personas.department, issuer_code(0)),
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(function: Callable[[], object], runs: int) -> list[float]:
    """The seconds each of `runs` calls of `function` took, after one call to warm up."""
    function()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def interleaved(
    calls: dict[str, Callable[[], object]], *, rounds: int, warm_up: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time `calls` in turn, `rounds` times over, after `warm_up` rounds of them: each meets
    the same state of the process and the database as the others. The seconds of each call by
    name, and the queries one call of each makes (counted once, after the warm-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        for call in calls.values():
            call()
    queries = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        queries[name] = len(captured)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return times, queries


def p50_p95(name: str, times: list[float]) -> dict:
    """`{name}_p50` (the median) and `{name}_p95` of `times`, in seconds."""
    return {f"{name}_p50": statistics.median(times), f"{name}_p95": percentile(times, 0.95)}


def p50_p95_ms(r: dict, name: str) -> str:
    """`name`'s p50 and p95 from `r` (seconds, as `p50_p95` names them), in milliseconds."""
    return f"p50 {r[f'{name}_p50'] * 1000:.2f} ms, p95 {r[f'{name}_p95'] * 1000:.2f} ms"


def p50_p95_ratio(r: dict, name: str, baseline: str) -> str:
    """`name`'s p50 and p95 from `r` over `baseline`'s."""
    return (
        f"p50 {r[f'{name}_p50'] / r[f'{baseline}_p50']:.2f}×, "
        f"p95 {r[f'{name}_p95'] / r[f'{baseline}_p95']:.2f}×"
    )


def each(result: dict, name: str) -> str:
    """`name`'s seconds in `result`, a total over `result["requests"]` requests, as the
    milliseconds each took, with the queries one makes (`result["queries"][name]`)."""
    ms = result[name] / result["requests"] * 1000
    return f"{ms:.2f} ms each ({result['queries'][name]} queries)"


def ratio_against_goal(vendor: str, what: str, ratio: float, goal: float) -> bool:
    """Print `ratio` (of `what`) and whether it reaches `goal`; True when it does."""
    met = ratio >= goal
    print(f"[{vendor}] ratio {what}: {ratio:.2f} (goal >= {goal}: {'yes' if met else 'NO'})")
    return met


@contextmanager
def postgres_database():
    """A temporary PostgreSQL database, migrated (a copy of the template; created, then
    dropped); yields its URL or None."""
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
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_postgres_template(admin)}"')
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
        sqlite = environment(var_dir, sqlite_url(var_dir))
        ok = report(run_worker(module, sqlite, *args))
        if sqlite_only:
            return ok
        with postgres_database() as url:
            if url is None:
                print("[postgresql] skipped: no PostgreSQL at BENCH_PG_URL")
                return ok
            return report(run_worker(module, environment(var_dir, url), *args)) and ok


def against_raw_sql(label: str, r: dict) -> str:
    """`label`'s p50 and p95 against the raw SQL's and their ratios, from the `orm_p50`,
    `orm_p95`, `raw_p50` and `raw_p95` of `r` (seconds), for a report line."""
    return (
        f"{label} p50 {r['orm_p50'] * 1000:.1f} ms, p95 {r['orm_p95'] * 1000:.1f} ms; "
        f"raw SQL p50 {r['raw_p50'] * 1000:.1f} ms, p95 {r['raw_p95'] * 1000:.1f} ms; "
        f"ratio {p50_p95_ratio(r, 'orm', 'raw')}"
    )


def same_for_any_page_size(vendor: str, what: str, counts: dict) -> bool:
    """Print the number of `what` sent for a page of 10 and of 100 rows (`counts["10"]`,
    `counts["100"]`); True when they are the same."""
    same = counts["10"] == counts["100"]
    print(
        f"[{vendor}] {what} of 10 / 100: {counts['10']} / {counts['100']}"
        f" ({'independent of page size' if same else 'GROWS with the page'})"
    )
    return same


def emit(result: dict) -> None:
    print(json.dumps(result), flush=True)


def command_line(
    worker: Callable[..., dict],
    run: Callable[..., bool],
    *,
    size: str | None = None,
    default: int = 0,
) -> None:
    """The command line of a benchmark that runs on SQLite and PostgreSQL, with one size or
    none: `python -m bench.<module> [--<size> N] [--sqlite-only]` runs it and exits 1 when a
    goal is not met; `--worker [--<size> N]` is the worker process the run starts."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    if size is not None:
        parser.add_argument(f"--{size}", type=int, default=default)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    sizes = [] if size is None else [getattr(args, size.replace("-", "_"))]
    if args.worker:
        emit(worker(*sizes))
    else:
        sys.exit(0 if run(*sizes, args.sqlite_only) else 1)


def race(threads: int, attempts: int, attempt) -> tuple[float, list, list, list]:
    """Run attempt(n) for n in range(attempts) from `threads` threads, each on its own
    connection (opened before the start); the seconds from release to the last finish."""
    from django.db import connection, connections

    barrier = threading.Barrier(threads + 1)
    won, refused, errors = [], [], []
    lock = threading.Lock()
    pending = list(range(attempts))

    def runner():
        try:
            connection.ensure_connection()
            barrier.wait()
            while True:
                with lock:
                    if not pending:
                        return
                    n = pending.pop()
                try:
                    (won if attempt(n) else refused).append(n)
                except Exception as exc:  # reported by the caller
                    errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=runner) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started, won, refused, errors


def page_against_raw_sql(client, url: str, marker: bytes, sql: str, params, *, rounds: int) -> dict:
    """Time GET `url` (answering 200 with `marker` in it) against `sql` run through a cursor,
    interleaved after three warm-ups: `orm_`/`raw_` p50 and p95 and the queries of each."""
    from django.db import connection

    def page():
        response = client.get(url)
        assert response.status_code == 200 and marker in response.content

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert cursor.fetchall()

    times, queries = interleaved({"orm": page, "raw": raw}, rounds=rounds, warm_up=3)
    return {
        "vendor": connection.vendor,
        "queries": queries,
        **p50_p95("orm", times["orm"]),
        **p50_p95("raw", times["raw"]),
    }


def report_page_against_raw_sql(r: dict, what: str, goal: float) -> bool:
    """Print a page's figures against its raw SQL's (from `page_against_raw_sql`) after `what`
    was seeded; True when the page is within `goal` times the raw SQL at p95."""
    met = r["orm_p95"] / r["raw_p95"] <= goal
    print(
        f"[{r['vendor']}] {what}, seeded in {r['seed_seconds']:.1f} s; page p50 "
        f"{r['orm_p50'] * 1000:.1f} ms ({r['queries']['orm']} queries), raw SQL p50 "
        f"{r['raw_p50'] * 1000:.1f} ms; ratio {p50_p95_ratio(r, 'orm', 'raw')} (goal ≤ {goal}× "
        f"at p95: {'yes' if met else 'NO'})"
    )
    return met
