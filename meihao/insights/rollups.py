"""Rollups: an indicator's figures summed from stored rows instead of scanning its records.

An indicator that declares a `Rollup` (registry) has, per local day and per place, a
`RollupRow` holding the numerator (records counted, those in a rate's numerator, or an amount
summed) and the denominator (a rate's or a mean's records) of the records of that day in the
place's subtree: a record counts in the row of its own place and in those of every place above
it, up to "" (everywhere). A figure over a span is then the sum of the rows of its days at
exactly its place — one indexed read of at most as many rows as days, whatever the number of
records or of places below (`stored`, and `stored_many` for many figures in one query) —
finished into the same `Measure` the indicator computes live.

Kept current:
* `rebuild(indicator, since=)` — every row of the indicator (from a day on) from its records, in
  one query grouped by day and the records' own place, summed up the tree day by day; records a
  `RollupState`. Until then the indicator is read live.
* Saves and deletes of a declared source model mark the (indicator, day) of the record before
  and after the change dirty (`RollupDirty`, in the writer's transaction); `refresh()` (the
  worker, every minute) recomputes each dirty day with one grouped query. A span with a dirty
  day is read live meanwhile, so a page never shows a stale figure.
* Bulk UPDATEs and raw writes bypass the signals: `recent()` (nightly) recomputes the 40 days
  either side of today and builds any indicator never built.

`mismatches()` (the `rollup_check` command) compares stored and live figures month by month.
"""

import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, reduce
from itertools import chain
from operator import or_

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, Model, Q, Sum
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import TruncDate
from django.db.models.signals import post_init, post_save, pre_delete, pre_save
from django.utils import timezone

from meihao.insights.models import RollupDirty, RollupRow, RollupState
from meihao.insights.registry import REGISTRY, Indicator, Measure, Span, Unit, rate_measure
from meihao.places.models import PATH_SEPARATOR

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
    one grouped query over its records, by day; an indicator judged at its months' ends
    (`Rollup.month_end`), one query a month of records, each judged at that month's end."""
    from meihao.insights.figures import month_last

    rollup = indicator.rollup
    assert rollup is not None
    if not rollup.month_end:
        return _grouped_over(indicator, Span.of("", first, last)).order_by("_day")
    records = indicator.records(Span.of("", first, last)).order_by()
    day = _day_expression(records.model, rollup.day)
    every = records.annotate(_day=day).aggregate(low=Min("_day"), high=Max("_day"))
    if every["low"] is None:
        return []
    months = []
    month = max(first, _as_date(every["low"])).replace(day=1)
    while month <= min(last, _as_date(every["high"])):
        judged = Span.of("", month, month_last(month))
        days = (max(first, month), min(last, month_last(month)))
        months.append(_grouped_over(indicator, judged).filter(_day__range=days).order_by("_day"))
        month = month_last(month) + timedelta(days=1)
    return chain.from_iterable(m.iterator(chunk_size=BATCH) for m in months)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _grouped_over(indicator: Indicator, span: Span):
    rollup = indicator.rollup
    records = indicator.records(span).order_by()
    rows = records.annotate(
        _day=_day_expression(records.model, rollup.day), _place=F(rollup.place)
    ).values("_day", "_place")
    if rollup.amount is not None:
        sums = {"num": Sum(rollup.amount)}
        if rollup.counted:
            sums["den"] = Count("pk")
        if rollup.out_of is not None:
            sums["den"] = Sum(rollup.out_of)
        rows = rows.annotate(**sums)
    elif indicator.unit == Unit.PERCENT:
        rows = rows.annotate(
            num=Count("pk", filter=Q(in_numerator=True), distinct=True),
            den=Count("pk", distinct=True),
        )
    else:
        rows = rows.annotate(num=Count("pk", distinct=True))
    return rows.order_by()


def ancestors(place_path: str) -> list[str]:
    """The places a record at `place_path` counts under, widest first: "" (everywhere), then
    each place down the path to its own."""
    paths = [""]
    for code in place_path.split(PATH_SEPARATOR):
        if code:
            paths.append(paths[-1] + code + PATH_SEPARATOR)
    return paths


