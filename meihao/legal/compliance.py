"""The monthly obligation of 一社区一法律顾问: each advisor owes each community they serve
`LEGAL_ADVISOR_MONTHLY_HOURS` of service a month, counted from their service records
(`AdvisorService`). One row a post (advisor × community) for a month: minutes by kind, the total,
what is owed and whether it is met. Read by the officials covering the communities (the
compliance page and its Excel); the reminder job reads it for the advisors short of it."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from meihao.core.roles import Role
from meihao.legal.models import AdvisorService
from meihao.people.models import RoleAssignment
from meihao.places.models import Level, Place


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
    """An advisor's month in one community."""

    advisor: object
    community: Place
    minutes_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        return sum(self.minutes_by_kind.values())

    @property
    def required(self) -> int:
        return required_minutes()

    @property
    def met(self) -> bool:
        return self.minutes >= self.required

    @property
    def minutes_short(self) -> int:
        return max(0, self.required - self.minutes)

    def kind_minutes(self, kind: str) -> int:
        return self.minutes_by_kind.get(kind, 0)


def posts_month(place: Place, year: int, month: int) -> list[PostMonth]:
    """Every advisor's month in every community of `place`'s subtree, by community and name:
    two queries (the posts, and the month's minutes grouped by advisor, community and kind)."""
    posts = (
        RoleAssignment.objects.filter(
            role=Role.LEGAL_ADVISOR,
            place__level=Level.COMMUNITY,
            place__path__startswith=place.path,
            user__is_active=True,
        )
        .select_related("user", "place")
        .order_by("place__path", "user__name", "user_id")
    )
    rows = {(p.user_id, p.place_id): PostMonth(advisor=p.user, community=p.place) for p in posts}
    start, end = month_bounds(year, month)
    served = (
        AdvisorService.objects.filter(
            place_path__startswith=place.path, served_at__gte=start, served_at__lt=end
        )
        .values_list("advisor", "community", "kind")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for advisor_id, community_id, kind, minutes in served:
        row = rows.get((advisor_id, community_id))
        if row is not None:  # service by someone no longer posted there is not an obligation
            row.minutes_by_kind[kind] = minutes
    return list(rows.values())
