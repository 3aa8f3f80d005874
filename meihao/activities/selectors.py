"""Every read about activities, sign-ups, attendance and service records, scoped to the asking
user: published activities are public to everyone logged in; drafts, sign-up lists, attendance
and other people's records only to the organisers whose place scope covers the activity.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from meihao.activities.attendance import CHECKIN_OPENS_BEFORE, SERVICE_KINDS, distance_m
from meihao.activities.extensions import owned_kind, owned_kinds
from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.activities.services import may_organise
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role, scope_q
from meihao.ledger.services import points_for_service
from meihao.people.models import Organisation, Person, Team
from meihao.places.models import Level, Place, Venue

# "Nearby" on the upcoming list: within this distance of the phone, sorted first.
NEARBY_M = 3000
METRES_PER_DEGREE = 111_320


def service_minutes(person, *, since=None, until=None, place_path=None) -> int:
    """The volunteer's service minutes (reversals included), optionally over a date range
    [since, until] and inside a place subtree. Stars, certificates and hours per street read
    this."""
    records = ServiceRecord.objects.filter(person=person)
    if since is not None:
        records = records.filter(service_date__gte=since)
    if until is not None:
        records = records.filter(service_date__lte=until)
    if place_path:
        records = records.filter(place_path__startswith=place_path)
    return records.aggregate(total=Sum("minutes"))["total"] or 0


def may_organise_any(user) -> bool:
    if getattr(user, "is_superuser", False) or has_role(user, OFFICIALS):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if any(owned_kind(kind).organises_any(user) for kind in owned_kinds()):
        return True
    return Activity.objects.organised_by(user).exists()  # a team leader's team's activities


def person_of(user) -> Person | None:
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


# --- one activity -----------------------------------------------------------------------------


def attendance_of(signup: SignUp | None) -> Attendance | None:
    if signup is None:
        return None
    try:
        return signup.attendance
    except Attendance.DoesNotExist:
        return None


def activity_abilities(user, activity: Activity, signup: SignUp | None, now=None) -> dict:
    """What `user` may do with `activity` now; `signup` is their open sign-up, if any."""
    now = now or timezone.now()
    status = activity.status
    published = status == Activity.Status.PUBLISHED
    attendance = attendance_of(signup)
    organise = may_organise(user, activity)
    checkin_open = published and activity.starts_at - CHECKIN_OPENS_BEFORE <= now < activity.ends_at
    has_person = person_of(user) is not None
    return {
        "sign_up": published and has_person and signup is None and now < activity.ends_at,
        "cancel_signup": published
        and signup is not None
        and attendance is None
        and now < activity.starts_at,
        "check_in": checkin_open
        and has_person
        and attendance is None
        and (signup is None or signup.status == SignUp.Status.CONFIRMED),
        "check_out": published and attendance is not None and attendance.checked_out_at is None,
        "organise": organise,
        # A kind another app owns is changed on that app's pages, not the activity form.
        "edit": organise
        and owned_kind(activity.kind) is None
        and status in (Activity.Status.DRAFT, Activity.Status.PUBLISHED),
        "publish": organise and status == Activity.Status.DRAFT,
        "cancel": organise and status in (Activity.Status.DRAFT, Activity.Status.PUBLISHED),
        "finish": organise and published and now >= activity.starts_at,
        "show_qr": organise and checkin_open,
    }


def activity_get(user, pk) -> Activity:
    activity = (
        Activity.objects.visible_to(user)
        .select_related("place", "organiser", "organiser_team")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise NotFound()
    return activity


def organised_activity_get(user, pk) -> Activity:
    """An activity the user organises; any other answers as if it did not exist."""
    activity = (
        Activity.objects.organised_by(user)
        .select_related("place", "organiser", "organiser_team")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise NotFound()
    return activity


def own_signup(user, activity: Activity) -> SignUp | None:
    person = person_of(user)
    if person is None:
        return None
    return (
        SignUp.objects.filter(activity=activity, person=person)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("attendance")
        .first()
    )


def places_taken(activity: Activity) -> dict:
    counts = SignUp.objects.filter(activity=activity).aggregate(
        confirmed=Count("id", filter=Q(status=SignUp.Status.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=SignUp.Status.WAITLISTED)),
    )
    return {**counts, "free": max(0, activity.capacity - counts["confirmed"])}


def role_places(activity: Activity) -> list[dict]:
    """Per role of roles_needed: places, confirmed and free, for the sign-up form."""
    confirmed = dict(
        SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED)
        .values_list("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "role": entry["role"],
            "count": entry["count"],
            "free": max(0, entry["count"] - confirmed.get(entry["role"], 0)),
        }
        for entry in activity.roles_needed
    ]


def general_places(activity: Activity) -> int:
    """Places open to sign-ups without a role."""
    return activity.capacity - sum(entry["count"] for entry in activity.roles_needed)


# --- lists ------------------------------------------------------------------------------------


def _with_counts(activities):
    return activities.annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)),
        waitlisted_count=Count("signups", filter=Q(signups__status=SignUp.Status.WAITLISTED)),
    )


def upcoming_activities(
    user,
    *,
    kind: str = "",
    near: tuple[float, float] | None = None,
    community_path: str = "",
):
    """Published activities not yet over: those of the user's own community (`community_path`)
    first, each group soonest first; with the phone's location, those within NEARBY_M before
    all others (the user asked for what is near). Distance is measured on a local flat
    projection (cos of the latitude applied to longitude), which at a few kilometres is within
    metres of the haversine and needs no trigonometry in the database."""
    activities = Activity.objects.visible_to(user).filter(
        status=Activity.Status.PUBLISHED, ends_at__gt=timezone.now()
    )
    if kind:
        activities = activities.filter(kind=kind)
    activities = _with_counts(activities.select_related("place"))
    order = ["starts_at", "id"]
    if community_path:
        activities = activities.annotate(
            in_my_community=Case(
                When(place_path__startswith=community_path, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        order.insert(0, "-in_my_community")
    if near is None:
        return activities.order_by(*order)
    lat, lon = near
    squeeze = math.cos(math.radians(lat))
    d_lat = F("lat") - Value(lat)
    d_lon = (F("lon") - Value(lon)) * Value(squeeze)
    limit = (NEARBY_M / METRES_PER_DEGREE) ** 2
    activities = activities.alias(near2=d_lat * d_lat + d_lon * d_lon).annotate(
        far=Case(
            When(lat__isnull=True, then=Value(1)),
            When(near2__lte=limit, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    return activities.order_by("far", *order)


def distance_to(activity: Activity, near: tuple[float, float] | None) -> int | None:
    if near is None or activity.lat is None:
        return None
    return round(distance_m(near[0], near[1], activity.lat, activity.lon))


def organised_activities(user, *, status: str = ""):
    """The activities the user organises, newest start first."""
    activities = Activity.objects.organised_by(user).select_related("place")
    if status:
        activities = activities.filter(status=status)
    return _with_counts(activities).order_by("-starts_at", "-id")


def recent_organised_activities(user):
    """What a staff entry may refer to: activities of the past year the user organises."""
    now = timezone.now()
    return (
        Activity.objects.organised_by(user)
        .filter(starts_at__lte=now, starts_at__gte=now - datetime.timedelta(days=366))
        .order_by("-starts_at", "-id")
    )


@dataclass
class Earnings:
    """What serving the whole planned time earns: the service record's minutes and the points
    the activity kind's rule gives for them. `in_role_only`: at kinds other than service and
    patrols only those in one of the roles needed serve."""

    minutes: int
    points: int
    in_role_only: bool

    @property
    def hours(self) -> str:
        return f"{self.minutes / 60:.1f}"


def earnings(activity: Activity) -> Earnings:
    minutes = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
    return Earnings(
        minutes=minutes,
        points=points_for_service(activity.kind, minutes),
        in_role_only=activity.kind not in SERVICE_KINDS,
    )


def my_signups(user):
    """The user's sign-ups, latest activity first, with attendance."""
    person = person_of(user)
    if person is None:
        return SignUp.objects.none()
    return (
        SignUp.objects.filter(person=person)
        .select_related("activity", "activity__place", "attendance")
        .order_by("-activity__starts_at", "-id")
    )


