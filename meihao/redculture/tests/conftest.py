import pytest

from meihao.redculture.testing import make_red_map


@pytest.fixture
def red_map(personas):
    return make_red_map(personas)
