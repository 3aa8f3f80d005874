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


@pytest.fixture
def aid_centre(personas):
    """The district's legal-aid centre and one of its staff."""
    from meihao.legal.models import LegalAidCentre
    from meihao.people.models import Organisation

    organisation = Organisation.objects.create(
        name="万秀区法律援助中心",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    centre = LegalAidCentre.objects.create(organisation=organisation)
    centre.staff = make_user(
        "13800000065", "援助中心甲", home=None, roles=[(Role.DEPARTMENT_STAFF, organisation)]
    )
    return centre