def my_records(user):
    person = person_of(user)
    if person is None:
        return ServiceRecord.objects.none()
    return ServiceRecord.objects.filter(person=person).select_related("activity")


# --- organiser lists --------------------------------------------------------------------------


def signup_lists(activity: Activity) -> dict:
    signups = SignUp.objects.filter(activity=activity).select_related("person", "attendance")
    return {
        "confirmed": list(signups.filter(status=SignUp.Status.CONFIRMED).order_by("created_at")),
        "waitlisted": list(
            signups.filter(status=SignUp.Status.WAITLISTED).order_by("created_at", "id")
        ),
        "cancelled": signups.filter(status=SignUp.Status.CANCELLED).count(),
    }


@dataclass(frozen=True)
class AttendanceRow:
    signup: SignUp
    attendance: Attendance | None
    state: str  # present, checked_out, absent, expected

    @property
    def late(self) -> bool:
        return bool(self.attendance and self.attendance.late)


def attendance_rows(activity: Activity, now=None) -> list[AttendanceRow]:
    """One row per confirmed sign-up. Absent: no check-in and the activity is over."""
    now = now or timezone.now()
    over = activity.status == Activity.Status.FINISHED or now >= activity.ends_at
    rows = []
    signups = (
        SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED)
        .select_related("person", "attendance")
        .order_by("created_at", "id")
    )
    for signup in signups:
        attendance = attendance_of(signup)
        if attendance is None:
            state = "absent" if over else "expected"
        elif attendance.checked_out_at is None:
            state = "present"
        else:
            state = "checked_out"
        rows.append(AttendanceRow(signup, attendance, state))
    return rows


