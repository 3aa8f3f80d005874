"""Rollups: an indicator's figures summed from stored rows instead of scanning its records.

An indicator that declares a `Rollup` (registry) has, per local day and per place path its
records fall on, a `RollupRow` holding the numerator (records counted, those in a rate's
numerator, or an amount summed) and the denominator (a rate's or a mean's records). A figure
over a span is then one aggregate over the rows of its days under its place path
(`stored`), finished into the same `Measure` the indicator computes live.

Kept current:
* `rebuild(indicator, since=)` — every row of the indicator (from a day on) from its records, in
  one grouped query; records a `RollupState`. Until then the indicator is read live.
* Saves and deletes of a declared source model mark the (indicator, day) of the record before
  and after the change dirty (`RollupDirty`, in the writer's transaction); `refresh()` (the
  worker, every minute) recomputes each dirty day with one grouped query. A span with a dirty
  day is read live meanwhile, so a page never shows a stale figure.
* Bulk UPDATEs and raw writes bypass the signals: `recent()` (nightly) recomputes the 40 days
  either side of today and builds any indicator never built.

`mismatches()` (the `rollup_check` command) compares stored and live figures month by month.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Exists, F, Model, Q, Sum
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import TruncDate, TruncMonth
from django.db.models.signals import post_init, post_save, pre_delete, pre_save
from django.utils import timezone

from meihao.insights.models import RollupDirty, RollupRow, RollupState
from meihao.insights.registry import REGISTRY, Indicator, Measure, Span, Unit, rate_measure

EVERY_DAY = (date(2000, 1, 1), date(2100, 12, 31))
RECENT_DAYS = 40
BATCH = 2000


def rolled_up() -> list[Indicator]:
    """The registered indicators that declare a rollup, by code."""
    return sorted((i for i in REGISTRY.values() if i.rollup is not None), key=lambda i: i.code)


# ---------------------------------------------------------------------------------------------
# Computing rows from the records


def _field_at(model, path: str):
    """The model field at the end of `path` (e.g. "signup__activity__starts_at")."""
    *relations, name = path.split(LOOKUP_SEP)
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def _day_expression(model, path: str):
    if _field_at(model, path).get_internal_type() == "DateTimeField":
        return TruncDate(path, tzinfo=timezone.get_current_timezone())
    return F(path)


def _grouped(indicator: Indicator, first: date, last: date) -> Iterable[dict]:
    """The indicator's (day, place_path, numerator, denominator) over the days first … last, in
    one grouped query over its records."""
    rollup = indicator.rollup
    assert rollup is not None
    records = indicator.records(Span.of("", first, last)).order_by()
    rows = records.annotate(
        _day=_day_expression(records.model, rollup.day), _place=F(rollup.place)
    ).values("_day", "_place")
    if rollup.amount is not None:
        sums = {"num": Sum(rollup.amount)}
        if rollup.counted:
            sums["den"] = Count("pk")
        rows = rows.annotate(**sums)
    elif indicator.unit == Unit.PERCENT:
        rows = rows.annotate(
            num=Count("pk", filter=Q(in_numerator=True), distinct=True),
            den=Count("pk", distinct=True),
        )
    else:
        rows = rows.annotate(num=Count("pk", distinct=True))
    return rows.order_by()


def _write(indicator: Indicator, first: date, last: date) -> int:
    """Replace the indicator's rows of the days first … last; answers how many were written."""
    rollup = indicator.rollup
    denominator = indicator.unit == Unit.PERCENT or bool(rollup and rollup.counted)
    written = 0
    with transaction.atomic():
        RollupRow.objects.filter(indicator=indicator.code, day__range=(first, last)).delete()
        batch = []
        for row in _grouped(indicator, first, last).iterator(chunk_size=BATCH):
            if row["_day"] is None or row["_place"] is None:
                continue
            batch.append(
                RollupRow(
                    indicator=indicator.code,
                    day=row["_day"],
                    place_path=row["_place"],
                    numerator=float(row["num"] or 0),
                    denominator=(row.get("den") or 0) if denominator else None,
                )
            )
            if len(batch) >= BATCH:
                RollupRow.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        RollupRow.objects.bulk_create(batch)
        written += len(batch)
    return written


def rebuild(indicator: Indicator, *, since: date | None = None) -> int:
    """Every row of the indicator (from `since` on) from its records; from then on it is read
    from them. Answers how many rows were written."""
    first = since or EVERY_DAY[0]
    with transaction.atomic():
        # The marks seen before reading the records are answered by it; one made meanwhile
        # (a writer committing during the rebuild) stays for the worker.
        marks = RollupDirty.objects.filter(indicator=indicator.code, day__gte=first)
        tokens = sorted(set(marks.values_list("token", flat=True)))
        written = _write(indicator, first, EVERY_DAY[1])
        state = RollupState.objects.select_for_update().filter(indicator=indicator.code).first()
        covered = since
        if state is not None and since is not None and (state.since is None or state.since < since):
            covered = state.since  # the days before `since` were built already
        RollupState.objects.update_or_create(
            indicator=indicator.code, defaults={"since": covered, "built_at": timezone.now()}
        )
        for at in range(0, len(tokens), 500):
            marks.filter(token__in=tokens[at : at + 500]).delete()
    return written


