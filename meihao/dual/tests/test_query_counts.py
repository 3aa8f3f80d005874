"""Dual registration's lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meihao.core.testing import make_user
from meihao.dual import services
from meihao.people.models import Organisation

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def grow(personas, n: int, start: int) -> None:
    """n more party members with posts and confirmed claims, and n more units registered."""
    tree, staff = personas.tree, personas.community_staff_a
    year = timezone.localdate().year
    for i in range(start, start + n):
        unit = Organisation.objects.create(
            name=f"单位{i}", kind="unit", place=tree.street_a, place_path=tree.street_a.path
        )
        services.unit_register(
            actor=staff, organisation=unit, community=tree.community_a, year=year
        )
        user = make_user(f"1360000{i:04d}", f"党员{i}", home=tree.grid_a1)
        services.member_register(
            actor=staff, person=user.person, unit=unit, community=tree.community_a, year=year
        )
        post = services.post_publish(
            actor=staff,
            community=tree.community_a,
            year=year,
            title=f"岗位{i}",
            expected_minutes=60,
            slots=3,
        )
        claim = services.post_claim(actor=user, post=post)
        services.post_claim_confirm(actor=staff, claim=claim, minutes=30)
        services.post_claim(actor=personas.party_member_a, post=post)


LISTS = [
    ("community_staff_a", "/volunteers/dual/"),
    ("community_staff_a", "/volunteers/dual/posts/"),
    ("community_staff_a", "/volunteers/dual/report/"),
    ("party_member_a", "/volunteers/posts/"),
    ("party_member_a", "/volunteers/posts/mine/"),
]


def test_lists_do_not_grow_with_their_length(client, personas):
    unit = Organisation.objects.create(
        name="城东中学",
        kind="unit",
        place=personas.tree.street_a,
        place_path=personas.tree.street_a.path,
    )
    services.member_register(
        actor=personas.community_staff_a,
        person=personas.party_member_a.person,
        unit=unit,
        community=personas.tree.community_a,
        year=timezone.localdate().year,
    )
    grow(personas, 1, 0)
    before = {}
    for persona, url in LISTS:
        client.force_login(getattr(personas, persona))
        before[url] = queries(client, url)
    grow(personas, 4, 1)
    for persona, url in LISTS:
        client.force_login(getattr(personas, persona))
        assert queries(client, url) == before[url], url
