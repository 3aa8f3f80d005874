"""Fixtures of the time-bank tests: members placed at known distances from resident A's home.

Resident A (the elder asking for help) lives in grid A1, whose centre (23.41, 111.205) is where
help is asked for by default. `member_at(dx, dy)` makes a member that many metres east and north
of it.
"""

import itertools
import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.places.nearby import METRES_PER_DEGREE
from meihao.timebank import services

HOME = (23.41, 111.205)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def offset(dx_m: float, dy_m: float, origin=HOME) -> tuple[float, float]:
    """The point dx metres east and dy metres north of `origin`."""
    lat = origin[0] + dy_m / METRES_PER_DEGREE
    lon = origin[1] + dx_m / (METRES_PER_DEGREE * math.cos(math.radians(origin[0])))
    return lat, lon


@pytest.fixture
def categories(db):
    from meihao.cases.models import CaseCategory

    return {
        c.name_zh: c
        for c in CaseCategory.objects.filter(case_type__code="TIMEBANK", parent__isnull=False)
    }


@pytest.fixture
def member_at(personas):
    phones = itertools.count(13600000001)

    def make(dx=0.0, dy=0.0, *, name=None, skills=(), available=True, home=None, user=None):
        phone = str(next(phones))
        home = home or personas.tree.grid_a1
        if user is None:
            user = make_user(
                phone, name or f"会员{phone[-3:]}", home=home, roles=[(Role.RESIDENT, home)]
            )
        origin = HOME if home == personas.tree.grid_a1 else (home.centroid_lat, home.centroid_lon)
        lat, lon = offset(dx, dy, origin)
        member = services.member_join(actor=user, skills=skills, lat=lat, lon=lon)
        if not available:
            member.available = False
            member.save()
        return member

    return make


@pytest.fixture
def asked(personas, categories):
    """A help request of resident A at home (陪伴聊天 unless said otherwise)."""

    def make(actor=None, requester=None, kind="陪伴聊天", description="想找人陪我聊聊天", **fields):
        return services.help_request_submit(
            actor=actor or personas.resident_a,
            requester=requester or personas.resident_a.person,
            category=categories[kind],
            description=description,
            **fields,
        )

    return make
