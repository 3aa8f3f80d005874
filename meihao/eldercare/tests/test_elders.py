"""Elders, who acts for them, and their assessments: care staff of the elder's home only, every
write audited, every refusal leaving nothing behind."""

import datetime
import json

import pytest

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.testing import make_user
from meihao.eldercare import selectors, services
from meihao.eldercare.models import Assessment, AssessmentScale, Elder, FamilyLink
from meihao.eldercare.scoring import DEFAULT_SCALE_FILE
from meihao.eldercare.tests.test_scoring import answers_totalling

TODAY = datetime.date(2026, 12, 5)


def test_community_staff_register_an_elder_of_their_community(personas, elder):
    assert elder.place_path == personas.tree.grid_a1.path
    assert [(c.name, c.phone) for c in elder.contacts.all()] == [("黄小红", "13900001111")]
    assert AuditEvent.objects.filter(action="eldercare.elder_register").count() == 1
    # The notes stay out of the trail.
    assert "高血压" not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_only_care_staff_covering_the_home_register_or_read_an_elder(
    personas, grandma, elder, community_staff_b
):
    for outsider in (
        community_staff_b,
        personas.grid_worker_a,
        personas.resident_a,
        personas.department_staff,
    ):
        assert not selectors.elders_visible_to(outsider).exists()
        with pytest.raises(NotFound):
            selectors.elder_get(outsider, elder.pk)
        with pytest.raises(NotFound):
            services.elder_update(
                actor=outsider, elder=elder, living="with_family", low_income=True, health_notes=""
            )
    for staff in (personas.community_staff_a, personas.street_chief_a, personas.district_admin):
        assert selectors.elder_get(staff, elder.pk) == elder
    elder.refresh_from_db()
    assert elder.living == "alone" and elder.health_notes == "高血压，每日服药"


@pytest.mark.parametrize(
    ("birth_date", "living", "contacts", "field"),
    [
        (datetime.date(1967, 1, 1), "alone", [], "person"),  # 59
        (None, "alone", [], "person"),  # age unknown
        (datetime.date(1941, 3, 8), "in a tent", [], "living"),
        (datetime.date(1941, 3, 8), "alone", [{"name": "女儿", "phone": ""}], "contact-0-name"),
        (datetime.date(1941, 3, 8), "alone", [{"name": "女儿", "phone": "12"}], "contact-0-phone"),
    ],
)
def test_a_bad_registration_is_refused_on_its_field(
    personas, grandma, clock, birth_date, living, contacts, field
):
    grandma.birth_date = birth_date
    grandma.save()
    with pytest.raises(ValidationFailed) as refused:
        services.elder_register(
            actor=personas.community_staff_a, person=grandma, living=living, contacts=contacts
        )
    assert refused.value.field == field
    assert not Elder.objects.exists()


def test_sixty_on_the_day_is_an_elder(personas, grandma, clock):
    grandma.birth_date = datetime.date(1966, 12, 5)
    grandma.save()
    services.elder_register(actor=personas.community_staff_a, person=grandma, living="with_family")
    with pytest.raises(ValidationFailed):  # once
        services.elder_register(actor=personas.community_staff_a, person=grandma, living="alone")


def test_a_family_member_acts_for_the_elder_on_recorded_consent(personas, elder):
    daughter = make_user("13900001111", "黄小红")
    link = services.family_link_record(
        actor=personas.community_staff_a, elder=elder, phone="139 0000 1111", relation="女儿"
    )
    assert (link.user, link.consent_recorded_by) == (daughter, personas.community_staff_a)
    assert list(selectors.elders_acted_for(daughter)) == [elder]
    with pytest.raises(ValidationFailed):  # already linked
        services.family_link_record(
            actor=personas.community_staff_a, elder=elder, phone="13900001111", relation="女儿"
        )
    with pytest.raises(ValidationFailed):  # nobody has this number
        services.family_link_record(
            actor=personas.community_staff_a, elder=elder, phone="13900002222", relation="儿子"
        )
    # The daughter may stop acting for her mother herself; the link stays as history.
    services.family_link_end(actor=daughter, link=link)
    assert not selectors.elders_acted_for(daughter).exists()
    assert FamilyLink.objects.get().ended_at is not None
    # Someone else's link is not theirs to end.
    other = services.family_link_record(
        actor=personas.community_staff_a, elder=elder, phone="13900001111", relation="女儿"
    )
    with pytest.raises(NotFound):
        services.family_link_end(actor=personas.resident_b, link=other)


