import pytest

from meihao.core.roles import Role


@pytest.fixture
def grid_type(db):
    from meihao.cases.models import CaseType

    return CaseType.objects.get(code="GRID")


@pytest.fixture
def vending(grid_type):
    """乱摆卖 (0501), a minor class of 街面秩序."""
    return grid_type.categories.get(code="0501")


@pytest.fixture
def client_account(personas):
    """An Open311 client: an account with the resident role at the district, and its api_key."""
    from meihao.core.testing import make_user
    from meihao.people.services import api_token_create

    user = make_user(
        "13800000311", "Open311 client", roles=[(Role.RESIDENT, personas.tree.district)]
    )
    _token, plaintext = api_token_create(actor=user, name="Open311")
    user.api_key = plaintext
    return user


@pytest.fixture
def api_key(client_account):
    return client_account.api_key


@pytest.fixture
def new_case(personas, grid_type, vending):
    """A factory: a case in grid A1 filed by grid worker A (or `actor`), with a reporter, and
    accepted by street chief A (published: cases.publication) unless `accept=False`."""
    from meihao.cases.models import Case
    from meihao.cases.services import case_accept, case_submit

    def make(actor=..., accept=True, **overrides):
        fields = {
            "actor": personas.grid_worker_a if actor is ... else actor,
            "case_type": grid_type,
            "category": vending,
            "description": "流动摊贩在学校门口摆卖",
            "lat": 23.41234,
            "lon": 111.20567,
            "address": "骑楼街12号",
            "channel": Case.Channel.GRID_PATROL,
            "reporter_name": "王小明",
            "reporter_phone": "13912345678",
        }
        fields.update(overrides)
        case = case_submit(**fields)
        return case_accept(case=case, actor=personas.street_chief_a) if accept else case

    return make