def absentees(activity: Activity, now=None):
    """Confirmed sign-ups that never checked in, once the activity is over."""
    now = now or timezone.now()
    if activity.status != Activity.Status.FINISHED and now < activity.ends_at:
        return SignUp.objects.none()
    return SignUp.objects.filter(
        activity=activity, status=SignUp.Status.CONFIRMED, attendance__isnull=True
    ).select_related("person")


def organised_signup_get(user, activity: Activity, pk) -> SignUp:
    signup = SignUp.objects.filter(activity=activity, pk=pk).select_related("person").first()
    if signup is None or not may_organise(user, activity):
        raise NotFound()
    return signup


def scoped_records(user):
    """Service records in the places the user organises, newest first."""
    return (
        ServiceRecord.objects.filter(scope_q(user, path_field="place_path", roles=OFFICIALS))
        .select_related("person", "activity")
        .annotate(is_reversed=Exists(ServiceRecord.objects.filter(reverses=OuterRef("pk"))))
        .order_by("-service_date", "-id")
    )


def record_get(user, pk) -> ServiceRecord:
    """A record the user may see: their own, or one in a place they organise."""
    record = (
        ServiceRecord.objects.visible_to(user)
        .select_related("person", "activity", "place")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise NotFound()
    return record


def organised_record_get(user, pk) -> ServiceRecord:
    record = scoped_records(user).filter(pk=pk).first()
    if record is None:
        raise NotFound()
    return record


# --- choices for the organiser's forms ------------------------------------------------------


def organiser_places(user):
    """Places the user may hold activities in: district, streets and communities in scope."""
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS),
        level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY],
    ).order_by("path")


def organiser_teams(user):
    return Team.objects.filter(scope_q(user, path_field="place_path", roles=OFFICIALS)).order_by(
        "place_path", "name"
    )


def organiser_organisations(user):
    return Organisation.objects.filter(
        scope_q(user, path_field="place_path", roles=OFFICIALS)
    ).order_by("place_path", "name")


def organiser_venues(user):
    """Registered venues (places.Venue) of the user's scope, to fill the form's venue from."""
    return Venue.objects.filter(scope_q(user, path_field="place_path", roles=OFFICIALS)).order_by(
        "place_path", "name"
    )[:200]


def person_by_phone(phone: str) -> Person | None:
    """The volunteer a staff entry is for, found by their mobile number."""
    phone = (phone or "").strip()
    if not phone:
        return None
    return Person.objects.filter(Q(phone=phone) | Q(user__phone=phone)).first()


def short_of_volunteers(team_pk: int, start: datetime.datetime, end: datetime.datetime):
    """The team's own published activities starting between `start` and `end` with fewer
    confirmed sign-ups than places (`confirmed`), soonest first: what its leaders, who run
    them, still have to fill."""
    return (
        Activity.objects.filter(
            organiser_team_id=team_pk,
            status=Activity.Status.PUBLISHED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .annotate(confirmed=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)))
        .filter(confirmed__lt=F("capacity"))
        .order_by("starts_at", "pk")
    )
