"""A pytest plugin (loaded with `-p meihao.testenv`, before Django starts) fixing the test
environment: tests never depend on a developer's shell."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("HUEY_IMMEDIATE", "true")
# Every test starts from another database state: no snapshot (grid index, case catalogue) may
# outlive one.
os.environ.setdefault("SNAPSHOT_RECHECK_SECONDS", "0")
# On PostgreSQL a test's commit need not wait for the disk (synchronous_commit off: nothing but
# durability across a crash of the server changes, and the test databases are thrown away).
os.environ.setdefault("DB_SYNCHRONOUS_COMMIT", "false")

# MEIHAO_TEST_CLOCK=2027-01-01T00:30:00+08:00 runs the tests as if started at that instant (the
# clock then moves on): CI runs the demo's tests on the days calendars get wrong — the first of
# a month, the first of a year, 29 February — so that nothing passes only on the day it was
# written. Tests that are about a date still pin their own.
_clock = os.environ.get("MEIHAO_TEST_CLOCK")
if _clock:
    import datetime

    import time_machine

    _start = datetime.datetime.fromisoformat(_clock)
    if _start.tzinfo is None:
        raise SystemExit(f"MEIHAO_TEST_CLOCK={_clock!r} needs a UTC offset, e.g. +08:00.")
    time_machine.travel(_start, tick=True).start()