def refresh(limit: int = 500) -> int:
    """Recompute the dirty days (at most `limit`), one grouped query each; answers how many."""
    built = set(RollupState.objects.values_list("indicator", flat=True))
    done = 0
    for mark in RollupDirty.objects.order_by("indicator", "day")[:limit]:
        indicator = REGISTRY.get(mark.indicator)
        if indicator is not None and indicator.rollup is not None and mark.indicator in built:
            _write(indicator, mark.day, mark.day)
            done += 1
        # A mark made again while this day was being recomputed stays (its token changed).
        RollupDirty.objects.filter(pk=mark.pk, token=mark.token).delete()
    return done


def recent(days: int = RECENT_DAYS) -> int:
    """Nightly: recompute the `days` days either side of today of every indicator built (bulk
    updates bypass the marks), and build those never built. Answers the rows written."""
    today = timezone.localdate()
    built = set(RollupState.objects.values_list("indicator", flat=True))
    written = 0
    for indicator in rolled_up():
        if indicator.code in built:
            written += _write(indicator, today - timedelta(days=days), today + timedelta(days=days))
        else:
            written += rebuild(indicator)
    return written


# ---------------------------------------------------------------------------------------------
# Marking changed days


def _local_day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


@dataclass
class _Watch:
    """What a source model's changes touch: per path to a day field, the indicators."""

    paths: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @cached_property
    def local(self) -> list[str]:
        return [p for p in self.paths if LOOKUP_SEP not in p]

    @cached_property
    def related(self) -> list[str]:
        return [p for p in self.paths if LOOKUP_SEP in p]


WATCHED: dict[type[Model], _Watch] = {}
SNAPSHOT = "_rollup_days"


def mark(codes_days: Iterable[tuple[str, date]]) -> None:
    """Mark (indicator, day) pairs dirty, in the caller's transaction."""
    marks = {(code, day) for code, day in codes_days if day is not None}
    if not marks:
        return
    token = uuid.uuid4().hex
    RollupDirty.objects.bulk_create(
        [RollupDirty(indicator=code, day=day, token=token) for code, day in sorted(marks)],
        update_conflicts=True,
        unique_fields=["indicator", "day"],
        update_fields=["token"],
    )


def _days(watch: _Watch, values: dict) -> set[tuple[str, date]]:
    return {
        (code, day)
        for path, codes in watch.paths.items()
        if (day := _local_day(values.get(path))) is not None
        for code in codes
    }


def _local_values(watch: _Watch, instance) -> dict:
    # Loaded fields only (a deferred one would cost a query); runs for every row loaded.
    values = instance.__dict__
    return {path: values[path] for path in watch.local if path in values}


def _related_values(watch: _Watch, instance, *, created=False) -> list[dict]:
    paths = watch.related
    if created:
        # Nothing points at a row just created: only forward relations lead anywhere.
        meta = type(instance)._meta
        paths = [p for p in paths if meta.get_field(p.split(LOOKUP_SEP)[0]).concrete]
    if not paths or instance.pk is None:
        return []
    return list(type(instance)._base_manager.filter(pk=instance.pk).values(*paths))


def _on_init(sender, instance, **kwargs):
    watch = WATCHED.get(sender)
    if watch is not None and instance.pk is not None:
        setattr(instance, SNAPSHOT, _local_values(watch, instance))


def _on_pre_save(sender, instance, raw=False, **kwargs):
    watch = WATCHED.get(sender)
    if watch is None or raw or instance._state.adding:
        return
    known = getattr(instance, SNAPSHOT, {})
    missing = [p for p in watch.local if p not in known]
    old = dict(known)
    if missing or watch.related:
        for row in (
            type(instance)._base_manager.filter(pk=instance.pk).values(*missing, *watch.related)
        ):
            old.update(row)
    instance._rollup_old = _days(watch, old)


def _on_post_save(sender, instance, created=False, raw=False, **kwargs):
    watch = WATCHED.get(sender)
    if watch is None or raw:
        return
    now = _local_values(watch, instance)
    days = _days(watch, now) | getattr(instance, "_rollup_old", set())
    if created:
        # The days through relations; an update keeps those read before it (pre_save).
        for row in _related_values(watch, instance, created=True):
            days |= _days(watch, row)
    mark(days)
    setattr(instance, SNAPSHOT, now)
    instance.__dict__.pop("_rollup_old", None)


def _on_pre_delete(sender, instance, **kwargs):
    watch = WATCHED.get(sender)
    if watch is None:
        return
    days = _days(watch, _local_values(watch, instance))
    for row in _related_values(watch, instance):
        days |= _days(watch, row)
    mark(days)


