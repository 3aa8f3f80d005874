"""Lists cost the same number of queries for 3 people as for 30 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.people import services
from meihao.people.tests.factories import PersonFactory


def add_people(tree, count, start):
    for n in range(start, start + count):
        PersonFactory(
            real_name=f"居民{n:03d}",
            home_place=tree.grid_a1 if n % 2 else tree.grid_a2,
            tags=["elder", "veteran"] if n % 3 else ["volunteer"],
        )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(
    "url", ["/people/", "/people/?q=居民", "/api/v1/people?limit=100", "/api/v1/people?q=居民"]
)
def test_list_query_count_does_not_grow(client, personas, url):
    client.force_login(personas.street_chief_a)
    add_people(personas.tree, 3, 0)
    few, response = queries(client, url)
    assert (
        "居民002" in response.content.decode() or "\\u5c45\\u6c11002" in response.content.decode()
    )
    add_people(personas.tree, 27, 3)
    many, response = queries(client, url)
    assert many == few, f"{few} queries for 3 people, {many} for 30"


def test_detail_query_count_does_not_grow_with_teams_and_roles(client, personas):
    from meihao.people.models import Team

    person = personas.resident_a.person
    client.force_login(personas.community_staff_a)
    few, _ = queries(client, f"/people/{person.pk}/")
    for n in range(5):
        team = services.team_create(
            actor=personas.community_staff_a,
            name=f"队伍{n}",
            kind=Team.Kind.VOLUNTEER,
            place=personas.tree.community_a,
        )
        services.team_member_add(actor=personas.community_staff_a, team=team, person=person)
    for role in ("volunteer", "party_member"):
        services.role_assign(
            actor=personas.community_staff_a,
            user=personas.resident_a,
            role=role,
            place=personas.tree.grid_a1,
        )
    many, response = queries(client, f"/people/{person.pk}/")
    assert "队伍4" in response.content.decode()
    assert many == few
