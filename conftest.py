import os

# Tests never depend on a developer's environment: a fixed test key, manifest-free static files,
# and Huey running tasks inline unless a test asks otherwise.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("HUEY_IMMEDIATE", "true")
