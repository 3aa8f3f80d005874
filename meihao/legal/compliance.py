"""The monthly obligation of 一社区一法律顾问: each advisor owes each community they serve
`LEGAL_ADVISOR_MONTHLY_HOURS` of service a month, counted from their service records
(`AdvisorService`). One row a post (advisor × community) for a month: minutes by kind, the total,
what is owed and whether it is met. Read by the officials covering the communities (the
compliance page and its Excel); the reminder job reads it for the advisors short of it.

The minutes are kept on the obligations engine (`core.obligations`), the subject being the post
(the `legal_advisor` assignment's id): a tally a post and month for each kind of service and one
for their total, which carries the minimum (so `ObligationYear` counts each post's months met).
The service that records a service moves them in its transaction (`hours_count`); reading a
month is one query of its tallies, never a scan of its services. Service by someone not posted
in the community when it is recorded is no obligation there: it counts nowhere and is not shown.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from meihao.core.models import ObligationTally
from meihao.core.obligations import Period, tally_add, tally_rebuild
from meihao.core.roles import Role
from meihao.core.snapshot import ProcessSnapshot
from meihao.legal.models import AdvisorService
from meihao.people.models import RoleAssignment, User
from meihao.places.models import Level


def required_minutes() -> int:
    return settings.LEGAL_ADVISOR_MONTHLY_HOURS * 60


# The duties on the obligations engine, each a tally a post and month: the total (what the
# minimum applies to) and the minutes of each kind (what the page shows), in minutes.
DUTY = "legal.minutes"


def kind_duty(kind: str) -> str:
    return f"{DUTY}.{kind}"


KIND_DUTIES = {kind_duty(kind): kind for kind in AdvisorService.Kind.values}


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
    """Every post of the platform as (path, post id, advisor id, name, community id, code,
    name), by community and name: a city's thousands, read once per process and on change."""
    return tuple(
        _posts()
        .filter(user__is_active=True)
        .order_by("place__path", "user__name", "user_id")
        .values_list(
            "place__path",
            "pk",
            "user_id",
            "user__name",
            "place_id",
            "place__code",
            "place__name",
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
    community and name: the posts from the process's snapshot (`POSTS`), their minutes by kind
    from the month's tallies in one query."""
    required = required_minutes()
    rows = {
        post[1]: PostMonth(*post[2:], required=required)
        for post in POSTS.get()
        if post[0].startswith(path)
    }
    # What `core.obligations.tallies` reads, for one period: its kind and start in the filter
    # (the tallies' key, probed rather than skipped through), and no start read back (parsing a
    # city's thousands of dates cost about as much as the query).
    done = ObligationTally.objects.filter(
        duty__in=list(KIND_DUTIES), period=Period.MONTH, starts_on=datetime.date(year, month, 1)
    )
    if path:
        done = done.filter(subject_id__in=list(rows))
    for duty, post, minutes in done.values_list("duty", "subject_id", "amount"):
        row = rows.get(post)
        if row is not None and minutes:  # a tally taken back to nothing is no service
            row.minutes_by_kind[KIND_DUTIES[duty]] = minutes
            row.minutes += minutes
    return list(rows.values())


def _posts_held(services: Sequence[AdvisorService]) -> dict[tuple[int, int], int]:
    """{(advisor id, community id): post id} of the services' advisors in their communities."""
    held = _posts().filter(
        user_id__in={service.advisor_id for service in services},
        place_id__in={service.community_id for service in services},
    )
    return {(user, place): pk for pk, user, place in held.values_list("pk", "user_id", "place_id")}


def hours_count(services: Sequence[AdvisorService], *, sign: int = 1) -> None:
    """Count the services' minutes toward the months of the posts their advisors hold in their
    communities (`sign=-1` takes them back: a service changed is taken back as it was, then
    counted as it is). Call it in the transaction that records them."""
    if not services:
        return
    posts = _posts_held(services)
    required = required_minutes()
    for service in services:
        post = posts.get((service.advisor_id, service.community_id))
        if post is None:  # not posted there: no obligation to count it toward
            continue
        day = timezone.localdate(service.served_at)
        amount = sign * service.minutes
        month = {"subject_id": post, "period": Period.MONTH, "day": day, "amount": amount}
        tally_add(duty=kind_duty(service.kind), **month)
        tally_add(duty=DUTY, minimum=required, **month)


def hours_tallies_rebuild() -> int:
    """Recount every post's months from the service records, each counting toward the post its
    advisor holds in its community now: after LEGAL_ADVISOR_MONTHLY_HOURS changed (the
    minimum, thus the months met), after services were written in bulk, or to check the
    tallies (`manage.py legal_hours_rebuild`). Returns the tallies written."""
    posts = {
        (user, place): pk for pk, user, place in _posts().values_list("pk", "user_id", "place_id")
    }
    months = (
        AdvisorService.objects.annotate(month=TruncMonth("served_at"))
        .values_list("advisor_id", "community_id", "kind", "month")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    done = [
        (posts[(advisor, community)], kind, timezone.localdate(month), minutes)
        for advisor, community, kind, month, minutes in months.iterator()
        if (advisor, community) in posts
    ]
    with transaction.atomic():
        written = tally_rebuild(
            duty=DUTY,
            period=Period.MONTH,
            minimum=required_minutes(),
            done=((post, day, minutes) for post, _kind, day, minutes in done),
        )
        for duty, kind in KIND_DUTIES.items():
            written += tally_rebuild(
                duty=duty,
                period=Period.MONTH,
                done=((post, day, minutes) for post, of, day, minutes in done if of == kind),
            )
    return written
