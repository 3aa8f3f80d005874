"""Every persona against every people surface, for a person in and out of their scope.

Allowed answers 200 (and lists show the person); denied answers 404, the same as a missing
record, and leaves nothing behind: no audit event, no change.
"""

import json

import pytest

from meihao.core.models import AuditEvent
from meihao.people.models import Person
from meihao.people.tests.factories import PersonFactory, make_id_number

# persona → (sees the person in grid A1, sees the person in grid B1, may use the list)
VIEW = {
    "grid_worker_a": (True, False, True),
    "grid_worker_b": (False, True, True),
    "community_staff_a": (True, False, True),
    "street_chief_a": (True, False, True),
    "department_staff": (False, False, False),
    "district_admin": (True, True, True),
    "resident_a": (False, False, False),
    "resident_b": (False, False, False),
    "outsider": (False, False, False),
}
# persona → may reveal the ID number of (person in A1, person in B1)
REVEAL = {
    "community_staff_a": (True, False),
    "street_chief_a": (True, False),
    "district_admin": (True, True),
}
SURFACES = ["list_page", "detail_page", "api_list", "api_detail", "reveal"]


@pytest.fixture
def targets(personas):
    return {
        "a": PersonFactory(
            real_name="目标甲", home_place=personas.tree.grid_a1, id_number=make_id_number(serial=1)
        ),
        "b": PersonFactory(
            real_name="目标乙", home_place=personas.tree.grid_b1, id_number=make_id_number(serial=2)
        ),
    }


def snapshot():
    return (
        AuditEvent.objects.count(),
        list(Person.objects.order_by("pk").values_list("pk", "real_name", "updated_at")),
    )


def text(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def call(client, surface, person):
    if surface == "list_page":
        return client.get("/people/")
    if surface == "detail_page":
        return client.get(f"/people/{person.pk}/")
    if surface == "api_list":
        return client.get("/api/v1/people?limit=100")
    if surface == "api_detail":
        return client.get(f"/api/v1/people/{person.pk}")
    return client.post(f"/people/{person.pk}/id-number/")


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("where", ["a", "b"])
@pytest.mark.parametrize("persona", list(VIEW))
def test_permission_matrix(client, personas, targets, persona, where, surface):
    person = targets[where]
    sees = VIEW[persona][0 if where == "a" else 1]
    may_list = VIEW[persona][2]
    client.force_login(getattr(personas, persona))
    before = snapshot()

    response = call(client, surface, person)

    if surface in ("list_page", "api_list"):
        if not may_list:
            assert response.status_code == 404
        else:
            assert response.status_code == 200
            assert (person.real_name in text(response)) is sees
    elif surface == "reveal":
        allowed = REVEAL.get(persona, (False, False))[0 if where == "a" else 1]
        if allowed:
            assert response.status_code == 200
            assert make_id_number(serial=1 if where == "a" else 2) in response.content.decode()
            events = AuditEvent.objects.filter(kind=AuditEvent.Kind.PII_READ)
            assert events.count() == 1
            assert events.get().target_id == str(person.pk)
            return
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if sees else 404)
        if sees:
            assert person.real_name in text(response)
            assert make_id_number(serial=1 if where == "a" else 2) not in text(response)
        elif surface == "api_detail":
            assert response.json()["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize(
    "url", ["/people/", "/people/me/", "/people/import/", "/people/export/", "/people/1/"]
)
def test_pages_need_a_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/api/v1/me", "/api/v1/people", "/api/v1/people/1"])
def test_api_needs_a_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_residents_see_their_own_record_but_not_the_list(client, personas):
    client.force_login(personas.resident_a)
    own = personas.resident_a.person
    assert client.get(f"/people/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/people/{own.pk}").status_code == 200
    assert client.get(f"/people/{personas.resident_b.person.pk}/").status_code == 404
    assert client.get("/people/").status_code == 404


def test_import_and_template_are_for_people_editors(client, personas):
    for persona, allowed in [("grid_worker_a", False), ("community_staff_a", True)]:
        client.force_login(getattr(personas, persona))
        for url in ("/people/import/", "/people/import/template/"):
            assert client.get(url).status_code == (200 if allowed else 404)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "grid_worker_a",
            {
                "view": True,
                "edit": False,
                "reveal_id_number": False,
                "export": True,
                "confirm_home": False,
            },
        ),
        (
            "grid_worker_b",
            {
                "view": False,
                "edit": False,
                "reveal_id_number": False,
                "export": False,
                "confirm_home": False,
            },
        ),
        (
            "community_staff_a",
            {
                "view": True,
                "edit": True,
                "reveal_id_number": True,
                "export": True,
                "confirm_home": False,
            },
        ),
        (
            "street_chief_a",
            {
                "view": True,
                "edit": True,
                "reveal_id_number": True,
                "export": True,
                "confirm_home": False,
            },
        ),
        (
            "district_admin",
            {
                "view": True,
                "edit": True,
                "reveal_id_number": True,
                "export": True,
                "confirm_home": False,
            },
        ),
        (
            "department_staff",
            {
                "view": False,
                "edit": False,
                "reveal_id_number": False,
                "export": False,
                "confirm_home": False,
            },
        ),
        (
            "resident_a",
            {
                "view": False,
                "edit": False,
                "reveal_id_number": False,
                "export": False,
                "confirm_home": False,
            },
        ),
    ],
)
def test_abilities_of_a_person_in_grid_a1(personas, targets, persona, expected):
    user = getattr(personas, persona)
    assert targets["a"].abilities(user) == expected


def test_own_record_abilities(personas):
    from meihao.people import services

    person = personas.resident_a.person
    services.person_update(
        actor=personas.community_staff_a, person=person, id_number=make_id_number(serial=9)
    )
    person.refresh_from_db()
    assert person.abilities(personas.resident_a) == {
        "view": True,
        "edit": False,
        "reveal_id_number": True,
        "export": False,
        "confirm_home": False,
    }


def test_abilities_cost_no_query_once_scopes_are_loaded(
    personas, targets, django_assert_num_queries
):
    from meihao.core.scoping import scopes_of

    user = personas.street_chief_a
    scopes_of(user)
    with django_assert_num_queries(0):
        for person in targets.values():
            person.abilities(user)