def _insert(rows: list[tuple]) -> None:
    """(indicator, day, place path, numerator, denominator) rows, in one statement a batch:
    written by the thousand on a rebuild, so without building a model instance for each."""
    table = RollupRow._meta.db_table
    sql = (
        f"INSERT INTO {connection.ops.quote_name(table)} "  # noqa: S608 - the model's table
        "(indicator, day, place_path, numerator, denominator) VALUES (%s, %s, %s, %s, %s)"
    )
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for at in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [(c, adapt(day), p, n, d) for c, day, p, n, d in rows[at : at + BATCH]]
            )


def _write(indicator: Indicator, first: date, last: date) -> int:
    """Replace the indicator's rows of the days first … last; answers how many were written.
    The records are grouped by day and their own place in one query; each group is added to
    the row of its place and of every place above it, a day at a time."""
    rollup = indicator.rollup
    denominator = indicator.unit == Unit.PERCENT or bool(
        rollup and (rollup.counted or rollup.out_of is not None)
    )
    written = 0
    with transaction.atomic():
        RollupRow.objects.filter(indicator=indicator.code, day__range=(first, last)).delete()
        day, sums = None, {}

        def flush():
            rows = [
                (indicator.code, day, path, num, den if denominator else None)
                for path, (num, den) in sums.items()
            ]
            _insert(rows)
            sums.clear()
            return len(rows)

        grouped = _grouped(indicator, first, last)
        if hasattr(grouped, "iterator"):
            grouped = grouped.iterator(chunk_size=BATCH)
        for row in grouped:
            if row["_day"] is None or row["_place"] is None:
                continue
            if row["_day"] != day:
                written += flush()
                day = row["_day"]
            num, den = float(row["num"] or 0), row.get("den") or 0
            for path in ancestors(row["_place"]):
                summed = sums.setdefault(path, [0.0, 0])
                summed[0] += num
                summed[1] += den
        written += flush()
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
        # Made with what it points at in hand (an event with its case): read from there.
        if (loaded := _loaded_values(instance, paths)) is not None:
            return [loaded]
    if not paths or instance.pk is None:
        return []
    return list(type(instance)._base_manager.filter(pk=instance.pk).values(*paths))


def _loaded_values(instance, paths: list[str]) -> dict | None:
    """The values at `paths` through the related objects loaded on `instance`, or None when
    one of them is not loaded."""
    values = {}
    for path in paths:
        *hops, name = path.split(LOOKUP_SEP)
        target = instance
        for hop in hops:
            field = target._meta.get_field(hop)
            if not field.concrete or not field.is_cached(target):
                return None
            target = getattr(target, hop)
            if target is None:
                break
        if target is not None and name not in target.__dict__:
            return None
        values[path] = None if target is None else target.__dict__[name]
    return values


def mark_update(instance: Model, changes: dict) -> None:
    """Mark the days that a queryset UPDATE of `instance` to `changes` (field → new value) may
    move, in the caller's transaction — a save marks its own, an UPDATE by a queryset does not
    (the case engine's conditional update): the days of its watched fields before (call it
    before setting the new values on the instance) and after, and those through its
    relations."""
    watch = WATCHED.get(type(instance))
    if watch is None:
        return
    before = _local_values(watch, instance)
    after = {**before, **{path: changes[path] for path in watch.local if path in changes}}
    days = _days(watch, before) | _days(watch, after)
    for row in _related_values(watch, instance):
        days |= _days(watch, row)
    mark(days)


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


def _fits(indicator: Indicator, span: Span) -> bool:
    """Whether the rows can answer the span at all: the indicator is rolled up, the span is not
    narrowed (a case type, a department…), and for one judged at its months' ends it is one
    calendar month, whole or up to today (nothing can have happened after now)."""
    from meihao.insights.figures import month_last

    rollup = indicator.rollup
    if rollup is None or span.narrowed:
        return False
    if not rollup.month_end:
        return True
    first, last = span.first_day, span.last_day
    return (
        first.day == 1
        and (last == month_last(first) or last == timezone.localdate())
        and ((first.year, first.month) == (last.year, last.month))
    )


