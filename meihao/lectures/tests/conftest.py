import pytest

from meihao.lectures.testing import make_menu


@pytest.fixture
def menu(personas):
    return make_menu(personas)
