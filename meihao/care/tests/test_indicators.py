"""Home care's figures, from the orders: December's three lunches for 黄阿婆."""

import datetime

from meihao.care.models import CareOrder
from meihao.cases.services import case_rate
from meihao.insights.registry import REGISTRY, Span, ranked

DECEMBER = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


def test_the_figures_count_the_services_the_elders_and_the_money(personas, december, daughter):
    late = december[2]
    CareOrder.objects.filter(pk=late.pk).update(
        checked_in_at=late.starts_at + datetime.timedelta(minutes=40)
    )
    case_rate(case=december[0].case, actor=daughter, score=5)
    case_rate(case=december[1].case, actor=daughter, score=2)
    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    assert REGISTRY["care_services"].measure(span).value == 3
    assert REGISTRY["care_elders_served"].measure(span).value == 1
    on_time = REGISTRY["care_on_time_rate"].measure(span)
    assert (on_time.numerator, on_time.denominator) == (2, 3)
    confirmed = REGISTRY["care_confirmed_rate"].measure(span)
    assert (confirmed.numerator, confirmed.denominator) == (3, 3)
    satisfied = REGISTRY["care_satisfaction_rate"].measure(span)
    assert (satisfied.numerator, satisfied.denominator) == (1, 2)
    assert REGISTRY["care_subsidy_spent"].measure(span).value == 18.0
    assert REGISTRY["care_providers_active"].measure(span).value == 1
    # By family and by 医养娱教: all three are meals (助餐), daily care (养).
    indicator = REGISTRY["care_services"]
    families = ranked(indicator, indicator.ranking("family"), span)
    assert [(row["name"], row["measure"].value) for row in families] == [("助餐", 3)]
    kinds = ranked(indicator, indicator.ranking("kind"), span)
    assert [(row["name"], row["measure"].value) for row in kinds] == [("养", 3)]
    record = indicator.records(span).first()
    assert indicator.link(record) == f"/care/orders/{record.case.number}/"
    assert indicator.columns[3].value(record) == "黄**"
    # Another community, or November: none of them.
    other = Span.of(personas.tree.community_b.path, *DECEMBER)
    assert REGISTRY["care_services"].measure(other).value == 0
    november = Span.of(
        personas.tree.community_a.path, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    )
    assert REGISTRY["care_services"].measure(november).value == 0


def test_recreation_and_classes_count_the_elders_attendances_by_kind(
    personas, elder, grandma_user, daughter
):
    from meihao.activities.models import Activity, Attendance, SignUp
    from meihao.care.tests.conftest import SHANGHAI

    community = personas.tree.community_a

    def attended(kind, title, person, day):
        starts = datetime.datetime(2026, 12, day, 15, 0, tzinfo=SHANGHAI)
        activity = Activity.objects.create(
            kind=kind,
            title=title,
            place=community,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            capacity=30,
            status=Activity.Status.FINISHED,
            created_by=personas.community_staff_a,
        )
        signup = SignUp.objects.create(
            activity=activity, person=person, status=SignUp.Status.CONFIRMED
        )
        return Attendance.objects.create(
            signup=signup, checked_in_at=starts, check_in_method=Attendance.CheckInMethod.STAFF
        )

    grandma = elder.person
    attended(Activity.Kind.CULTURAL_EVENT, "粤剧欣赏", grandma, 3)
    attended(Activity.Kind.LECTURE, "防诈骗讲座", grandma, 10)
    attended(Activity.Kind.LECTURE, "智能手机课", grandma, 17)
    # Not counted: her daughter is no elder; a patrol is no 娱/教 item; November's is outside.
    attended(Activity.Kind.LECTURE, "防诈骗讲座", daughter.person, 10)
    attended(Activity.Kind.PATROL_SHIFT, "巡逻", grandma, 11)
    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    indicator = REGISTRY["care_activities_attended"]
    assert indicator.measure(span).value == 3
    kinds = ranked(indicator, indicator.ranking("kind"), span)
    assert [(row["name"], row["measure"].value) for row in kinds] == [("教", 2), ("娱", 1)]
    record = indicator.records(span).first()
    assert [c.value(record) for c in indicator.columns][2:] == ["教", "黄**"]
    assert indicator.link(record) == f"/activities/{record.signup.activity_id}/"
    other = Span.of(personas.tree.community_b.path, *DECEMBER)
    assert indicator.measure(other).value == 0


def test_the_calls_of_a_day_count_those_due_and_those_served(
    personas, december, elder, meal, cook, grandma_user, time_machine
):
    """A day's home-care calls (the wall's 今日上门服务): the orders whose service starts that
    day, less those cancelled ahead of time; done, those the provider checked out of."""
    from meihao.care import services
    from meihao.care.tests.conftest import HOME, SHANGHAI, lunch_on

    day = datetime.date(2026, 12, 9)
    time_machine.move_to(datetime.datetime(2026, 12, 9, 8, 0, tzinfo=SHANGHAI), tick=False)
    served = lunch_on(day, elder=elder, meal=meal, actor=grandma_user)
    waiting = services.order_place(
        actor=grandma_user,
        elder=elder,
        service=meal,
        starts_at=datetime.datetime(2026, 12, 9, 17, 30, tzinfo=SHANGHAI),
    )
    cancelled = services.order_place(
        actor=grandma_user,
        elder=elder,
        service=meal,
        starts_at=datetime.datetime(2026, 12, 9, 18, 0, tzinfo=SHANGHAI),
    )
    services.order_cancel(actor=grandma_user, order=cancelled, reason="家里有人做饭")
    time_machine.move_to(datetime.datetime(2026, 12, 9, 11, 30, tzinfo=SHANGHAI), tick=False)
    services.order_take(actor=cook, order=served)
    services.order_check_in(actor=cook, order=served, lat=HOME[0], lon=HOME[1])
    services.order_check_out(actor=cook, order=served, lat=HOME[0], lon=HOME[1])
    indicator = REGISTRY["care_calls_done_rate"]
    span = Span.of(personas.tree.community_a.path, day, day)
    calls = indicator.measure(span)
    assert (calls.numerator, calls.denominator) == (1, 2)
    records = {order.pk: order.in_numerator for order in indicator.records(span)}
    assert records == {served.pk: True, waiting.pk: False}
    # A provider that took a call and was cancelled once late still missed a call due.
    services.order_take(actor=cook, order=waiting)
    time_machine.move_to(datetime.datetime(2026, 12, 9, 18, 0, tzinfo=SHANGHAI), tick=False)
    services.order_cancel(actor=grandma_user, order=waiting, reason="等不到人")
    calls = indicator.measure(span)
    assert (calls.numerator, calls.denominator) == (1, 2)
    # Over the month: December's three lunches served, and this day's two calls.
    month = indicator.measure(Span.of(personas.tree.community_a.path, *DECEMBER))
    assert (month.numerator, month.denominator) == (4, 5)
    assert indicator.link(indicator.records(span).first()).startswith("/care/orders/")