def connect() -> None:
    """Watch the source models of every rolled-up indicator (run once the registry is full)."""
    WATCHED.clear()
    for indicator in rolled_up():
        assert indicator.rollup is not None
        for label, path in indicator.rollup.sources:
            model = apps.get_model(label)
            WATCHED.setdefault(model, _Watch()).paths[path].append(indicator.code)
    for model in WATCHED:
        uid = f"rollups:{model._meta.label}"
        post_init.connect(_on_init, sender=model, dispatch_uid=uid)
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(_on_post_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=uid)


# ---------------------------------------------------------------------------------------------
# Reading


def finished(indicator: Indicator, numerator, denominator) -> Measure:
    """The summed rows as the indicator's Measure, as its `value` computes it live."""
    rollup = indicator.rollup
    assert rollup is not None
    if rollup.finish is not None:
        return rollup.finish(numerator or 0, denominator)
    if indicator.unit == Unit.PERCENT:
        return rate_measure(int(numerator or 0), int(denominator or 0))
    n = int(numerator or 0)
    return Measure(value=n, numerator=n, denominator=None)


def readable(indicator: Indicator, span: Span) -> bool:
    """Whether the span's figure may be read from the rows: the indicator is built over its
    days, none of them is dirty, and it is not narrowed (a case type, a department…)."""
    if indicator.rollup is None or span.narrowed:
        return False
    state = (
        RollupState.objects.filter(indicator=indicator.code)
        .annotate(
            dirty=Exists(
                RollupDirty.objects.filter(
                    indicator=indicator.code, day__range=(span.first_day, span.last_day)
                )
            )
        )
        .values_list("since", "dirty")
        .first()
    )
    if state is None:
        return False
    since, dirty = state
    return not dirty and (since is None or since <= span.first_day)


def _rows(indicator: Indicator, place_path: str, first: date, last: date):
    return RollupRow.objects.filter(
        indicator=indicator.code, day__range=(first, last), place_path__startswith=place_path
    )


def stored(indicator: Indicator, span: Span) -> Measure:
    """The span's figure summed from the rows, whatever their freshness."""
    row = _rows(indicator, span.place_path, span.first_day, span.last_day).aggregate(
        num=Sum("numerator"), den=Sum("denominator")
    )
    return finished(indicator, row["num"], row["den"])


def stored_months(indicator: Indicator, place_path: str, firsts: list[date], last: date) -> dict:
    """{first day of a month: Measure} of the months from firsts[0] to `last`, in one grouped
    query over the rows; a month without rows is the figure of nothing."""
    rows = (
        _rows(indicator, place_path, firsts[0], last)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
        .order_by()
    )
    sums = {_as_date(row["month"]): (row["num"], row["den"]) for row in rows}
    return {first: finished(indicator, *sums.get(first, (0, None))) for first in firsts}


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def unreadable_months(indicator: Indicator, firsts: list[date], last: date) -> set[date] | None:
    """The months (by first day) that must be read live: None when all must (not built), else
    those before the built days or with a dirty day."""
    state = RollupState.objects.filter(indicator=indicator.code).values_list("since", flat=True)
    built = list(state)
    if not built:
        return None
    since = built[0]
    dirty_days = RollupDirty.objects.filter(
        indicator=indicator.code, day__range=(firsts[0], last)
    ).values_list("day", flat=True)
    dirty = {day.replace(day=1) for day in dirty_days}
    return {first for first in firsts if first in dirty or (since is not None and first < since)}


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass
class Report:
    compared: int = 0
    pending: int = 0  # spans with a day waiting to be recomputed (read live meanwhile)
    problems: list[str] = field(default_factory=list)


def mismatches(
    *, place_paths: list[str] | None = None, months: int = 12, codes: list[str] | None = None
) -> Report:
    """Compare the stored and the live figure of every rolled-up indicator (or `codes`) for
    each of the last `months` months at each place path (by default the districts and the
    streets); an indicator never built is a problem."""
    from meihao.insights.figures import month_firsts, month_last
    from meihao.places.models import Level, Place

    if place_paths is None:
        place_paths = list(
            Place.objects.filter(level__in=[Level.DISTRICT, Level.STREET])
            .order_by("path")
            .values_list("path", flat=True)
        )
    report = Report()
    built = set(RollupState.objects.values_list("indicator", flat=True))
    for indicator in rolled_up():
        if codes and indicator.code not in codes:
            continue
        if indicator.code not in built:
            report.problems.append(f"{indicator.code}: never built (run rollup_rebuild)")
            continue
        for first in month_firsts(timezone.localdate(), months):
            for path in place_paths:
                span = Span.of(path, first, month_last(first))
                if not readable(indicator, span):
                    report.pending += 1
                    continue
                report.compared += 1
                rolled, live = stored(indicator, span), indicator.measure(span)
                if rolled != live:
                    report.problems.append(
                        f"{indicator.code} {first:%Y-%m} {path}: rollup {_shown(rolled)}, "
                        f"live {_shown(live)}"
                    )
    return report


def _shown(m: Measure) -> str:
    return f"{m.value} ({m.numerator}/{m.denominator})"
