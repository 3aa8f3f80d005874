"""宣讲点单 end to end: residents order topics once, a community requests a session, the team's
leader (a resident, no official role) schedules it as a lecture that delivers the orders of that
community and tells whoever placed them; attendance online and on site are the figures; orders
waiting too long are told to the street; bad input changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meihao.activities import qr
from meihao.activities.attendance import activity_finish, checkin_by_qr, checkin_online
from meihao.activities.models import Activity
from meihao.activities.services import may_organise, signup_create
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.insights.registry import REGISTRY, Span
from meihao.lectures import selectors, services
from meihao.lectures.models import Order, Request, Session, Topic
from meihao.notify.models import Message

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)  # a Monday


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=ZONE)


def _schedule(menu, request, **extra):
    fields = {
        "starts_at": _at(5, 15),
        "ends_at": _at(5, 16),
        "venue": "骑楼讲堂",
        "online_url": "https://live.example.cn/qilou",
    }
    fields.update(extra)
    return services.session_schedule(
        actor=menu.leader, topic=menu.topic, place=None, request=request, **fields
    )


def test_a_resident_orders_a_topic_once(menu, personas):
    order = services.order_place(actor=personas.resident_a, topic=menu.topic, note="想了解")
    assert order.community == personas.tree.community_a
    assert order.place_path == personas.tree.community_a.path
    with pytest.raises(ValidationFailed) as refused:
        services.order_place(actor=personas.resident_a, topic=menu.topic)
    assert refused.value.code == "ordered_already"
    with pytest.raises(ValidationFailed) as refused:
        services.order_place(actor=personas.resident_a, topic=menu.draft)
    assert refused.value.code == "not_published"
    with pytest.raises(ValidationFailed) as refused:
        services.order_place(actor=personas.outsider, topic=menu.topic)  # no home recorded
    assert refused.value.code in ("no_person", "no_community")
    assert Order.objects.count() == 1
    services.order_cancel(actor=personas.resident_a, order=order)
    assert not Order.objects.exists()


def test_a_community_requests_and_the_leader_schedules_and_the_orders_are_delivered(menu, personas):
    ordered_a = services.order_place(actor=personas.resident_a, topic=menu.topic)
    ordered_b = services.order_place(actor=personas.resident_b, topic=menu.topic)
    with pytest.raises(ValidationFailed):  # not their community
        services.request_create(
            actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_b
        )
    request = services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )
    told = Message.objects.filter(kind="lecture_request")
    assert list(told.values_list("recipient", flat=True)) == [menu.leader.pk]
    with pytest.raises(ValidationFailed) as refused:
        services.request_create(
            actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
        )
    assert refused.value.code == "requested_already"
    # Nobody but the team's leaders and the officials over it schedules.
    with pytest.raises(NotFound):
        services.session_schedule(
            actor=personas.resident_a,
            topic=menu.topic,
            place=None,
            request=request,
            starts_at=_at(5, 15),
            ends_at=_at(5, 16),
            venue="x",
        )
    session = _schedule(menu, request)
    activity = session.activity
    assert activity.kind == Activity.Kind.LECTURE and activity.status == Activity.Status.PUBLISHED
    assert activity.organiser_team == menu.team and activity.place == personas.tree.community_a
    assert may_organise(menu.leader, activity)  # the leader runs its QR screen and finish
    assert activity in Activity.objects.organised_by(menu.leader)
    request.refresh_from_db()
    assert request.status == Request.Status.SCHEDULED
    ordered_a.refresh_from_db()
    ordered_b.refresh_from_db()
    assert ordered_a.session == session and ordered_a.delivered_at == NOW
    assert ordered_b.session is None  # community B's waits for its own session
    scheduled = Message.objects.filter(kind="lecture_scheduled")
    assert set(scheduled.values_list("recipient", flat=True)) == {
        personas.resident_a.pk,
        personas.community_staff_a.pk,
    }
    with pytest.raises(IllegalTransition):  # a request is scheduled once
        _schedule(menu, request)
    assert Session.objects.count() == 1


def test_a_plain_team_member_does_not_organise(menu, personas):
    from meihao.people.models import TeamMember

    TeamMember.objects.create(team=menu.team, person=personas.resident_b.person)
    request = services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )
    activity = _schedule(menu, request).activity
    assert not may_organise(personas.resident_b, activity)
    assert not Activity.objects.organised_by(personas.resident_b).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": _at(5, 14)}, "ends_at"),
        ({"venue": "", "online_url": ""}, "venue"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_bad_schedules_are_refused_and_change_nothing(menu, personas, extra, field):
    services.order_place(actor=personas.resident_a, topic=menu.topic)
    request = services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )
    with pytest.raises(ValidationFailed) as refused:
        _schedule(menu, request, **extra)
    assert refused.value.field == field
    request.refresh_from_db()
    assert request.status == Request.Status.REQUESTED
    assert not Activity.objects.exists() and not Order.objects.filter(session__isnull=False)


def test_an_online_link_only_for_a_topic_given_online(menu, personas):
    Topic.objects.filter(pk=menu.topic.pk).update(online=False)
    menu.topic.refresh_from_db()
    request = services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )
    with pytest.raises(ValidationFailed) as refused:
        _schedule(menu, request)
    assert refused.value.field == "online_url"


def test_declining_tells_the_community_why(menu, personas):
    request = services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )
    with pytest.raises(ValidationFailed):
        services.request_decline(actor=menu.leader, request=request, reason=" ")
    services.request_decline(actor=menu.leader, request=request, reason="讲师本月外出")
    request.refresh_from_db()
    assert request.status == Request.Status.DECLINED
    message = Message.objects.get(kind="lecture_request_answered")
    assert message.recipient == personas.community_staff_a and "讲师本月外出" in message.body
    # Declined, the community may ask again.
    services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )


def test_attendance_online_and_on_site_are_the_figures(menu, personas):
    services.order_place(actor=personas.resident_a, topic=menu.topic)
    request = services.request_create(
        actor=personas.community_staff_a, topic=menu.topic, community=personas.tree.community_a
    )
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=ZONE), tick=False):
        services.order_place(actor=personas.volunteer_a, topic=menu.topic)
    activity = _schedule(menu, request).activity
    signup_create(actor=personas.resident_a, activity=activity)
    signup_create(actor=personas.volunteer_a, activity=activity)
    with time_machine.travel(_at(5, 15) + datetime.timedelta(minutes=5), tick=False):
        checkin_online(actor=personas.resident_a, activity=activity)
        token = qr.make_token(activity.pk, now=_at(5, 15) + datetime.timedelta(minutes=5))
        checkin_by_qr(actor=personas.volunteer_a, token=token, activity=activity)
    with time_machine.travel(_at(5, 16), tick=False):
        activity_finish(actor=menu.leader, activity=activity)
    span = Span.of(
        personas.tree.district.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    )
    assert REGISTRY["lecture_sessions"].measure(span).value == 1
    attendance = REGISTRY["lecture_attendance"]
    assert attendance.measure(span).value == 2
    methods = set(attendance.records(span).values_list("check_in_method", flat=True))
    assert methods == {"online", "qr"}
    assert REGISTRY["lecture_orders"].measure(span).value == 2
    assert REGISTRY["lecture_orders_delivered"].measure(span).value == 2
    # Ordered on 1 and 2 March, delivered on 2 March: (1 + 0) / 2 days.
    assert REGISTRY["lecture_order_days"].measure(span).value == 0.5
    outside = Span.of(
        personas.tree.street_b.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    )
    assert REGISTRY["lecture_attendance"].measure(outside).value == 0


def test_orders_waiting_too_long_are_told_to_the_street_once_a_week(menu, personas):
    with time_machine.travel(NOW - datetime.timedelta(weeks=5), tick=False):
        services.order_place(actor=personas.resident_a, topic=menu.topic)
    services.order_place(actor=personas.volunteer_a, topic=menu.topic)  # only just
    assert services.remind_orders_waiting(today=NOW.date()) == 1
    message = Message.objects.get(kind="lecture_orders_waiting")
    assert message.recipient == personas.street_chief_a
    assert "1" in message.subject
    assert services.remind_orders_waiting(today=NOW.date()) == 0  # this week's is sent
    programme = selectors.programme(
        personas.tree.street_a, NOW.date().replace(day=1), today=NOW.date()
    )
    assert [(w.topic, w.orders, w.waiting, w.overdue) for w in programme.wanted] == [
        (menu.topic, 2, 2, 1)
    ]
