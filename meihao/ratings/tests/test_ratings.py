"""好差评: a 差评 of a petition or an application opens a rectification for the body rated, due
in the configured working days, closed by the rater's verdict or a call-back on their behalf;
the body may appeal and the district decides; services left unrated are invited to be rated."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from meihao.cases import services as case_services
from meihao.cases.models import Case, Status
from meihao.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from meihao.egov import services as egov
from meihao.egov.tests.test_applications import file as file_application
from meihao.egov.tests.test_applications import fresh as fresh_application
from meihao.egov.tests.test_applications import item
from meihao.notify.models import Message
from meihao.petitions.tests.test_petitions import MONDAY, SHANGHAI, file, fresh
from meihao.ratings import services
from meihao.ratings.models import AppealStatus, Rectification


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


def closed_petition(personas):
    petition = file(personas)
    case_services.case_report_back(
        case=fresh(petition), actor=personas.department_staff, note="已安排值守。"
    )
    case_services.case_verify_close(
        case=fresh(petition), actor=personas.community_staff_a, note="回访：已告知"
    )
    return fresh(petition)


def rate(personas, case, score, comment="还是有人占道"):
    return case_services.case_rate(
        case=case, actor=personas.resident_a, score=score, comment=comment
    )


def test_a_poor_rating_opens_a_rectification_for_the_body_rated(personas, clock):
    rated = closed_petition(personas)
    rating = rate(personas, rated, 2)
    rectification = Rectification.objects.get()
    assert rectification.rating == rating and rectification.rated_case == rated
    case = rectification.case
    assert case.case_type.code == "RECTIFY" and case.number.startswith("ZG")
    assert case.status == Status.DISPATCHED
    assert case.assigned_organisation == personas.department
    assert rated.number in case.description and "还是有人占道" in case.description
    # Five working days from Monday 09:00.
    assert case.resolve_by == datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI)
    told = Message.objects.filter(recipient=personas.department_staff, kind="case_dispatched")
    assert told.filter(target_id=str(case.pk), link__contains=case.number).exists()


def test_satisfied_ratings_open_nothing(personas, clock):
    for score in (3, 4, 5):
        rate(personas, closed_petition(personas), score)
    assert not Rectification.objects.exists()


def test_the_deadline_is_configurable(personas, clock, settings):
    settings.RATING_RECTIFY_DAYS = 2
    rate(personas, closed_petition(personas), 1)
    case = Rectification.objects.get().case
    assert case.resolve_by == datetime(2026, 11, 4, 9, 0, tzinfo=SHANGHAI)


def test_the_rater_judges_the_fix_and_the_community_closes_it_after_a_call_back(personas, clock):
    rate(personas, closed_petition(personas), 1)
    case = Rectification.objects.get().case
    case_services.case_report_back(case=case, actor=personas.department_staff, note="已加派人手")
    case = Case.objects.get(pk=case.pk)
    # The rater is not satisfied: it goes back to the body.
    case_services.case_reopen(case=case, actor=personas.resident_a, reason="晚上还是有摊贩")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.REOPENED
    case_services.case_report_back(case=case, actor=personas.department_staff, note="延长值守")
    case_services.case_verify_close(
        case=Case.objects.get(pk=case.pk),
        actor=personas.community_staff_a,
        note="回访：居民表示已整改到位",
    )
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_the_body_appeals_and_the_district_decides(personas, clock):
    rate(personas, closed_petition(personas), 1)
    first = Rectification.objects.get().case
    with pytest.raises(PermissionDenied):
        services.rectification_appeal(actor=personas.resident_a, case=first, reason="x")
    with pytest.raises(ValidationFailed):
        services.rectification_appeal(actor=personas.department_staff, case=first, reason=" ")
    services.rectification_appeal(
        actor=personas.department_staff, case=first, reason="评价针对的是物业，不属本单位"
    )
    with pytest.raises(IllegalTransition):
        services.rectification_appeal(actor=personas.department_staff, case=first, reason="再次")
    assert Message.objects.filter(recipient=personas.district_admin, kind="rating_appeal").exists()
    with pytest.raises(PermissionDenied):
        services.rectification_review(
            actor=personas.street_chief_a, case=first, upheld=True, note="同意"
        )
    services.rectification_review(
        actor=personas.district_admin, case=Case.objects.get(pk=first.pk), upheld=True, note="属实"
    )
    rectification = Rectification.objects.get(case=first)
    assert rectification.appeal_status == AppealStatus.UPHELD
    assert Case.objects.get(pk=first.pk).status == Status.VOID
    with pytest.raises(IllegalTransition):
        services.rectification_review(
            actor=personas.district_admin, case=first, upheld=False, note="再审"
        )

    # Dismissed, the rectification goes on.
    case_services.case_rate(
        case=closed_petition(personas), actor=personas.resident_a, score=2, comment=""
    )
    second = Rectification.objects.exclude(case=first).get().case
    services.rectification_appeal(actor=personas.department_staff, case=second, reason="已处理")
    services.rectification_review(
        actor=personas.district_admin, case=second, upheld=False, note="居民反映属实"
    )
    assert Rectification.objects.get(case=second).appeal_status == AppealStatus.DISMISSED
    assert Case.objects.get(pk=second.pk).status == Status.DISPATCHED


def test_an_application_is_rated_on_its_page_and_a_poor_rating_rectified(client, personas, clock):
    it = item(personas, "department:decide", certificate="childbirth", level="district")
    application = file_application(personas, it)
    egov.application_take_in(actor=personas.department_staff, case=fresh_application(application))
    egov.application_decide(
        actor=personas.department_staff, case=fresh_application(application), approve=True
    )
    number = application.case.number
    client.force_login(personas.resident_a)
    page = client.get(reverse("egov:detail", args=[number])).content.decode()
    assert 'id="rate-form"' in page
    bad = client.post(reverse("cases:rate", args=[number]), {"score": "9"})
    assert bad.status_code == 400 and not Rectification.objects.exists()
    done = client.post(reverse("cases:rate", args=[number]), {"score": "1", "comment": "跑了三趟"})
    assert done.status_code == 302 and done["Location"] == reverse("egov:detail", args=[number])
    case = Rectification.objects.get().case
    assert case.assigned_organisation == personas.department

    # The rectification's page: the body may appeal, the district reviews.
    client.force_login(personas.department_staff)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="rectification"' in page and 'id="appeal-form"' in page and number in page
    appeal = reverse("ratings:appeal", args=[case.number])
    assert client.post(appeal, {"reason": ""}).status_code == 400
    assert client.post(appeal, {"reason": "<b>材料不全</b>"}).status_code == 302
    client.force_login(personas.district_admin)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="review-form"' in page and "&lt;b&gt;材料不全&lt;/b&gt;" in page
    client.force_login(personas.resident_b)
    assert (
        client.post(reverse("ratings:review", args=[case.number]), {"note": "x"}).status_code == 404
    )


def test_services_left_unrated_are_invited_once(personas, clock):
    unrated = closed_petition(personas)
    rated = closed_petition(personas)
    rate(personas, rated, 5)
    assert services.rating_invitations() == 0  # closed today
    clock.move_to(MONDAY + timedelta(days=3, minutes=1))
    assert services.rating_invitations() == 1
    services.rating_invitations()
    invited = Message.objects.filter(recipient=personas.resident_a, kind="rating_invitation")
    assert invited.count() == 1 and unrated.number in invited.get().body
    clock.move_to(MONDAY + timedelta(days=30))
    assert services.rating_invitations() == 0  # long ago: not brought up again


def test_indicators_satisfaction_and_rectified_on_time(personas, clock):
    from meihao.insights.registry import REGISTRY, Span

    for score in (5, 4, 1):
        rate(personas, closed_petition(personas), score)
    mistaken = closed_petition(personas)
    rate(personas, mistaken, 2)
    appealed = Rectification.objects.get(rated_case=mistaken).case
    services.rectification_appeal(actor=personas.department_staff, case=appealed, reason="误评")
    services.rectification_review(
        actor=personas.district_admin, case=appealed, upheld=True, note="属实"
    )
    on_time = Rectification.objects.get(rating__score=1).case
    case_services.case_report_back(case=on_time, actor=personas.department_staff, note="已整改")
    case_services.case_verify_close(
        case=Case.objects.get(pk=on_time.pk), actor=personas.resident_a, note="满意"
    )
    span = Span.of(personas.tree.community_a.path, MONDAY.date(), MONDAY.date())
    satisfaction = REGISTRY["service_satisfaction"].measure(span)
    assert (satisfaction.numerator, satisfaction.denominator) == (2, 3)  # the upheld one left out
    rectified = REGISTRY["rectification_on_time_rate"].measure(span)
    assert (rectified.numerator, rectified.denominator) == (1, 1)
    record = REGISTRY["service_satisfaction"].records(span)[0]
    assert REGISTRY["service_satisfaction"].link(record) == f"/cases/{record.case.number}/"


def test_satisfaction_is_ranked_by_body_item_and_community_each_linking_its_records(
    client, personas, clock
):
    from meihao.insights.registry import REGISTRY, Span, ranked

    for score in (5, 1):
        rate(personas, closed_petition(personas), score)
    it = item(personas, "department:decide", certificate="childbirth", level="district")
    application = file_application(personas, it)
    egov.application_take_in(actor=personas.department_staff, case=fresh_application(application))
    egov.application_decide(
        actor=personas.department_staff, case=fresh_application(application), approve=True
    )
    rate(personas, fresh_application(application), 5)

    indicator = REGISTRY["service_satisfaction"]
    span = Span.of(personas.tree.community_a.path, MONDAY.date(), MONDAY.date())
    by_body = ranked(indicator, indicator.ranking("body"), span)
    # The application's implementing body first (1 of 1), the department petitions went to
    # after it (1 of 2).
    assert [(row["name"], row["measure"].value) for row in by_body] == [
        (it.implementing_body, 100.0),
        (personas.department.name, 50.0),
    ]
    by_item = {
        row["name"]: row["measure"].denominator
        for row in ranked(indicator, indicator.ranking("item"), span)
    }
    assert by_item[it.name] == 1 and sum(by_item.values()) == 3
    by_community = ranked(indicator, indicator.ranking("community"), span)
    assert [(row["name"], row["measure"].denominator) for row in by_community] == [
        (personas.tree.community_a.name, 3)
    ]

    client.force_login(personas.district_admin)
    url = reverse("insights:indicator", args=["service_satisfaction"])
    day = MONDAY.date().isoformat()
    query = {"place": personas.tree.community_a.code, "start": day, "end": day}
    page = client.get(url, {**query, "by": "body"})
    assert page.status_code == 200
    assert [row["name"] for row in page.context["ranked"].rows] == [
        it.implementing_body,
        personas.department.name,
    ]
    one = client.get(url, {**query, "by": "body", "group": personas.department.name})
    numbers = {row["cells"][0] for row in one.context["rows"]}
    assert len(numbers) == 2 and application.case.number not in numbers
    assert one.context["page"].paginator.count == 2
    for bad, words in (
        ({"by": "nonsense"}, "没有这种排名"),
        ({"by": "body", "group": "长" * 201}, "没有这个分组"),
    ):
        refused = client.get(url, {**query, **bad})
        assert refused.status_code == 400 and words in refused.content.decode()
    # A figure without rankings says so rather than ignoring the parameters.
    from meihao.insights.registry import REGISTRY as ALL

    assert not ALL["service_items"].rankings
    plain = reverse("insights:indicator", args=["service_items"])
    refused = client.get(plain, {**query, "by": "body"})
    assert refused.status_code == 400 and "这个指标没有排名" in refused.content.decode()
