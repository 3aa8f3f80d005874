"""SLA clocks: deadlines in working time, green / yellow / red, and escalation.

Rules
-----
* Two clocks per case. The **response** clock starts at submission and stops at the first
  dispatch (or when the case is rejected, merged or voided); its limit is the case type's
  `response_limit` (24 hours for grid reports). The **handling** clock starts at the first
  dispatch and stops when the handler reports back; it runs again after a reopen (返工) with the
  same deadline; returning a misrouted case (回退) does not stop it. Its limit is the minor
  class's `time_limit` (or the type's `handling_limit`). Parked cases (挂账) stop both clocks.
* Units: `hours` / `days` are calendar time. `work_hours` count only working time, by default
  weekdays 08:30–12:00 and 14:30–17:30 Asia/Shanghai (6.5 h a day); `work_days` are that many
  working days of working time (N × 6.5 h), so "2 working days" from Friday 10:00 ends Tuesday
  10:00. Holidays (`Holiday`, is_workday False) are skipped; make-up workdays (调休,
  is_workday True) count even on a weekend. A clock started outside working hours starts at the
  next working minute. The holidays are kept per process (`HOLIDAYS`, a
  `core.snapshot.ProcessSnapshot`): every deadline reads them, and they change once a year.
* Colours: green before 80 % of the limit, yellow from 80 %, red from 100 %.
* Escalation: level 1 (street chief) when a clock reaches 100 % of its limit, level 2 (district)
  at 200 %. Each (case, clock, level) is recorded once (`Escalation` has a unique constraint),
  however often the sweep runs.
* Settings: MEIHAO_WORKING_PERIODS (default (("08:30", "12:00"), ("14:30", "17:30"))),
  MEIHAO_WORKING_WEEKDAYS (default (0, 1, 2, 3, 4), Monday = 0), MEIHAO_WORK_TIMEZONE
  (default "Asia/Shanghai").
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    Max,
    Min,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    Value,
)
from django.db.models.base import ModelState
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from meihao.cases.models import Case, Escalation, Holiday, SlaState, SlaUnit
from meihao.cases.notifications import case_notify_overdue
from meihao.cases.states import HANDLING_RUNNING, RESPONSE_RUNNING
from meihao.core.snapshot import ProcessSnapshot

WARN_AT = 0.8
DUE_AT = 1.0
DISTRICT_AT = 2.0
# A deadline never lies further than this from its start (guards a calendar with no workdays).
MAX_DAYS = 3660


def _holiday_fingerprint() -> tuple:
    return tuple(
        Holiday.objects.aggregate(
            count=Count("pk"),
            last=Max("pk"),
            workdays=Count("pk", filter=Q(is_workday=True)),
            first_day=Min("date"),
            last_day=Max("date"),
        ).values()
    )


def _all_holidays() -> tuple[tuple[date, bool], ...]:
    return tuple(Holiday.objects.values_list("date", "is_workday"))


# Every deadline reads the holidays: a few dozen rows a year, changed once a year in the admin.
HOLIDAYS = ProcessSnapshot("cases:holidays", build=_all_holidays, fingerprint=_holiday_fingerprint)


def _holidays_changed(sender, **kwargs) -> None:
    transaction.on_commit(HOLIDAYS.changed)


post_save.connect(_holidays_changed, sender=Holiday, dispatch_uid="holidays-save")
post_delete.connect(_holidays_changed, sender=Holiday, dispatch_uid="holidays-delete")


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class WorkCalendar:
    periods: tuple[tuple[time, time], ...]
    weekdays: frozenset
    days_off: frozenset
    make_up_days: frozenset
    tz: ZoneInfo

    @classmethod
    def load(cls, since: date | None = None) -> "WorkCalendar":
        """The configured week plus the holidays from `since` on (all of them when None)."""
        periods = tuple(
            (_parse(start), _parse(end))
            for start, end in getattr(
                settings, "MEIHAO_WORKING_PERIODS", (("08:30", "12:00"), ("14:30", "17:30"))
            )
        )
        weekdays = frozenset(getattr(settings, "MEIHAO_WORKING_WEEKDAYS", (0, 1, 2, 3, 4)))
        first = since - timedelta(days=1) if since is not None else date.min
        off: set[date] = set()
        make_up: set[date] = set()
        for day, is_workday in HOLIDAYS.get():
            if day >= first:
                (make_up if is_workday else off).add(day)
        tz = ZoneInfo(getattr(settings, "MEIHAO_WORK_TIMEZONE", "Asia/Shanghai"))
        return cls(periods, weekdays, frozenset(off), frozenset(make_up), tz)

    @property
    def seconds_per_day(self) -> int:
        return sum(
            (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds
            for start, end in self.periods
        )

    def is_workday(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() in self.weekdays

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The instant `seconds` of working time after `start`."""
        local = start.astimezone(self.tz)
        remaining = max(0, int(seconds))
        day = local.date()
        for _ in range(MAX_DAYS):
            if self.is_workday(day):
                for begin, end in self.periods:
                    period_end = datetime.combine(day, end, tzinfo=self.tz)
                    if local >= period_end:
                        continue
                    begin_at = max(datetime.combine(day, begin, tzinfo=self.tz), local)
                    available = int((period_end - begin_at).total_seconds())
                    if remaining <= available:
                        # In UTC, as the database gives it back: an answer built from these
                        # values reads the same as a later read of the row.
                        return (begin_at + timedelta(seconds=remaining)).astimezone(UTC)
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("The working calendar has no working time within ten years.")


