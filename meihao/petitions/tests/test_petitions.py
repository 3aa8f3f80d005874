"""Online petitions (网络问政) on the case engine: routed by topic to the responsible body with
the limit of their kind; never pushed down from a department; sent back (退单) and dispatched
again; declined to their proper channel; merged; urged automatically when overdue; followed by a
query code; published with consent; bad input refused, changing nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from meihao.cases import services as case_services
from meihao.cases.models import Case, CaseType, Status
from meihao.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from meihao.notify.models import Message
from meihao.petitions import selectors, services
from meihao.petitions.models import Petition

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning in working hours (08:30–12:00, 14:30–17:30), so deadlines are plain to read.
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


def file(personas, *, actor=None, kind="complaint", topic="0101", **kwargs):
    return services.petition_file(
        actor=actor or personas.resident_a,
        kind=kind,
        topic=topic,
        title=kwargs.pop("title", "骑楼街占道经营"),
        body=kwargs.pop("body", "骑楼街口每天傍晚有摊贩占用人行道，行人只能走机动车道。"),
        **kwargs,
    )


def fresh(petition) -> Case:
    return Case.objects.get(pk=petition.case_id)


def test_a_department_topic_goes_straight_to_the_department_with_its_kinds_limit(personas, clock):
    complaint = file(personas)
    case = fresh(complaint)
    assert case.case_type.code == "PETITION" and case.number.startswith("WZ")
    assert case.status == Status.DISPATCHED
    assert case.assigned_organisation == personas.department
    assert case.data == {"kind": "complaint", "title": "骑楼街占道经营"}
    # A complaint is answered within 13 working days (Mon 2 Nov 09:00 → Thu 19 Nov 09:00).
    assert case.resolve_by == datetime(2026, 11, 19, 9, 0, tzinfo=SHANGHAI)
    enquiry = fresh(file(personas, kind="consult"))
    assert enquiry.resolve_by == datetime(2026, 11, 5, 9, 0, tzinfo=SHANGHAI)
    urgent = fresh(file(personas, kind="help", urgent=True))
    assert urgent.priority == "urgent"
    assert urgent.resolve_by == datetime(2026, 11, 2, 15, 30, tzinfo=SHANGHAI)  # the same day
    assert len(complaint.query_code) == 10


def test_a_local_topic_waits_for_the_community(personas, clock):
    petition = file(personas, topic="0601", kind="help", title="楼道灯坏了")
    case = fresh(petition)
    assert case.status == Status.SUBMITTED and case.assigned_organisation is None
    case_services.case_dispatch(
        case=case, actor=personas.community_staff_a, user=personas.community_staff_a
    )
    assert fresh(petition).assigned_user == personas.community_staff_a
    # Neither the grid worker nor the other street's residents read it.
    for outsider in (personas.grid_worker_a, personas.resident_b):
        assert not Case.objects.visible_to(outsider).filter(pk=case.pk).exists()


def test_sent_back_it_is_dispatched_again_but_never_down_to_a_street(personas, clock):
    petition = file(personas)
    case_services.case_return(
        case=fresh(petition), actor=personas.department_staff, reason="属于街道物业管理范围"
    )
    case = fresh(petition)
    assert case.status == Status.RETURNED
    with pytest.raises(ValidationFailed) as refused:
        case_services.case_dispatch(
            case=case, actor=personas.street_chief_a, user=personas.street_chief_a
        )
    assert "城管" in str(refused.value.message)
    assert fresh(petition).status == Status.RETURNED
    case_services.case_dispatch(
        case=fresh(petition), actor=personas.street_chief_a, organisation=personas.department
    )
    assert fresh(petition).status == Status.DISPATCHED


@pytest.mark.parametrize(
    ("channel", "named"),
    [
        ("xinfang", "信访"),
        ("litigation", "法院"),
        ("arbitration", "仲裁"),
        ("reconsideration", "复议"),
    ],
)
def test_matters_for_another_channel_are_declined_with_the_channel(personas, clock, channel, named):
    petition = file(personas, topic="0603", kind="consult")
    with pytest.raises(PermissionDenied):
        services.petition_decline(actor=personas.resident_a, case=fresh(petition), channel=channel)
    services.petition_decline(
        actor=personas.community_staff_a, case=fresh(petition), channel=channel
    )
    case = fresh(petition)
    assert case.status == Status.REJECTED
    petition.refresh_from_db()
    assert petition.declined_to == channel
    reason = selectors.last_note(case, "reject")
    assert named in reason
    told = Message.objects.filter(recipient=personas.resident_a).values_list("body", flat=True)
    assert any(reason in body for body in told)


def test_a_decline_needs_a_known_channel(personas, clock):
    petition = file(personas, topic="0603")
    with pytest.raises(ValidationFailed):
        services.petition_decline(
            actor=personas.community_staff_a, case=fresh(petition), channel="x"
        )
    assert fresh(petition).status == Status.SUBMITTED


def test_a_duplicate_is_merged_into_the_earlier_petition(personas, clock):
    first = file(personas, topic="0602", title="社区活动室开放时间")
    second = file(personas, actor=personas.volunteer_a, topic="0602", title="活动室何时开放")
    with pytest.raises(ValidationFailed):
        services.petition_merge(
            actor=personas.community_staff_a, case=fresh(second), original_number="WZ0000"
        )
    services.petition_merge(
        actor=personas.community_staff_a,
        case=fresh(second),
        original_number=fresh(first).number.lower(),
    )
    case = fresh(second)
    assert case.status == Status.DUPLICATE and case.duplicate_of_id == first.case_id


def test_overdue_petitions_are_urged_once_a_day(personas, clock):
    petition = file(personas, kind="consult")
    assert services.petitions_urge_overdue() == 0
    clock.move_to(MONDAY + timedelta(days=3, hours=1))  # Thursday 10:00: one hour late
    assert services.petitions_urge_overdue() == 1
    case = fresh(petition)
    assert case.urge_count == 1 and case.events.filter(action="urge").count() == 1
    urged = Message.objects.filter(recipient=personas.department_staff, kind="case_urged")
    assert urged.count() == 1
    assert services.petitions_urge_overdue() == 0  # once a day
    clock.move_to(MONDAY + timedelta(days=4, hours=2))
    assert services.petitions_urge_overdue() == 1
    assert fresh(petition).urge_count == 2
    # Replied, it is not urged any more.
    case_services.case_report_back(
        case=fresh(petition), actor=personas.department_staff, note="已约谈摊贩，每日巡查。"
    )
    clock.move_to(MONDAY + timedelta(days=6))
    assert services.petitions_urge_overdue() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "标" * 26}, "title"),
        ({"title": "  "}, "title"),
        ({"body": "字" * 601}, "body"),
        ({"body": ""}, "body"),
        ({"kind": "praise"}, "kind"),
        ({"topic": "ZZZZ"}, "topic"),
        ({"topic": "01"}, "topic"),  # an area, not a topic
        ({"topic": "0101" * 100}, "topic"),
    ],
)
def test_bad_input_is_refused_and_files_nothing(personas, clock, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        file(personas, **overrides)
    assert refused.value.field == field
    assert not Case.objects.exists() and not Petition.objects.exists()


def test_a_closed_channel_and_an_anonymous_caller_are_refused(personas, clock):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        file(personas, actor=AnonymousUser())
    CaseType.objects.filter(code="PETITION").update(is_active=False)
    with pytest.raises(ValidationFailed):
        file(personas)
    assert not Petition.objects.exists()


def test_the_query_code_follows_it_without_logging_in(client, personas, clock):
    cache.clear()
    petition = file(personas, anonymous=True)
    url = reverse("petitions:track")
    page = client.get(url, {"code": petition.query_code.lower()})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="tracked"' in html
    assert petition.title in html
    assert "居民甲" not in html and "摊贩占用人行道" not in html  # not who, not what they wrote
    case_services.case_report_back(
        case=fresh(petition), actor=personas.department_staff, note="已约谈摊贩，每日巡查。"
    )
    assert "已约谈摊贩" in client.get(url, {"code": petition.query_code}).content.decode()
    missing = client.get(url, {"code": "ABCDEFGHJK"})
    assert missing.status_code == 404 and 'id="track-error"' in missing.content.decode()
    assert client.get(url, {"code": "<script>"}).status_code == 404


def test_following_is_rate_limited(client, personas, clock, settings):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_track": (2, 600)}
    url = reverse("petitions:track")
    assert client.get(url, {"code": "ABCDEFGHJK"}).status_code == 404
    assert client.get(url, {"code": "ABCDEFGHJK"}).status_code == 404
    assert client.get(url, {"code": "ABCDEFGHJK"}).status_code == 429


def _replied_and_closed(personas, petition):
    case_services.case_report_back(
        case=fresh(petition),
        actor=personas.department_staff,
        note="经核查，已安排城管中队每日17时至20时在骑楼街口值守。",
    )
    case_services.case_verify_close(
        case=fresh(petition), actor=personas.community_staff_a, note="回访：居民表示已改善"
    )


def test_published_with_consent_only_and_found_by_search(client, personas, clock):
    consenting = file(personas, publish_consent=True)
    private = file(personas, title="不愿公开的问题")
    for petition in (consenting, private):
        _replied_and_closed(personas, petition)
    with pytest.raises(IllegalTransition):
        services.petition_publish(
            actor=personas.community_staff_a, case=fresh(private), question="问", answer="答"
        )
    with pytest.raises(PermissionDenied):
        services.petition_publish(
            actor=personas.resident_a, case=fresh(consenting), question="问", answer="答"
        )
    with pytest.raises(ValidationFailed):
        services.petition_publish(
            actor=personas.community_staff_a, case=fresh(consenting), question=" ", answer="答"
        )
    services.petition_publish(
        actor=personas.community_staff_a,
        case=fresh(consenting),
        question="骑楼街口傍晚有摊贩占道，行人不便。<script>alert(1)</script>",
        answer="已安排城管中队每日17时至20时值守。",
    )
    page = client.get(reverse("petitions:index"), {"q": "占道 值守"}).content.decode()
    assert "已安排城管中队" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    # Not anonymous: the family name only.
    assert "居**" in page and "居民甲" not in page
    Petition.objects.filter(pk=consenting.pk).update(anonymous=True)
    page = client.get(reverse("petitions:index")).content.decode()
    assert "居**" not in page and "匿名" in page
    assert "不愿公开" not in client.get(reverse("petitions:index")).content.decode()
    empty = client.get(reverse("petitions:index"), {"q": "不存在的词"}).content.decode()
    assert 'id="no-answers"' in empty
    services.petition_unpublish(actor=personas.community_staff_a, case=fresh(consenting))
    assert "已安排城管中队" not in client.get(reverse("petitions:index")).content.decode()


def test_the_form_files_a_petition_and_the_case_page_shows_its_panel(client, personas, clock):
    client.force_login(personas.resident_a)
    form = reverse("petitions:new")
    assert client.get(form).status_code == 200
    bad = client.post(form, {"kind": "complaint", "topic": "0101", "title": "长" * 26, "body": "x"})
    assert bad.status_code == 400 and not Petition.objects.exists()
    assert "25" in bad.content.decode()
    done = client.post(
        form,
        {
            "kind": "suggestion",
            "topic": "0602",
            "title": "<b>增设</b>长椅",
            "body": "建议在社区广场增设长椅。",
            "anonymous": "on",
        },
    )
    petition = Petition.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/{petition.case.number}/")
    html = client.get(done["Location"]).content.decode()
    assert "&lt;b&gt;增设&lt;/b&gt;长椅" in html and petition.query_code in html
    assert petition.anonymous and not petition.publish_consent
    # Staff read the panel without the query code, with the decline form.
    client.force_login(personas.community_staff_a)
    staff = client.get(done["Location"]).content.decode()
    assert 'id="petition-title"' in staff and petition.query_code not in staff
    assert 'data-action="decline"' in staff
    decline = reverse("petitions:decline", args=[petition.case.number])
    assert client.post(decline, {"channel": "nowhere"}).status_code == 400
    assert fresh(petition).status == Status.SUBMITTED
    client.force_login(personas.resident_b)
    assert client.post(decline, {"channel": "xinfang"}).status_code == 404
    assert fresh(petition).status == Status.SUBMITTED


def test_indicators_count_sent_and_replied_on_time(personas, clock):
    from meihao.insights.registry import REGISTRY, Span

    on_time = file(personas, kind="consult")
    late = file(personas, kind="consult")
    file(personas, kind="suggestion")
    case_services.case_report_back(case=fresh(on_time), actor=personas.department_staff, note="答")
    clock.move_to(MONDAY + timedelta(days=10))
    case_services.case_report_back(case=fresh(late), actor=personas.department_staff, note="答")
    span = Span.of(personas.tree.community_a.path, MONDAY.date(), (MONDAY + timedelta(10)).date())
    assert REGISTRY["petitions_sent"].measure(span).value == 3
    rate = REGISTRY["petition_reply_on_time_rate"].measure(span)
    assert (rate.numerator, rate.denominator) == (1, 2)
    record = REGISTRY["petitions_sent"].records(span)[0]
    assert REGISTRY["petitions_sent"].link(record) == f"/cases/{record.case.number}/"
    other = Span.of(personas.tree.community_b.path, MONDAY.date(), MONDAY.date())
    assert REGISTRY["petitions_sent"].measure(other).value == 0
