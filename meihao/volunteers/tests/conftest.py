import pytest

from meihao.volunteers.tests.helpers import build_alliance


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # Service records keep their evidence under MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def alliance(personas):
    return build_alliance(personas)
