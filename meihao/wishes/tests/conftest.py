"""Fixtures of the micro-wish tests: a wish of resident A, party members of community A, and a
unit registered with community A together with one of its party members (双报到)."""

import pytest
from django.utils import timezone

from meihao.cases.tests.reporter_helpers import upload
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.wishes import services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def categories(db):
    from meihao.cases.models import CaseCategory

    return {
        c.name_zh: c
        for c in CaseCategory.objects.filter(case_type__code="WISH", parent__isnull=False)
    }


@pytest.fixture
def ordered(personas, categories):
    def make(actor=None, kind="生活物资", **fields):
        return services.wish_order(
            actor=actor or personas.resident_a,
            category=categories[kind],
            description="想要一台收音机",
            **fields,
        )

    return make


@pytest.fixture
def published(personas, ordered):
    def make(**fields):
        return services.wish_publish(case=ordered(**fields), actor=personas.community_staff_a)

    return make


@pytest.fixture
def party_member_b(personas):
    """A second party member of community A (party_member_a is the first)."""
    tree = personas.tree
    return make_user(
        "13700000021",
        "党员乙",
        home=tree.grid_a1,
        roles=[(Role.RESIDENT, tree.grid_a1), (Role.PARTY_MEMBER, tree.community_a)],
    )


@pytest.fixture
def party_member_of_b(personas):
    tree = personas.tree
    return make_user(
        "13700000022", "党员丙", home=tree.grid_b1, roles=[(Role.PARTY_MEMBER, tree.community_b)]
    )


@pytest.fixture
def unit(personas, party_member_b):
    """市供电局, registered with community A this year, party member B registered through it."""
    from meihao.dual.models import MemberRegistration, UnitRegistration
    from meihao.people.models import Organisation

    tree = personas.tree
    organisation = Organisation.objects.create(
        name="梧州市供电局",
        short_name="供电局",
        kind=Organisation.Kind.UNIT,
        place=tree.district,
        place_path=tree.district.path,
    )
    year = timezone.localdate().year
    UnitRegistration.objects.create(
        organisation=organisation,
        community=tree.community_a,
        community_path=tree.community_a.path,
        year=year,
        registered_by=personas.community_staff_a,
    )
    MemberRegistration.objects.create(
        person=party_member_b.person,
        unit=organisation,
        community=tree.community_a,
        community_path=tree.community_a.path,
        year=year,
        registered_by=personas.community_staff_a,
    )
    return organisation


@pytest.fixture
def photo():
    return upload
