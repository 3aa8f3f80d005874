import pytest

from meihao.core.roles import Role
from meihao.core.testing import make_user


@pytest.fixture
def advisor_a(personas):
    """The legal advisor of community A (骑楼社区)."""
    return make_user(
        "13800000060",
        "律师甲",
        home=None,
        roles=[(Role.LEGAL_ADVISOR, personas.tree.community_a)],
    )


@pytest.fixture
def advisor_b(personas):
    """The legal advisor of community B (河东社区)."""
    return make_user(
        "13800000061",
        "律师乙",
        home=None,
        roles=[(Role.LEGAL_ADVISOR, personas.tree.community_b)],
    )
