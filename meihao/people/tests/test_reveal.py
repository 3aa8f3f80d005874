"""Showing an ID number unmasked: allowed for people editors, always audited (查看留痕)."""

import pytest

from meihao.core.errors import NotFound, PermissionDenied
from meihao.core.models import AuditEvent
from meihao.people import services
from meihao.people.tests.factories import PersonFactory, make_id_number

NUMBER = make_id_number(serial=7)


@pytest.fixture
def person(personas):
    return PersonFactory(real_name="王五", home_place=personas.tree.grid_a1, id_number=NUMBER)


def pii_reads():
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.PII_READ)


def test_reveal_returns_the_number_and_writes_exactly_one_audit_event(personas, person):
    assert services.person_reveal_id_number(actor=personas.community_staff_a, person=person) == (
        NUMBER
    )
    event = pii_reads().get()
    assert (event.actor, event.action) == (personas.community_staff_a, "read:id_number")
    assert (event.target_type, event.target_id) == ("people.person", str(person.pk))


def test_reveal_by_grid_worker_of_another_community_is_not_found_and_leaves_no_event(
    personas, person
):
    with pytest.raises(NotFound):
        services.person_reveal_id_number(actor=personas.grid_worker_b, person=person)
    assert not AuditEvent.objects.exists()


def test_reveal_by_a_grid_worker_of_the_same_grid_is_denied_without_event(personas, person):
    with pytest.raises(PermissionDenied):
        services.person_reveal_id_number(actor=personas.grid_worker_a, person=person)
    assert not AuditEvent.objects.exists()


def test_reveal_page_fragment_is_audited_once(client, personas, person):
    client.force_login(personas.street_chief_a)
    response = client.post(f"/people/{person.pk}/id-number/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert NUMBER in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert pii_reads().count() == 1


def test_reveal_page_for_grid_worker_of_another_community_is_404_without_event(
    client, personas, person
):
    client.force_login(personas.grid_worker_b)
    assert client.post(f"/people/{person.pk}/id-number/").status_code == 404
    assert not AuditEvent.objects.exists()


def test_reveal_needs_post(client, personas, person):
    client.force_login(personas.community_staff_a)
    assert client.get(f"/people/{person.pk}/id-number/").status_code == 405
    assert not AuditEvent.objects.exists()


def test_detail_page_offers_the_button_only_when_allowed(client, personas, person):
    url = f"/people/{person.pk}/"
    reveal_url = f"/people/{person.pk}/id-number/"
    client.force_login(personas.community_staff_a)
    page = client.get(url).content.decode()
    assert reveal_url in page
    assert NUMBER not in page
    assert person.id_number_masked in page
    client.force_login(personas.grid_worker_a)
    page = client.get(url).content.decode()
    assert reveal_url not in page
    assert person.id_number_masked in page
    assert not AuditEvent.objects.exists()  # viewing the masked page reads nothing unmasked
