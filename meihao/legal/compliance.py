"""The monthly obligation of 一社区一法律顾问: each advisor owes each community they serve
`LEGAL_ADVISOR_MONTHLY_HOURS` of service a month, counted from their service records
(`AdvisorService`). One row a post (advisor × community) for a month: minutes by kind, the total,
what is owed and whether it is met. Read by the officials covering the communities (the
compliance page and its Excel); the reminder job reads it for the advisors short of it.
Service by someone no longer posted in a community is no obligation there, and is not shown."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from meihao.core.roles import Role
from meihao.core.snapshot import ProcessSnapshot
from meihao.legal.models import AdvisorService
from meihao.people.models import RoleAssignment, User
from meihao.places.models import Level


def required_minutes() -> int:
    return settings.LEGAL_ADVISOR_MONTHLY_HOURS * 60


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the next month's, in local time."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime(year, month, 1, tzinfo=zone)
    days = calendar.monthrange(year, month)[1]
    return first, first + datetime.timedelta(days=days)


@dataclass
class PostMonth:
    """An advisor's month in one community: minutes by kind, their total and what is owed."""

    advisor_id: int
    advisor_name: str
    community_id: int
    community_code: str
    community_name: str
    required: int
    minutes_by_kind: dict[str, int] = field(default_factory=dict)
    minutes: int = 0

    @property
    def met(self) -> bool:
        return self.minutes >= self.required

    @property
    def minutes_short(self) -> int:
        return max(0, self.required - self.minutes)

    def kind_minutes(self, kind: str) -> int:
        return self.minutes_by_kind.get(kind, 0)


def _posts() -> RoleAssignment:
    return RoleAssignment.objects.filter(role=Role.LEGAL_ADVISOR, place__level=Level.COMMUNITY)


def _all_posts() -> tuple[tuple, ...]:
    """Every post of the platform as (path, advisor id, name, community id, code, name), by
    community and name: a city's thousands, read once per process and on change."""
    return tuple(
        _posts()
        .filter(user__is_active=True)
        .order_by("place__path", "user__name", "user_id")
        .values_list(
            "place__path", "user_id", "user__name", "place_id", "place__code", "place__name"
        )
    )


def _posts_fingerprint() -> tuple:
    posts = _posts().aggregate(count=Count("pk"), last=Max("pk"), updated=Max("updated_at"))
    active = User.objects.filter(
        is_active=True, role_assignments__role=Role.LEGAL_ADVISOR
    ).aggregate(count=Count("pk"), last=Max("pk"))
    return (*posts.values(), *active.values())


# The compliance page and the reminders read every post; posts change a few times a year.
POSTS = ProcessSnapshot("legal:posts", build=_all_posts, fingerprint=_posts_fingerprint)


def _posts_changed(sender, instance, **kwargs) -> None:
    # An advisor deactivated is caught by the fingerprint (the active advisors' count).
    if instance.role == Role.LEGAL_ADVISOR:
        transaction.on_commit(POSTS.changed)


post_save.connect(_posts_changed, sender=RoleAssignment, dispatch_uid="legal-posts-save")
post_delete.connect(_posts_changed, sender=RoleAssignment, dispatch_uid="legal-posts-delete")


def posts_month(path: str, year: int, month: int) -> list[PostMonth]:
    """Every advisor's month in every community under `path` ("" for all of them), by
    community and name: the posts from the process's snapshot (`POSTS`), the month's minutes in
    one query grouped by advisor, community and kind, read as plain values."""
    start, end = month_bounds(year, month)
    served = AdvisorService.objects.filter(served_at__gte=start, served_at__lt=end)
    if path:
        served = served.filter(place_path__startswith=path)
    required = required_minutes()
    rows = {
        (post[1], post[3]): PostMonth(*post[1:], required=required)
        for post in POSTS.get()
        if post[0].startswith(path)
    }
    grouped = served.values_list("advisor", "community", "kind").annotate(minutes=Sum("minutes"))
    for advisor_id, community_id, kind, minutes in grouped.order_by():
        row = rows.get((advisor_id, community_id))
        if row is not None:
            row.minutes_by_kind[kind] = minutes
            row.minutes += minutes
    return list(rows.values())
