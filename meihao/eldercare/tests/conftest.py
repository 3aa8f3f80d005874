"""The elder every test of 云家庭 starts from: 黄阿婆, 85, living alone in grid A1."""

import datetime

import pytest

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.eldercare import services
from meihao.people.models import Person


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 5, 10, 0), tick=False)


@pytest.fixture
def community_staff_b(personas):
    """Staff of the neighbouring community, covering none of the elder's home."""
    return make_user(
        "13800000091", "城南社工", roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)]
    )


@pytest.fixture
def grandma(personas):
    home = personas.tree.grid_a1
    return Person.objects.create(
        real_name="黄阿婆",
        birth_date=datetime.date(1941, 3, 8),
        home_place=home,
        home_place_path=home.path,
    )


@pytest.fixture
def elder(personas, grandma, clock):
    return services.elder_register(
        actor=personas.community_staff_a,
        person=grandma,
        living="alone",
        health_notes="高血压，每日服药",
        contacts=[{"name": "黄小红", "relation": "女儿", "phone": "13900001111"}],
    )
