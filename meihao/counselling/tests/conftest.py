import pytest

from meihao.core.roles import Role
from meihao.core.testing import make_user


@pytest.fixture
def counsellor(personas):
    """The counsellor of community A's 心灵驿站."""
    return make_user(
        "13800000085",
        "心理咨询师甲",
        home=None,
        roles=[(Role.COUNSELLOR, personas.tree.community_a)],
    )


@pytest.fixture
def other_counsellor(personas):
    return make_user(
        "13800000086",
        "心理咨询师乙",
        home=None,
        roles=[(Role.COUNSELLOR, personas.tree.community_b)],
    )
