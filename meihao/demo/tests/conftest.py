import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Seeding stores evidence files of staff-entered service records (demo.evidence).
    settings.MEDIA_ROOT = tmp_path
