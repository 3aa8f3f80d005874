"""Reads of the lecture menu: the menu everyone logged in browses, a resident's own orders, what a
community's residents ordered, a team's topics and requests, and a street's monthly programme."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from meihao.activities.models import Activity
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role, in_subtree, scope_paths, scope_q
from meihao.lectures.models import Order, Request, Session, Topic
from meihao.lectures.services import runs_team, waiting_since
from meihao.people.models import Team, led_team_ids
from meihao.places.models import Level, Place


def menu(user, *, q: str = "", team: int | None = None):
    """The topics on the menu, most ordered first, with whether the user ordered each."""
    topics = Topic.objects.filter(status=Topic.Status.PUBLISHED).select_related("team")
    if q:
        topics = topics.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    if team:
        topics = topics.filter(team_id=team)
    mine = Order.objects.filter(topic=OuterRef("pk"), person__user=user)
    return topics.annotate(order_count=Count("orders"), ordered=Exists(mine)).order_by(
        "-order_count", "title", "pk"
    )


def menu_teams():
    return (
        Team.objects.filter(kind=Team.Kind.LECTURE, lecture_topics__status=Topic.Status.PUBLISHED)
        .distinct()
        .order_by("name")
    )


def topic_get(user, pk) -> Topic:
    """A topic on the menu, or any topic of a team the user runs."""
    topic = Topic.objects.filter(pk=parse_id(pk)).select_related("team").first()
    if topic is None:
        raise NotFound()
    if topic.status != Topic.Status.PUBLISHED and not runs_team(user, topic.team):
        raise NotFound()
    return topic


def upcoming_sessions(topic: Topic):
    return (
        Activity.objects.filter(
            lecture_session__topic=topic,
            status=Activity.Status.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .select_related("place")
        .order_by("starts_at")
    )


def my_orders(user):
    return (
        Order.objects.filter(person__user=user)
        .select_related("topic__team", "session__activity")
        .order_by("-ordered_at", "-pk")
    )


def requesting_communities(user):
    """The communities the user may request a session for."""
    if not has_role(user, OFFICIALS):
        return Place.objects.none()
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS), level=Level.COMMUNITY
    ).order_by("path")


# --- a team's desk ---------------------------------------------------------------------------


def run_teams(user):
    """The lecture teams the user runs: those they lead, and those in the places they cover."""
    teams = Team.objects.filter(kind=Team.Kind.LECTURE)
    if getattr(user, "is_superuser", False):
        return teams.order_by("name")
    return teams.filter(
        Q(pk__in=led_team_ids(user)) | scope_q(user, path_field="place_path", roles=OFFICIALS)
    ).order_by("name")


def runs_any_team(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_runs_lecture_team", None)
    if cached is None:
        cached = user._runs_lecture_team = run_teams(user).exists()
    return cached


def team_topics(user):
    return (
        Topic.objects.filter(team__in=run_teams(user))
        .select_related("team")
        .annotate(
            order_count=Count("orders", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("team__name", "status", "title")
    )


def open_requests(user):
    return (
        Request.objects.filter(topic__team__in=run_teams(user), status=Request.Status.REQUESTED)
        .select_related("topic__team", "community", "requested_by")
        .order_by("created_at", "pk")
    )


def request_get(user, pk) -> Request:
    request = (
        Request.objects.filter(pk=parse_id(pk), topic__team__in=run_teams(user))
        .select_related("topic__team", "community")
        .first()
    )
    if request is None:
        raise NotFound()
    return request


# --- a community's and a street's view ------------------------------------------------------


@dataclass
class Wanted:
    """A topic ordered by residents of a place, with how many orders are waiting."""

    topic: Topic
    orders: int
    waiting: int  # not yet delivered
    overdue: int  # waiting longer than the street is told about
    requested: bool = False  # an open request of the place's community asks for it


@dataclass
class Programme:
    place: Place
    month: datetime.date
    wanted: list[Wanted] = field(default_factory=list)
    sessions: list = field(default_factory=list)
    requests: list = field(default_factory=list)


def programme_places(user):
    """The streets and communities the user may see the programme of."""
    if getattr(user, "is_superuser", False):
        return Place.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("path")
    paths = scope_paths(user, OFFICIALS)
    if not paths:
        return Place.objects.none()
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS),
        level__in=[Level.STREET, Level.COMMUNITY],
    ).order_by("path")


def programme(place: Place, month: datetime.date, *, today: datetime.date, top: int = 10):
    """A street's or community's month: the most-ordered topics of its residents (waiting
    orders, those waiting too long), the sessions held or scheduled in the place that month,
    and the requests still open."""
    before = waiting_since(today)
    rows = (
        Order.objects.filter(in_subtree(place.path))
        .values("topic_id")
        .annotate(
            orders=Count("pk"),
            waiting=Count("pk", filter=Q(session__isnull=True)),
            overdue=Count("pk", filter=Q(session__isnull=True, ordered_at__lt=before)),
        )
        .order_by("-waiting", "-orders", "topic_id")[:top]
    )
    rows = list(rows)
    topics = Topic.objects.in_bulk([r["topic_id"] for r in rows])
    requested = set(
        Request.objects.filter(in_subtree(place.path), status=Request.Status.REQUESTED).values_list(
            "topic_id", flat=True
        )
    )
    result = Programme(place=place, month=month)
    for row in rows:
        result.wanted.append(
            Wanted(
                topic=topics[row["topic_id"]],
                orders=row["orders"],
                waiting=row["waiting"],
                overdue=row["overdue"],
                requested=row["topic_id"] in requested,
            )
        )
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
    result.sessions = list(
        Session.objects.filter(
            in_subtree(place.path, "activity__place_path"),
            activity__starts_at__gte=first,
            activity__starts_at__lt=last,
        )
        .exclude(activity__status=Activity.Status.CANCELLED)
        .select_related("activity__place", "topic__team")
        .order_by("activity__starts_at")
    )
    result.requests = list(
        Request.objects.filter(in_subtree(place.path), status=Request.Status.REQUESTED)
        .select_related("topic__team", "community")
        .order_by("created_at")
    )
    return result
