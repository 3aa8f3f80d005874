"""Volunteering figures in the indicator registry, over a place subtree (where the service was
done) and a period of service dates.

* service_hours — hours served (reversals included: a reversed record counts zero).
* active_volunteers — people whose service in the period adds up to more than nothing.
* volunteer_services — services done (志愿服务人次): records, net of their reversals.
* legal_education_sessions / legal_education_attendance, joint_patrols, red_armband_patrol_hours
  and red_armband_volunteers — the safe-community pillar's activities, by kind.
* activities_on — published or held activities of any kind starting in the period (the wall
  screen's activities of the day).
"""

from collections.abc import Callable

from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Sign
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.activities.models import Activity, Attendance, ServiceRecord
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Measure,
    Rollup,
    Span,
    Unit,
    hours_measure,
    hours_of,
    register,
)
from meihao.people.models import Person
from meihao.people.selectors import team_and_below

VOLUNTEERING = Capability("volunteering", _("Volunteering"), OFFICIALS)


def by_team(span: Span, activity: str = "") -> Q:
    """Of the span's team, when it names one: the activities (at `activity`, a path to one)
    organised by it or a team under it."""
    if span.team is None:
        return Q()
    return Q(**{f"{activity}organiser_team__in": team_and_below(span.team)})


def _in_span(span: Span, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}place_path__startswith": span.place_path,
            f"{prefix}service_date__gte": span.first_day,
            f"{prefix}service_date__lte": span.last_day,
        }
    ) & by_team(span, f"{prefix}activity__")


def service_records(span: Span):
    return (
        ServiceRecord.objects.filter(_in_span(span))
        .select_related("person", "place")
        .order_by("-service_date", "-pk")
    )


def _served(records) -> QuerySet:
    """The people whose service `records` add up to more than nothing, one row each."""
    return records.values("person").annotate(total=Sum("minutes")).filter(total__gt=0)


def people_served(records: Callable[[Span], QuerySet]) -> Callable[[Span], Measure]:
    """How many people served, counted over the span's service records in one grouped query
    (not over the listed people, each joined again to their records for their minutes)."""

    def value(span: Span) -> Measure:
        n = _served(records(span).order_by()).count()
        return Measure(value=n, numerator=n, denominator=None)

    return value


def _service_of(span: Span):
    return ServiceRecord.objects.filter(_in_span(span))


def active_volunteers(span: Span):
    """The people who served, with their net minutes in the span (`span_minutes`). Their
    records are joined on the span's condition, not filtered after the join: a person's
    records of every year joined took a tenth of the city's month 3.3 s, joined on the span
    0.5 s."""
    people = Person.objects.filter(pk__in=_served(_service_of(span)).values("person"))
    if span.team is None:
        span_records = FilteredRelation(
            "service_records", condition=_in_span(span, "service_records__")
        )
        people = people.annotate(span_records=span_records).annotate(
            span_minutes=Sum("span_records__minutes")
        )
    else:
        # A FilteredRelation's condition cannot reach through a record's activity to its team.
        people = people.annotate(
            span_minutes=Sum("service_records__minutes", filter=_in_span(span, "service_records__"))
        )
    return people.select_related("home_place").order_by("-span_minutes", "pk")


# A service record's date, volunteer, place and minutes, each one field (an export reads them as
# values: a city's month is half a million records).
SERVICE_COLUMNS = (
    Column(_("Service date"), field="service_date", shown=lambda day: day.isoformat()),
    Column(_("Volunteer"), field="person__real_name"),
    Column(_("Place"), field="place__name"),
    Column(_("Minutes"), field="minutes"),
)


# Summed from rollup rows (insights.rollups): a record's minutes on its service day and place.
SERVICE_ROLLUP = Rollup(
    day="service_date",
    place="place_path",
    sources=(("activities.ServiceRecord", "service_date"),),
    amount="minutes",
    finish=lambda minutes, _none: hours_measure(minutes),
)