def test_an_assessment_is_scored_kept_and_replaced_by_the_next(personas, elder):
    staff = personas.community_staff_a
    first = services.assessment_record(
        actor=staff,
        elder=elder,
        reason="first",
        assessed_on=TODAY,
        answers=answers_totalling(70),
        risk_events=1,
    )
    assert (first.total, first.initial_level, first.level, first.override_reasons) == (
        70,
        1,
        1,
        [],
    )
    assert first.scale.code == "GBT42195-2022"
    # Two falls in the last month: one level worse than the score says.
    later = services.assessment_record(
        actor=staff,
        elder=elder,
        reason="immediate",
        assessed_on=TODAY,
        answers=answers_totalling(70),
        risk_events=2,
        conditions=["dementia"],
    )
    assert (later.level, later.override_reasons) == (2, ["dementia", "risk_events"])
    assert selectors.current_assessment(elder) == later
    with pytest.raises(ValueError):  # kept as made
        later.save()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "routine"}, "reason"),  # the first one must say so
        ({"reason": "sometimes"}, "reason"),
        ({"assessed_on": datetime.date(2026, 12, 6)}, "date"),  # tomorrow
        ({"risk_events": -1}, "risk_events"),
        ({"risk_events": "2"}, "risk_events"),
        ({"conditions": ["risk_events"]}, "conditions"),  # counted, not ticked
        ({"answers": {"eating": 4}}, "item-grooming"),
    ],
)
def test_a_bad_assessment_is_refused_on_its_field(personas, elder, changes, field):
    values = {
        "reason": "first",
        "assessed_on": TODAY,
        "answers": answers_totalling(80),
        "risk_events": 0,
        **changes,
    }
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_record(actor=personas.community_staff_a, elder=elder, **values)
    assert refused.value.field == field
    assert not Assessment.objects.exists()


def test_nobody_outside_the_home_assesses(personas, elder, community_staff_b):
    with pytest.raises(NotFound):
        services.assessment_record(
            actor=community_staff_b,
            elder=elder,
            reason="first",
            assessed_on=TODAY,
            answers=answers_totalling(80),
        )
    assert not Assessment.objects.exists()


def test_the_district_adopts_a_provinces_table_and_earlier_assessments_keep_theirs(
    admin_client, admin_user, personas, elder
):
    services.assessment_record(
        actor=personas.community_staff_a,
        elder=elder,
        reason="first",
        assessed_on=TODAY,
        answers=answers_totalling(70),
    )
    province = json.loads(DEFAULT_SCALE_FILE.read_text(encoding="utf-8"))
    # This province counts 65 as mild already.
    province["levels"][1]["min"], province["levels"][2]["max"] = 65, 64
    # Changing the table that scored an assessment is refused: a new version has a new code.
    with pytest.raises(ValidationFailed):
        services.scale_adopt(
            actor=admin_user, code="GBT42195-2022", name="广西", definition=province
        )
    broken = json.loads(json.dumps(province))
    broken["levels"].pop()
    response = admin_client.post(
        "/admin/eldercare/assessmentscale/add/",
        {"code": "GX-2025", "name": "广西版", "definition": json.dumps(broken)},
    )
    assert response.status_code == 200  # the form again, with what is wrong
    assert "不能使用" in response.content.decode()
    assert not AssessmentScale.objects.filter(code="GX-2025").exists()
    response = admin_client.post(
        "/admin/eldercare/assessmentscale/add/",
        {"code": "GX-2025", "name": "广西版", "definition": json.dumps(province)},
    )
    assert response.status_code == 302
    assert AssessmentScale.objects.get(is_current=True).code == "GX-2025"
    later = services.assessment_record(
        actor=personas.community_staff_a,
        elder=elder,
        reason="routine",
        assessed_on=TODAY,
        answers=answers_totalling(65),
    )
    assert (later.scale.code, later.level) == ("GX-2025", 1)
    assert Assessment.objects.get(reason="first").scale.code == "GBT42195-2022"
    # Only a superuser adopts a table.
    with pytest.raises(NotFound):
        services.scale_adopt(actor=personas.district_admin, code="X", name="X", definition=province)


def test_a_resident_with_no_home_recorded_is_not_registered_even_by_a_superuser(
    admin_user, grandma, clock
):
    grandma.home_place, grandma.home_place_path = None, ""
    grandma.save()
    with pytest.raises(ValidationFailed) as refused:
        services.elder_register(actor=admin_user, person=grandma, living="alone")
    assert refused.value.field == "person" and not Elder.objects.exists()
