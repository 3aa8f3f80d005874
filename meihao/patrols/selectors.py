"""Every read about patrols, scoped to the asking user.

Overseers (community staff, street chief, district admin) see the grid workers assigned inside
their subtrees; a grid worker sees only themself. Daily minutes are the `patrol` duty's tallies
(`core.ObligationTally`, a row per worker and Asia/Shanghai day, in seconds), which the services
keep from the sessions (a session across midnight split).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from meihao.core.errors import NotFound
from meihao.core.models import ObligationTally
from meihao.core.obligations import Period, tallies
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import has_role, scope_paths, scope_q
from meihao.patrols.days import DUTY_TZ, local_day
from meihao.patrols.models import DUTY, DUTY_SECONDS, PATROLLERS, PatrolSession
from meihao.people.models import RoleAssignment
from meihao.places.models import Level, Place

MINE_DAYS = 14


def today_local() -> datetime.date:
    return local_day(timezone.now())


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week (weeks run Monday to Sunday, as in China)."""
    return day - datetime.timedelta(days=day.weekday())


def patrol_abilities(user) -> dict[str, bool]:
    """What the user may do with patrols; no query beyond loading the scopes once."""
    if not getattr(user, "is_authenticated", False):
        return {"patrol": False, "mine": False, "duty": False}
    patroller = has_role(user, PATROLLERS)
    return {
        "patrol": patroller,
        "mine": patroller,
        "duty": user.is_superuser or patroller or has_role(user, OFFICIALS),
    }


def patrol_grids(user):
    """The grids `user` may patrol: inside a subtree they hold the grid-worker role on."""
    paths = scope_paths(user, PATROLLERS)
    if not paths:
        return Place.objects.none()
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return Place.objects.filter(query, level=Level.GRID).order_by("code")


