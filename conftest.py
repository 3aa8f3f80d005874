import pytest


@pytest.fixture
def tree(db):
    from meihao.core.testing import build_tree

    return build_tree()


@pytest.fixture
def personas(db):
    from meihao.core.testing import build_personas

    return build_personas()