def readable(indicator: Indicator, span: Span) -> bool:
    """Whether the span's figure may be read from the rows: they can answer it (`_fits`), the
    indicator is built over its days and none of them is dirty."""
    if not _fits(indicator, span):
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
    """The rows of a figure of the place: its own (they hold the records below it)."""
    return RollupRow.objects.filter(
        indicator=indicator.code, day__range=(first, last), place_path=place_path
    )


def stored(indicator: Indicator, span: Span) -> Measure:
    """The span's figure summed from the rows, whatever their freshness."""
    row = _rows(indicator, span.place_path, span.first_day, span.last_day).aggregate(
        num=Sum("numerator"), den=Sum("denominator")
    )
    return finished(indicator, row["num"], row["den"])


def readable_many(wanted: list[tuple[Indicator, Span]]) -> list[bool]:
    """`readable` of each (indicator, span), in two queries whatever their number: the states
    of their indicators, and the dirty days among all their days."""
    candidates = {indicator.code for indicator, span in wanted if _fits(indicator, span)}
    if not candidates:
        return [False] * len(wanted)
    since = dict(
        RollupState.objects.filter(indicator__in=candidates).values_list("indicator", "since")
    )
    spans = [span for indicator, span in wanted if indicator.code in since]
    dirty = defaultdict(list)
    if spans:
        days = (min(s.first_day for s in spans), max(s.last_day for s in spans))
        marks = RollupDirty.objects.filter(indicator__in=list(since), day__range=days)
        for code, day in marks.values_list("indicator", "day"):
            dirty[code].append(day)
    readable = []
    for indicator, span in wanted:
        built = indicator.code in candidates and indicator.code in since
        first = since.get(indicator.code)
        readable.append(
            built
            and _fits(indicator, span)
            and (first is None or first <= span.first_day)
            and not any(span.first_day <= day <= span.last_day for day in dirty[indicator.code])
        )
    return readable


def stored_many(wanted: list[tuple[Indicator, Span]]) -> list[Measure]:
    """`stored` of each (indicator, span), in one query over their rows: for each place, the
    rows of its indicators over all its spans' days, summed span by span."""
    if not wanted:
        return []
    by_place: dict[str, tuple[set, list[date]]] = {}
    for indicator, span in wanted:
        codes, days = by_place.setdefault(span.place_path, (set(), []))
        codes.add(indicator.code)
        days += [span.first_day, span.last_day]
    # Places asked the same figures over the same days (a board's peers) share one condition.
    alike = defaultdict(list)
    for path, (codes, days) in by_place.items():
        alike[(tuple(sorted(codes)), min(days), max(days))].append(path)
    condition = reduce(
        or_,
        (
            Q(place_path__in=paths, indicator__in=codes, day__range=(first, last))
            for (codes, first, last), paths in alike.items()
        ),
    )
    series = defaultdict(lambda: ([], [], []))  # days, numerators, denominators
    rows = RollupRow.objects.filter(condition).order_by("indicator", "place_path", "day")
    for code, path, day, num, den in rows.values_list(
        "indicator", "place_path", "day", "numerator", "denominator"
    ):
        days, nums, dens = series[(code, path)]
        days.append(day)
        nums.append(num)
        dens.append(den)
    measures = []
    for indicator, span in wanted:
        days, nums, dens = series[(indicator.code, span.place_path)]
        low, high = bisect_left(days, span.first_day), bisect_right(days, span.last_day)
        kept = [d for d in dens[low:high] if d is not None]
        # As SQL sums them: None without rows (or without a denominator kept).
        den = sum(kept) if kept else None
        measures.append(finished(indicator, sum(nums[low:high]) if high > low else None, den))
    return measures


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
