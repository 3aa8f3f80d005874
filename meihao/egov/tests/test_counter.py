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


def test_staff_find_the_resident_and_file_for_them(
    client, personas, dibao, django_capture_on_commit_callbacks
):
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
    with django_capture_on_commit_callbacks(execute=True):
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
    # The worker tells the resident it was received, as if they had filed it themselves.
    assert Message.objects.get(recipient=personas.resident_a).kind == "application_progress"


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


def test_a_visit_served_at_the_counter_is_recorded_closed_and_rated_like_a_service(
    client, personas, dibao, time_machine
):
    from datetime import timedelta

    from django.utils import timezone

    from meihao.cases.models import Case, CaseEvent, Status
    from meihao.ratings.models import Rectification
    from meihao.ratings.services import rating_invitations

    staff, person = personas.community_staff_a, personas.resident_a.person
    client.force_login(staff)
    counter = reverse("egov:counter", args=[dibao.code])
    assert 'class="counter-visit"' in client.get(counter, {"q": "居民"}).content.decode()
    visit = reverse("egov:counter_visit", args=[dibao.code])
    # Bad input changes nothing: no note, a script, a resident of another community.
    assert client.post(visit, {"person": person.pk, "note": " "}).status_code == 400
    other = personas.resident_b.person.pk
    assert client.post(visit, {"person": other, "note": "讲解材料"}).status_code == 404
    assert client.post(visit, {"person": "x", "note": "讲解材料"}).status_code == 404
    assert not Case.objects.filter(case_type__code="COUNTER").exists()

    done = client.post(visit, {"person": person.pk, "note": "<b>讲解了低保申请材料</b>"})
    assert done.status_code == 302, done.content.decode()[-1500:]
    assert done["Location"] == counter
    case = Case.objects.get(case_type__code="COUNTER")
    assert case.number.startswith("GT") and case.status == Status.CLOSED
    assert case.channel == Case.Channel.COUNTER and case.reporter == person
    assert case.assigned_user == staff and case.assigned_organisation is None
    steps = list(
        CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True)
    )
    assert steps == ["submit", "dispatch", "report_back", "verify_close"]
    assert case.data["item"] == dibao.name
    told = Message.objects.filter(recipient=personas.resident_a, kind="counter_visit")
    assert told.count() == 1 and case.number in told.get().link

    # The staff who served may not serve it again, nor may anyone else.
    from meihao.cases.services import case_serve_on_the_spot
    from meihao.core.errors import IllegalTransition, PermissionDenied

    with pytest.raises(IllegalTransition):
        case_serve_on_the_spot(case=case, actor=staff, note="再办")
    with pytest.raises(PermissionDenied):
        case_serve_on_the_spot(case=case, actor=personas.street_chief_a, note="再办")

    # The resident rates it on its page; a 差评 opens a rectification for whoever served.
    client.force_login(personas.resident_a)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="rate-form"' in page and "&lt;b&gt;讲解了低保申请材料&lt;/b&gt;" in page
    rated = client.post(reverse("cases:rate", args=[case.number]), {"score": "2"})
    assert rated.status_code == 302
    rectification = Rectification.objects.get(rated_case=case)
    assert rectification.case.assigned_user == staff
    # Ranked with the other services: by its item, and by the community that served it.
    from datetime import date

    from meihao.insights.registry import REGISTRY, Span, ranked

    satisfaction = REGISTRY["service_satisfaction"]
    span = Span.of(personas.tree.community_a.path, date(2000, 1, 1), date(2100, 1, 1))
    by = {r.code: r for r in satisfaction.rankings}
    assert [
        (row["name"], row["measure"].value) for row in ranked(satisfaction, by["item"], span)
    ] == [(dibao.name, 0.0)]
    assert [row["name"] for row in ranked(satisfaction, by["body"], span)] == [
        personas.tree.community_a.name
    ]

    # Unrated visits are invited after three days, to the resident, not to the staff.
    client.force_login(staff)
    client.post(visit, {"person": person.pk, "note": "代收材料"})
    unrated = Case.objects.filter(case_type__code="COUNTER").exclude(pk=case.pk).get()
    time_machine.move_to(timezone.now() + timedelta(days=4), tick=False)
    rating_invitations()
    invited = Message.objects.filter(kind="rating_invitation")
    assert list(invited.values_list("recipient", "target_id")) == [
        (personas.resident_a.pk, str(unrated.pk))
    ]