def deadline(
    start: datetime, limit: int, unit: str, *, fraction: float = 1.0, calendar=None
) -> datetime:
    """When `fraction` of a limit of `limit` `unit`s starting at `start` has elapsed."""
    if unit == SlaUnit.HOURS:
        return start + timedelta(seconds=round(limit * 3600 * fraction))
    if unit == SlaUnit.DAYS:
        return start + timedelta(seconds=round(limit * 86400 * fraction))
    calendar = calendar or WorkCalendar.load(timezone.localdate(start))
    if unit == SlaUnit.WORK_HOURS:
        return calendar.add_working_seconds(start, round(limit * 3600 * fraction))
    if unit == SlaUnit.WORK_DAYS:
        return calendar.add_working_seconds(
            start, round(limit * calendar.seconds_per_day * fraction)
        )
    raise ValueError(f"Unknown SLA unit {unit!r}.")


@dataclass(frozen=True)
class Thresholds:
    warn_at: datetime
    due_at: datetime
    escalate_at: datetime


def thresholds(start: datetime, limit: int, unit: str, *, calendar=None) -> Thresholds:
    if unit in (SlaUnit.WORK_HOURS, SlaUnit.WORK_DAYS) and calendar is None:
        calendar = WorkCalendar.load(timezone.localdate(start))
    return Thresholds(
        *(
            deadline(start, limit, unit, fraction=f, calendar=calendar)
            for f in (WARN_AT, DUE_AT, DISTRICT_AT)
        )
    )


def extended_thresholds(started_at: datetime, until: datetime) -> Thresholds:
    """After an approved extension: due at `until`; 80 % and 200 % of the stretched span."""
    span = until - started_at
    return Thresholds(started_at + span * WARN_AT, until, started_at + span * DISTRICT_AT)


def colour(now: datetime, warn_at, due_at) -> str:
    if due_at is None:
        return SlaState.GREEN
    if now >= due_at:
        return SlaState.RED
    if warn_at is not None and now >= warn_at:
        return SlaState.YELLOW
    return SlaState.GREEN


def response_running():
    return Case.objects.filter(
        status__in=RESPONSE_RUNNING, responded_at__isnull=True, respond_by__isnull=False
    )


def handling_running():
    return Case.objects.filter(status__in=HANDLING_RUNNING, resolve_by__isnull=False)


CLOCKS = (
    # clock, running cases, state field, warn field, due field, district field
    (Escalation.Clock.RESPONSE, response_running, "response_sla", "respond_warn_at", "respond_by",
     "respond_escalate_at"),
    (Escalation.Clock.HANDLING, handling_running, "handling_sla", "resolve_warn_at", "resolve_by",
     "resolve_escalate_at"),
)  # fmt: skip


