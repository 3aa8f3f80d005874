import pytest

from meihao.party.testing import build_party


@pytest.fixture
def party(personas):
    return build_party(personas)