register(
    Indicator(
        code="service_hours",
        name=_("Volunteer service hours"),
        definition=_(
            "Hours of volunteer service done in the place on service days in the period; a "
            "corrected record counts once, net of its reversal."
        ),
        unit=Unit.HOURS,
        capability=VOLUNTEERING,
        by_team=True,
        records=service_records,
        value=hours_of(service_records),
        rollup=SERVICE_ROLLUP,
        columns=(
            *SERVICE_COLUMNS[:3],
            Column(_("Service content"), field="content"),
            SERVICE_COLUMNS[3],
        ),
        link=lambda r: reverse("people:detail", args=[r.person_id]),
    )
)


def services_done(span: Span) -> Measure:
    """A record counts one, its reversal minus one: a corrected service counts once."""
    n = service_records(span).order_by().aggregate(n=Sum(Sign("minutes")))["n"] or 0
    return Measure(value=n, numerator=n, denominator=None)


register(
    Indicator(
        code="volunteer_services",
        name=_("Volunteer services"),
        definition=_(
            "Times volunteers served in the place on service days in the period (志愿服务人次): "
            "each service record counts once; a corrected record counts once, net of its "
            "reversal."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        by_team=True,
        records=service_records,
        value=services_done,
        # Unlike the people who served, additive over days and places: the wall shows it.
        rollup=Rollup(
            day="service_date",
            place="place_path",
            sources=SERVICE_ROLLUP.sources,
            amount=Sign("minutes"),
            finish=lambda n, _none: Measure(value=int(n), numerator=int(n), denominator=None),
        ),
        columns=(
            *SERVICE_COLUMNS[:3],
            Column(_("Service content"), field="content"),
            SERVICE_COLUMNS[3],
        ),
        link=lambda r: reverse("people:detail", args=[r.person_id]),
    )
)
register(
    Indicator(
        code="active_volunteers",
        name=_("Active volunteers"),
        definition=_(
            "People whose volunteer service in the place on service days in the period adds "
            "up to more than nothing."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        by_team=True,
        records=active_volunteers,
        value=people_served(_service_of),
        columns=(
            Column(_("Volunteer"), field="real_name"),
            Column(_("Community or grid"), field="home_place__name"),
            Column(_("Minutes"), field="span_minutes"),
        ),
        link=lambda p: reverse("people:detail", args=[p.pk]),
    )
)


# --- 平安: patrols and legal education, by activity kind --------------------------------------
PATROL_KINDS = (Activity.Kind.PATROL_SHIFT, Activity.Kind.JOINT_PATROL)


def _held(span: Span, kinds) -> Q:
    return Q(
        kind__in=kinds,
        status=Activity.Status.FINISHED,
        place_path__startswith=span.place_path,
        starts_at__gte=span.start,
        starts_at__lt=span.end,
    )


def sessions_held(kinds):
    """The records of the finished activities of `kinds` in the place and period, with how
    many attended each."""

    def records(span: Span):
        return (
            Activity.objects.filter(_held(span, kinds))
            .annotate(attended=Count("signups__attendance"))
            .select_related("place")
            .order_by("-starts_at", "-pk")
        )

    return records


def attendances_at(kinds):
    """The records of the check-ins at the finished activities of `kinds` held in the place and
    period (on site or joined online: each check-in method counts)."""

    def records(span: Span):
        return (
            Attendance.objects.filter(
                signup__activity__in=Activity.objects.filter(_held(span, kinds))
            )
            .select_related("signup__activity", "signup__person")
            .order_by("-checked_in_at", "-pk")
        )

    return records


# The check-ins counted on their activity's local day and place (attendances_at): a check-in
# comes or goes, or its activity moves, finishes or is cancelled.
ATTENDANCE_ROLLUP = Rollup(
    day="signup__activity__starts_at",
    place="signup__activity__place_path",
    sources=(
        ("activities.Attendance", "signup__activity__starts_at"),
        ("activities.Activity", "starts_at"),
    ),
)


# Counted from rollup rows: an activity on the day it starts, at its place (its status is saved
# with it: publishing, cancelling or finishing it marks its day).
ACTIVITY_ROLLUP = Rollup(
    day="starts_at", place="place_path", sources=(("activities.Activity", "starts_at"),)
)


def patrol_service(span: Span):
    """Service records of the red-armband patrols and joint patrols done in the place."""
    return service_records(span).filter(activity__kind__in=PATROL_KINDS)


def patrol_volunteers(span: Span):
    return (
        Person.objects.filter(pk__in=_served(patrol_service(span)).values("person"))
        .select_related("home_place")
        .order_by("pk")
    )


SESSION_COLUMNS = (
    Column(_("Starts"), lambda a: f"{timezone.localtime(a.starts_at):%Y-%m-%d %H:%M}"),
    Column(_("Title"), lambda a: a.title),
    Column(_("Place"), lambda a: a.place.name),
    Column(_("Attended"), lambda a: a.attended),
)


def _activity_link(activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


register(
    Indicator(
        code="legal_education_sessions",
        name=_("Legal-education sessions"),
        definition=_("Legal-education sessions held in the place during the period."),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=sessions_held((Activity.Kind.LEGAL_EDUCATION,)),
        rollup=ACTIVITY_ROLLUP,
        columns=SESSION_COLUMNS,
        link=_activity_link,
    )
)
register(
    Indicator(
        code="legal_education_attendance",
        name=_("Attendance at legal-education sessions"),
        definition=_(
            "Check-ins at the legal-education sessions held in the place during the period."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=attendances_at((Activity.Kind.LEGAL_EDUCATION,)),
        rollup=ATTENDANCE_ROLLUP,
        columns=(
            Column(_("Session"), lambda a: a.signup.activity.title),
            Column(
                _("Checked in"), lambda a: f"{timezone.localtime(a.checked_in_at):%Y-%m-%d %H:%M}"
            ),
        ),
        link=lambda a: reverse("activities:detail", args=[a.signup.activity_id]),
    )
)
register(
    Indicator(
        code="joint_patrols",
        name=_("Joint police–resident patrols"),
        definition=_(
            "Joint patrols of the community police and residents held in the place "
            "during the period."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=sessions_held((Activity.Kind.JOINT_PATROL,)),
        columns=SESSION_COLUMNS,
        link=_activity_link,
    )
)
register(
    Indicator(
        code="red_armband_patrol_hours",
        name=_("Red-armband patrol hours"),
        definition=_(
            "Hours the red armbands and residents served on patrol shifts and joint patrols in "
            "the place during the period."
        ),
        unit=Unit.HOURS,
        capability=VOLUNTEERING,
        by_team=True,
        records=patrol_service,
        value=hours_of(patrol_service),
        # Summed from rollup rows: the patrols' records on their service day and place (an
        # activity's kind is what puts its records in).
        rollup=Rollup(
            day="service_date",
            place="place_path",
            sources=(
                ("activities.ServiceRecord", "service_date"),
                ("activities.Activity", "service_records__service_date"),
            ),
            amount="minutes",
            finish=lambda minutes, _none: hours_measure(minutes),
        ),
        columns=(*SERVICE_COLUMNS,),
        link=lambda r: reverse("people:detail", args=[r.person_id]),
    )
)
register(
    Indicator(
        code="red_armband_volunteers",
        name=_("Red-armband patrol volunteers"),
        definition=_(
            "People who served on a patrol shift or joint patrol in the place during the period."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        by_team=True,
        records=patrol_volunteers,
        value=people_served(patrol_service),
        columns=(
            Column(_("Volunteer"), lambda p: p.real_name),
            Column(_("Lives in"), lambda p: p.home_place.name if p.home_place else ""),
        ),
        link=lambda p: reverse("people:detail", args=[p.pk]),
    )
)


# --- every activity: what is on in the place ---------------------------------------------------
def activities_on(span: Span):
    """The published or held activities of any kind starting in the place during the period
    (drafts and cancelled ones are not on), with how many attended each."""
    return (
        Activity.objects.filter(
            by_team(span),
            status__in=(Activity.Status.PUBLISHED, Activity.Status.FINISHED),
            place_path__startswith=span.place_path,
            starts_at__gte=span.start,
            starts_at__lt=span.end,
        )
        .annotate(attended=Count("signups__attendance"))
        .select_related("place")
        .order_by("-starts_at", "-pk")
    )


register(
    Indicator(
        code="activities_on",
        name=_("Activities on"),
        definition=_(
            "Published or held activities of any kind starting in the place during the period; "
            "drafts and cancelled ones are not counted."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        by_team=True,
        records=activities_on,
        rollup=ACTIVITY_ROLLUP,
        columns=SESSION_COLUMNS,
        link=_activity_link,
    )
)
