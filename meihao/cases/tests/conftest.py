from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    """An aware Asia/Shanghai datetime: local(2024, 5, 20, 9, 0)."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The personas hash nine passwords; Argon2 would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def grid_type(db):
    from meihao.cases.catalogue import load_grid_catalogue
    from meihao.cases.models import CaseCategory, CaseType

    # A transactional test that ran before flushed every table, the data migrations' rows too.
    if not CaseType.objects.filter(code="GRID").exists():
        load_grid_catalogue(CaseType, CaseCategory)
    return CaseType.objects.get(code="GRID")


@pytest.fixture
def vending(grid_type):
    """乱摆卖: handled by 城管 within 2 working hours."""
    return grid_type.categories.get(code="0501")


@pytest.fixture
def new_case(personas, grid_type, vending):
    """A factory: a case in grid A1 filed by grid worker A (or `actor`)."""
    from meihao.cases.models import Case
    from meihao.cases.services import case_submit

    def make(actor=..., **overrides) -> "Case":
        fields = {
            "actor": personas.grid_worker_a if actor is ... else actor,
            "case_type": grid_type,
            "category": vending,
            "description": "流动摊贩在学校门口摆卖",
            "lat": 23.41,
            "lon": 111.205,
            "channel": Case.Channel.GRID_PATROL,
        }
        fields.update(overrides)
        return case_submit(**fields)

    return make


@pytest.fixture
def street_team(personas):
    """The 城管 department's team for street A (城东街道城管队)."""
    from meihao.people.models import Team

    return Team.objects.create(
        name="城东街道城管队",
        kind=Team.Kind.DEPARTMENT,
        organisation=personas.department,
        place=personas.tree.street_a,
        place_path=personas.tree.street_a.path,
    )
