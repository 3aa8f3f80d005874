import pytest
from django.db import transaction
from django.test import override_settings

from meihao.core.testing import FAST_HASHERS


@pytest.fixture(scope="module", autouse=True)
def _media_in_tmp(tmp_path_factory):
    # Seeding stores evidence files of staff-entered service records (demo.evidence); a
    # module's tests read those its seeding stored.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="module")
def seeded_module(request, _media_in_tmp, django_db_setup, django_db_blocker):
    """The district as the test module's `seed_for_module()` seeds it, once for the module.

    Seeding takes seconds; the module's tests only read it or change it inside their own
    transaction (the `db` fixture's, a savepoint within this one), so one seeding serves them
    all, and it is rolled back when the module is done. A test that needs another seeding
    (other options, an empty database) belongs in a module of its own: once this has run, every
    later test of the module sees the seeded district."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield request.module.seed_for_module()
        transaction.set_rollback(True)
