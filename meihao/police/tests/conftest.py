import pytest

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.police.models import Block


@pytest.fixture
def officer(personas):
    """The community police officer of community A's block."""
    return make_user(
        "13800000080",
        "片警甲",
        home=None,
        roles=[(Role.POLICE_OFFICER, personas.tree.community_a)],
    )


@pytest.fixture
def colleague(personas):
    """Another officer of the same community, who does not hold the block."""
    return make_user(
        "13800000081",
        "片警乙",
        home=None,
        roles=[(Role.POLICE_OFFICER, personas.tree.community_a)],
    )


@pytest.fixture
def block(personas, officer):
    block = Block.objects.create(
        name="骑楼街区",
        street=personas.tree.street_a,
        officer=officer,
        phone="0774-1234567",
        station="城东派出所",
    )
    block.grids.set([personas.tree.grid_a1, personas.tree.grid_a2])
    return block
