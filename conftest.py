import pytest

from meihao.core.testing import FAST_HASHERS


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests that are about the production hasher override PASSWORD_HASHERS themselves.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    from meihao.core.snapshot import forget_all

    forget_all()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and log-in lockouts live in the cache: each test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tree(db):
    from meihao.core.testing import build_tree

    return build_tree()


@pytest.fixture
def personas(db):
    from meihao.core.testing import build_personas

    return build_personas()