def sla_sweep(now: datetime | None = None) -> list[Escalation]:
    """Bring every running clock's colour up to date and record newly crossed escalations.

    A handful of bulk UPDATEs and one `INSERT ... SELECT ... WHERE NOT EXISTS` per (clock,
    level), whatever the number of cases: the case ids never leave the database. Returns the
    escalations this sweep recorded (for the notify layer); running it again at the same or a
    later time never records one twice (and the unique (case, clock, level) constraint with
    ON CONFLICT DO NOTHING covers two sweeps racing). Colours only move up (green → yellow →
    red) here; a clock's colour is frozen by the service that stops it. The case `version` is
    not bumped: a colour is derived from time, not an edit that should conflict with an action.
    """
    now = now or timezone.now()
    sweep_id = uuid.uuid4().hex
    with transaction.atomic():
        for clock, running, state, warn, due, district in CLOCKS:
            running().filter(**{f"{due}__lte": now}).exclude(**{state: SlaState.RED}).update(
                **{state: SlaState.RED}
            )
            running().filter(
                **{f"{warn}__lte": now, f"{due}__gt": now, state: SlaState.GREEN}
            ).update(**{state: SlaState.YELLOW})
            for level, field in (
                (Escalation.Level.STREET, due),
                (Escalation.Level.DISTRICT, district),
            ):
                already = Escalation.objects.filter(case=OuterRef("pk"), clock=clock, level=level)
                crossed = running().filter(**{f"{field}__lte": now}).exclude(Exists(already))
                _insert_escalations(crossed, clock=clock, level=level, now=now, sweep_id=sweep_id)
        escalations, crossed = _recorded(sweep_id, now)
        # In the same transaction: an escalation exists exactly when its message does.
        case_notify_overdue(sweep_id, crossed)
    return escalations


def _recorded(sweep_id: str, now: datetime) -> tuple[list[Escalation], list[tuple]]:
    """The escalations the sweep `sweep_id` inserted, oldest first, and for the digest each
    one's (level, case number, case place path) — read together in one query.

    Built from plain columns: after a long holiday a sweep records a month of backlog at once
    (150,000 rows at 100,000 open cases), and converting each row's timestamp back from the
    database would cost more than inserting it. Every row of the sweep has `created_at` = `now`.
    """
    rows = (
        Escalation.objects.filter(sweep_id=sweep_id)
        .order_by("id")
        .values_list("id", "case_id", "clock", "level", "case__number", "case__place_path")
    )
    db = rows.db
    escalations, crossed = [], []
    for pk, case_id, clock, level, number, place_path in rows:
        escalations.append(_loaded(db, pk, case_id, clock, level, now, sweep_id))
        crossed.append((level, case_id, number, place_path))
    return escalations, crossed


def _loaded(db, pk, case_id, clock, level, created_at, sweep_id) -> Escalation:
    """An Escalation as a queryset would load it from `db`, without Model.__init__.

    Model.__init__ (signals, per-field defaults and descriptors) is most of the cost of
    building 150,000 instances; this sets the same instance attributes and the loaded state
    directly. Escalation has no pre_init / post_init receivers to skip.
    """
    instance = Escalation.__new__(Escalation)
    state = ModelState()
    state.adding = False
    state.db = db
    instance.__dict__.update(
        _state=state,
        id=pk,
        case_id=case_id,
        clock=clock,
        level=level,
        created_at=created_at,
        sweep_id=sweep_id,
    )
    return instance


def _insert_escalations(cases, *, clock: str, level: int, now: datetime, sweep_id: str) -> None:
    """INSERT INTO escalation (...) SELECT id, clock, level, now, sweep FROM <cases>."""
    connection = connections[router.db_for_write(Escalation)]
    rows = cases.order_by().values_list(
        "pk",
        Value(clock, output_field=CharField()),
        Value(level, output_field=PositiveSmallIntegerField()),
        Value(now, output_field=DateTimeField()),
        Value(sweep_id, output_field=CharField()),
    )
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    meta = Escalation._meta
    # django-stubs types get_field as any field or relation, whose column may be None; these
    # are concrete fields.
    columns = ", ".join(
        quote(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in ("case", "clock", "level", "created_at", "sweep_id")
    )
    # The SELECT always has a WHERE clause (the running statuses), which SQLite needs to parse
    # the ON CONFLICT that follows it. Only quoted names are interpolated; values are params.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) {select} "  # noqa: S608
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
