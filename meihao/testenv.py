"""A pytest plugin (loaded with `-p meihao.testenv`, before Django starts) fixing the test
environment: tests never depend on a developer's shell."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("HUEY_IMMEDIATE", "true")
# Every test starts from another database state: no snapshot (grid index, case catalogue) may
# outlive one.
os.environ.setdefault("SNAPSHOT_RECHECK_SECONDS", "0")
