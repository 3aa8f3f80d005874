"""代办 at the counter, as a page: community staff find a resident of their places (the item's
department only by the exact ID number) and file for them; anyone else gets a 404 and nothing
is filed."""

import pytest
from django.urls import reverse

from meihao.egov.models import Application
from meihao.egov.tests.test_applications import clock, income_form, item, pdf  # noqa: F401
from meihao.notify.models import Message
from meihao.people.identity import id_number_fields

ID_NUMBER = "450403199001011234"


@pytest.fixture
def dibao(personas, clock):  # noqa: F811
    person = personas.resident_a.person
    for field, value in id_number_fields(ID_NUMBER).items():
        setattr(person, field, value)
    person.save()
    return item(personas, "community:intake,department:decide", online=False)


def test_staff_find_the_resident_and_file_for_them(client, personas, dibao):
    guide = reverse("catalogue:detail", args=[dibao.code])
    client.force_login(personas.resident_a)
    assert 'id="apply-at-counter"' not in client.get(guide).content.decode()
    assert client.get(reverse("egov:apply", args=[dibao.code])).status_code == 404  # not online
    assert client.get(reverse("egov:counter", args=[dibao.code])).status_code == 404

    staff = personas.community_staff_a
    client.force_login(staff)
    assert 'id="apply-at-counter"' in client.get(guide).content.decode()
    counter = reverse("egov:counter", args=[dibao.code])
    found = client.get(counter, {"q": "居民"}).content.decode()
    person = personas.resident_a.person
    assert f'data-person="{person.pk}"' in found
    assert f'data-person="{personas.resident_b.person.pk}"' not in found  # another community
    apply = reverse("egov:apply", args=[dibao.code])
    page = client.get(apply, {"for": person.pk}).content.decode()
    assert 'id="filing-for"' in page and person.real_name in page
    done = client.post(
        apply,
        {
            "applicant": person.pk,
            "consent": "on",
            f"material-{income_form(dibao).pk}": pdf(),
        },
    )
    application = Application.objects.get()
    assert done.status_code == 302
    assert application.at_counter and application.applicant == person
    assert application.filed_by == staff and application.consent_at is not None
    assert Message.objects.filter(recipient=personas.resident_a).exists()


@pytest.mark.parametrize("for_pk", ["abc", "99999999999999999999", "-1", ""])
def test_a_bad_resident_is_404_and_files_nothing(client, personas, dibao, for_pk):
    client.force_login(personas.community_staff_a)
    apply = reverse("egov:apply", args=[dibao.code])
    response = client.post(apply, {"applicant": for_pk, "consent": "on"})
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_nobody_files_for_a_resident_beyond_their_reach(client, personas, dibao):
    apply = reverse("egov:apply", args=[dibao.code])
    other = personas.resident_b.person.pk
    for user in (personas.community_staff_a, personas.resident_a, personas.grid_worker_a):
        client.force_login(user)
        assert client.get(apply, {"for": other}).status_code == 404
        assert client.post(apply, {"applicant": other, "consent": "on"}).status_code == 404
    assert not Application.objects.exists()


def test_the_department_finds_a_resident_by_the_id_number_only(client, personas, dibao):
    client.force_login(personas.department_staff)
    counter = reverse("egov:counter", args=[dibao.code])
    person = personas.resident_a.person
    assert f'data-person="{person.pk}"' not in client.get(counter, {"q": "居民"}).content.decode()
    found = client.get(counter, {"q": ID_NUMBER}).content.decode()
    assert f'data-person="{person.pk}"' in found and "450403********1234" in found
    page = client.get(reverse("egov:apply", args=[dibao.code]), {"for": person.pk})
    assert page.status_code == 200
