"""The volunteer's phone home: what I signed up for, what I have earned, and what needs me
nearby (upcoming activities, time-bank requests in my service circle, open micro-wishes).

A composition of other apps' selectors, each scoped to the user; no app's rules live here.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from meihao.activities import selectors as activity_selectors
from meihao.activities.models import SignUp
from meihao.ledger.models import Unit
from meihao.ledger.selectors import balances
from meihao.people.selectors import own_person

MAP_ACTIVITIES = 40
MAP_REQUESTS = 20
MAP_WISHES = 20
UPCOMING = 5


@dataclass
class PhoneHome:
    points: int
    minutes: int
    upcoming: list = field(default_factory=list)
    map_points: list[dict] = field(default_factory=list)


def _activity_points(user) -> list[dict]:
    found = []
    for activity in activity_selectors.upcoming_activities(user).filter(lat__isnull=False)[
        :MAP_ACTIVITIES
    ]:
        found.append(
            {
                "kind": "activity",
                "label": activity.title,
                "when": timezone.localtime(activity.starts_at).strftime("%m-%d %H:%M"),
                "lat": activity.lat,
                "lon": activity.lon,
                "url": reverse("activities:detail", args=[activity.pk]),
            }
        )
    return found


def _time_bank_points(user) -> list[dict]:
    from meihao.timebank.selectors import own_member, requests_nearby

    member = own_member(user)
    if member is None:
        return []
    return [
        {
            "kind": "help",
            "label": str(nearby.case.category or nearby.case.case_type),
            "when": f"{round(nearby.distance_m)} m",
            "lat": nearby.case.lat,
            "lon": nearby.case.lon,
            "url": reverse("timebank:request", args=[nearby.case.number]),
        }
        for nearby in requests_nearby(member, user)[:MAP_REQUESTS]
    ]


def _wish_points(user) -> list[dict]:
    from meihao.wishes.selectors import may_claim, wall

    if not may_claim(user):
        return []
    return [
        {
            "kind": "wish",
            "label": str(case.category or case.case_type),
            "when": timezone.localtime(case.created_at).strftime("%m-%d"),
            "lat": case.lat,
            "lon": case.lon,
            "url": reverse("wishes:detail", args=[case.number]),
        }
        for case in wall(user).filter(lat__isnull=False)[:MAP_WISHES]
    ]


def phone_home(user) -> PhoneHome:
    person = own_person(user)
    held = balances(person) if person else dict.fromkeys(Unit.values, 0)
    upcoming = list(
        activity_selectors.my_signups(user)
        .filter(activity__ends_at__gt=timezone.now())
        .exclude(status=SignUp.Status.CANCELLED)
        .order_by("activity__starts_at", "id")[:UPCOMING]
    )
    return PhoneHome(
        points=held[Unit.POINTS],
        minutes=held[Unit.MINUTES],
        upcoming=upcoming,
        map_points=_activity_points(user) + _time_bank_points(user) + _wish_points(user),
    )
