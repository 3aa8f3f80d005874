"""The lecture menu's figures, over a place and a period.

* lecture_sessions — lectures held (finished activities of kind `lecture`), from the menu or
  not: the Arcade Lecture Hall's 350+ sessions are these over the district since it opened.
* lecture_attendance — check-ins at them, on site (QR code, location, by the organiser) or
  online (joined through the platform), ranked by how: the 100,000+ attendances.
* lecture_orders — topics ordered (点单) by residents of the place in the period.
* lecture_orders_delivered — orders delivered in the period (a session of the topic was
  scheduled over the resident's community).
* lecture_order_days — of those, the mean days from the order to its session's scheduling.
* lecture_teams — the lecture teams (宣讲队伍) based in the place at the end of the period (the
  article's 30+), each linked to its topics on the menu.
"""

from django.db.models import IntegerField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.activities.indicators import (
    ACTIVITY_ROLLUP,
    ATTENDANCE_ROLLUP,
    SESSION_COLUMNS,
    attendances_at,
    sessions_held,
)
from meihao.activities.models import Activity, Attendance
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Measure,
    Ranking,
    Span,
    Unit,
    register,
)
from meihao.lectures.models import Order
from meihao.people.indicators import TEAM_COLUMNS, standing_teams
from meihao.people.models import Team

LECTURES = Capability("lectures", _("Lecture menu"), OFFICIALS)
LECTURE = (Activity.Kind.LECTURE,)
BY_TOPIC = Ranking(
    "topic", _("Topic"), key=Cast("topic_id", output_field=IntegerField()), name="topic__title"
)

register(
    Indicator(
        code="lecture_sessions",
        name=_("Lecture sessions"),
        definition=_("Lectures held in the place during the period, ordered or not."),
        unit=Unit.COUNT,
        capability=LECTURES,
        records=sessions_held(LECTURE),
        rollup=ACTIVITY_ROLLUP,
        columns=SESSION_COLUMNS,
        link=lambda a: reverse("activities:detail", args=[a.pk]),
    )
)
register(
    Indicator(
        code="lecture_attendance",
        name=_("Lecture attendance"),
        definition=_(
            "Check-ins at the lectures held in the place during the period: on site by QR "
            "code, location or the organiser, or online by joining through the platform."
        ),
        unit=Unit.COUNT,
        capability=LECTURES,
        records=attendances_at(LECTURE),
        rollup=ATTENDANCE_ROLLUP,
        columns=(
            Column(_("Lecture"), lambda a: a.signup.activity.title),
            Column(
                _("Checked in"), lambda a: f"{timezone.localtime(a.checked_in_at):%Y-%m-%d %H:%M}"
            ),
            Column(_("How"), lambda a: a.get_check_in_method_display()),
        ),
        link=lambda a: reverse("activities:detail", args=[a.signup.activity_id]),
        rankings=(
            Ranking(
                "method",
                _("How they attended"),
                key="check_in_method",
                name="check_in_method",
                shown=lambda method: str(Attendance.CheckInMethod(method).label),
            ),
        ),
    )
)


def orders_placed(span: Span):
    return (
        Order.objects.filter(
            place_path__startswith=span.place_path,
            ordered_at__gte=span.start,
            ordered_at__lt=span.end,
        )
        .select_related("topic__team", "community")
        .order_by("-ordered_at", "-pk")
    )


def orders_delivered(span: Span):
    return (
        Order.objects.filter(
            place_path__startswith=span.place_path,
            delivered_at__gte=span.start,
            delivered_at__lt=span.end,
        )
        .select_related("topic__team", "community")
        .order_by("-delivered_at", "-pk")
    )


def mean_days_to_delivery(span: Span) -> Measure:
    pairs = list(orders_delivered(span).values_list("ordered_at", "delivered_at"))
    if not pairs:
        return Measure(value=None, numerator=0, denominator=0)
    days = sum(max(0, (delivered - ordered).days) for ordered, delivered in pairs)
    return Measure(value=round(days / len(pairs), 1), numerator=days, denominator=len(pairs))


ORDER_COLUMNS = (
    Column(_("Topic"), lambda o: o.topic.title),
    Column(_("Lecture team"), lambda o: o.topic.team.name),
    Column(_("Community"), lambda o: o.community.name),
    Column(_("Ordered on"), lambda o: f"{timezone.localtime(o.ordered_at):%Y-%m-%d}"),
    Column(
        _("Delivered on"),
        lambda o: f"{timezone.localtime(o.delivered_at):%Y-%m-%d}" if o.delivered_at else "",
    ),
)


def _topic_link(order) -> str:
    return reverse("lectures:topic", args=[order.topic_id])


register(
    Indicator(
        code="lecture_orders",
        name=_("Lecture topics ordered"),
        definition=_("Orders (点单) of lecture topics by residents of the place in the period."),
        unit=Unit.COUNT,
        capability=LECTURES,
        records=orders_placed,
        columns=ORDER_COLUMNS,
        link=_topic_link,
        rankings=(BY_TOPIC,),
    )
)
register(
    Indicator(
        code="lecture_orders_delivered",
        name=_("Lecture orders delivered"),
        definition=_(
            "Orders of residents of the place delivered in the period: a session of the topic "
            "was scheduled over their community."
        ),
        unit=Unit.COUNT,
        capability=LECTURES,
        records=orders_delivered,
        columns=ORDER_COLUMNS,
        link=_topic_link,
        rankings=(BY_TOPIC,),
    )
)
register(
    Indicator(
        code="lecture_order_days",
        name=_("Days from order to lecture"),
        definition=_(
            "Of the orders delivered in the period, the mean number of days from the order to "
            "the scheduling of its session."
        ),
        unit=Unit.DAYS,
        capability=LECTURES,
        records=orders_delivered,
        value=mean_days_to_delivery,
        higher_is_better=False,
        columns=ORDER_COLUMNS,
        link=_topic_link,
    )
)
register(
    Indicator(
        code="lecture_teams",
        name=_("Lecture teams"),
        definition=_(
            "Lecture teams (宣讲队伍) that publish topics on the menu, based in the place at the "
            "end of the period."
        ),
        unit=Unit.COUNT,
        capability=LECTURES,
        records=standing_teams(Team.Kind.LECTURE),
        columns=TEAM_COLUMNS,
        link=lambda t: f"{reverse('lectures:menu')}?team={t.pk}",
    )
)
