"""A pytest plugin (loaded with `-p meihao.testenv`, before Django starts) fixing the test
environment: tests never depend on a developer's shell."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("HUEY_IMMEDIATE", "true")