def active_patrol_for(user) -> PatrolSession | None:
    """The user's patrol in progress, if any. The case engine links a grid report to it."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PatrolSession.objects.active().filter(worker=user).select_related("grid").first()


def patrol_for_report(
    user, *, at: datetime.datetime | None = None, client_id: str | uuid.UUID | None = None
) -> PatrolSession | None:
    """The patrol a report by `user` belongs to.

    With `client_id` (an offline report carries the id of the patrol the phone was on): that
    patrol of the user. With `at` (the report's original time): the user's patrol running at
    that time, ended or not. Otherwise: the patrol in progress. None when there is none.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    own = PatrolSession.objects.filter(worker=user)
    if client_id:
        try:
            return own.filter(client_id=uuid.UUID(str(client_id))).first()
        except ValueError:
            return None
    if at is None:
        return active_patrol_for(user)
    patrol_id = patrol_id_running_at(user, at)
    return None if patrol_id is None else own.filter(pk=patrol_id).first()


def patrol_id_running_at(user, at: datetime.datetime) -> int | None:
    """The id of `user`'s patrol running at `at` (ended or not), or None: all a report filed
    on the patrol needs, in one query that loads no row."""
    return (
        PatrolSession.objects.filter(
            Q(ended_at__gte=at) | Q(ended_at__isnull=True), worker=user, started_at__lte=at
        )
        .order_by("-started_at")
        .values_list("pk", flat=True)
        .first()
    )


def patrol_get(user, client_id) -> PatrolSession:
    """One of the user's own patrols by its client id, or NotFound."""
    session = (
        PatrolSession.objects.visible_to(user)
        .filter(worker=user, client_id=client_id)
        .select_related("grid")
        .first()
    )
    if session is None:
        raise NotFound()
    return session


def _visible_worker_assignments(user):
    """Grid-worker role assignments the user may oversee; for a grid worker, their own."""
    assignments = RoleAssignment.objects.filter(role=Role.GRID_WORKER, place__isnull=False)
    if user.is_superuser:
        return assignments
    overseen = scope_q(user, path_field="place__path", roles=OFFICIALS)
    return assignments.filter(overseen | Q(user=user))


def patrol_minutes_by_day(
    user, *, start: datetime.date, end: datetime.date, worker_id: int | None = None
) -> list[tuple[int, datetime.date, int]]:
    """(worker id, day, minutes) of the workers the user may see, for days start..end."""
    if not getattr(user, "is_authenticated", False):
        return []
    days = ObligationTally.objects.filter(
        duty=DUTY, period=Period.DAY, starts_on__gte=start, starts_on__lte=end, amount__gt=0
    )
    if not user.is_superuser:
        workers = _visible_worker_assignments(user).values("user_id")
        days = days.filter(Q(subject_id__in=workers) | Q(subject_id=user.pk))
    if worker_id is not None:
        days = days.filter(subject_id=worker_id)
    return [
        (worker, day, seconds // 60)
        for worker, day, seconds in days.order_by("subject_id", "starts_on").values_list(
            "subject_id", "starts_on", "amount"
        )
    ]


@dataclass(frozen=True)
class DayRow:
    day: datetime.date
    minutes: int
    met: bool


def my_patrol_days(user, *, days: int = MINE_DAYS, today=None) -> list[DayRow]:
    """The user's own minutes for each of the last `days` days, newest first, zeros included."""
    today = today or today_local()
    first = today - datetime.timedelta(days=days - 1)
    seconds = tallies(duties=[DUTY], first=first, last=today, subjects=[user.pk])
    rows = []
    for n in range(days):
        day = today - datetime.timedelta(days=n)
        value = seconds.get((DUTY, user.pk, day), 0)
        rows.append(DayRow(day=day, minutes=value // 60, met=value >= DUTY_SECONDS))
    return rows


def my_patrols(user, *, days: int = MINE_DAYS, today=None):
    """The user's own patrols started in the last `days` days, newest first."""
    today = today or today_local()
    first = today - datetime.timedelta(days=days - 1)
    since = datetime.datetime.combine(first, datetime.time.min, tzinfo=DUTY_TZ)
    return (
        PatrolSession.objects.filter(worker=user, started_at__gte=since)
        .select_related("grid")
        .order_by("-started_at", "-id")
    )


# --- the duty view ----------------------------------------------------------------------------


@dataclass
class DutyRow:
    worker_id: int
    name: str
    grid_name: str
    community_code: str
    community_name: str
    street_code: str
    street_name: str
    today_minutes: int
    week_minutes: int
    days_met: int
    met_today: bool
    met_week: bool


@dataclass
class DutySummary:
    code: str
    name: str
    parent_name: str = ""
    workers: int = 0
    met_today: int = 0
    met_week: int = 0

    @property
    def unmet_today(self) -> int:
        return self.workers - self.met_today


@dataclass
class DutyBoard:
    today: datetime.date
    week_start: datetime.date
    days_elapsed: int
    rows: list[DutyRow] = field(default_factory=list)
    communities: list[DutySummary] = field(default_factory=list)
    streets: list[DutySummary] = field(default_factory=list)
    community_choices: list[tuple[str, str]] = field(default_factory=list)
    community: str = ""


def _codes(path: str) -> list[str]:
    return [code for code in path.split("/") if code]


def duty_board(
    user, *, today: datetime.date | None = None, community: str = "", show: str = ""
) -> DutyBoard:
    """Who met 60 minutes of patrol today, and every day of this week so far.

    Three queries whatever the number of workers: the street and community names in the user's
    view, the visible grid-worker assignments, and their `patrol` tallies of this week summed
    per worker (today's, the week's, the days met).
    `community` narrows to one community (by code; an unknown or unseen code shows nothing);
    `show` is "" (everyone), "unmet_today" or "unmet_week".
    """
    today = today or today_local()
    monday = week_start(today)
    board = DutyBoard(today=today, week_start=monday, days_elapsed=(today - monday).days + 1)
    if not patrol_abilities(user)["duty"]:
        return board

    # Names of the streets and communities the user looks at: inside a subtree they hold any
    # patrol role on, or above one (a grid worker's own community and street).
    roles = OFFICIALS | PATROLLERS
    above = {code for path in scope_paths(user, roles) for code in _codes(path)}
    places = Place.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).filter(
        scope_q(user, path_field="path", roles=roles) | Q(code__in=above)
    )
    names, community_paths = {}, {}
    for code, name, level, path in places.values_list("code", "name", "level", "path"):
        names[code] = name
        if level == Level.COMMUNITY:
            community_paths[code] = path
            board.community_choices.append((code, name))
    board.community_choices.sort()

    assignments = _visible_worker_assignments(user)
    if community:
        if community not in community_paths:
            return board
        board.community = community
        assignments = assignments.filter(place__path__startswith=community_paths[community])
    rows = assignments.values(
        "user_id", "user__name", "user__phone", "place__path", "place__name"
    ).order_by("place__path", "user__name", "user_id")
    # The tallies' subject is an id, not a foreign key to join: this week's are summed per worker
    # in a query of their own, over the same assignments as a subquery — one pass over the
    # week's tallies, where a correlated subquery per worker would probe the index for each.
    week = (
        ObligationTally.objects.filter(
            duty=DUTY,
            period=Period.DAY,
            starts_on__gte=monday,
            starts_on__lte=today,
            subject_id__in=assignments.values("user_id"),
        )
        .values("subject_id")
        .annotate(
            today_s=Sum("amount", filter=Q(starts_on=today)),
            week_s=Sum("amount"),
            days_met=Count("pk", filter=Q(amount__gte=DUTY_SECONDS)),
        )
    )
    done = {row["subject_id"]: row for row in week}

    communities: dict[str, DutySummary] = {}
    streets: dict[str, DutySummary] = {}
    for row in rows:
        tallied = done.get(row["user_id"], {})
        # A worker without a tally this week has no row, and one without today's a None sum.
        today_s = tallied.get("today_s") or 0
        week_s = tallied.get("week_s") or 0
        days_met = tallied.get("days_met", 0)
        codes = _codes(row["place__path"])
        street_code = codes[1] if len(codes) > 1 else ""
        community_code = codes[2] if len(codes) > 2 else ""
        duty = DutyRow(
            worker_id=row["user_id"],
            name=row["user__name"] or row["user__phone"][:3] + "****" + row["user__phone"][-4:],
            grid_name=row["place__name"],
            community_code=community_code,
            community_name=names.get(community_code, ""),
            street_code=street_code,
            street_name=names.get(street_code, ""),
            today_minutes=today_s // 60,
            week_minutes=week_s // 60,
            days_met=days_met,
            met_today=today_s >= DUTY_SECONDS,
            met_week=days_met >= board.days_elapsed,
        )
        for key, name, parent, summaries in (
            (community_code, duty.community_name, duty.street_name, communities),
            (street_code, duty.street_name, "", streets),
        ):
            if not key:
                continue
            summary = summaries.setdefault(
                key, DutySummary(code=key, name=name, parent_name=parent)
            )
            summary.workers += 1
            summary.met_today += duty.met_today
            summary.met_week += duty.met_week
        if show == "unmet_today" and duty.met_today:
            continue
        if show == "unmet_week" and duty.met_week:
            continue
        board.rows.append(duty)
    board.communities = [communities[key] for key in sorted(communities)]
    board.streets = [streets[key] for key in sorted(streets)]
    return board
