"""The indicator registry: every figure the product shows, registered once with its records.

An indicator is a named, documented function of the records, computable for any place subtree
and period (a `Span`), that also says WHICH records it counted, so that every number links to
the list behind it. Each app registers its figures in its own `indicators.py` (found by
`autodiscover`, run from `InsightsConfig.ready`). `activities/indicators.py` is the example:

    VOLUNTEERING = Capability("volunteering", _("Volunteering"), ORGANISERS)

    def service_records(span):  # the records counted, as a queryset
        return ServiceRecord.objects.filter(place_path__startswith=span.place_path, ...)

    register(
        Indicator(
            code="service_records",
            name=_("Service records"),
            definition=_("Volunteer service records of service days in the period."),
            unit=Unit.COUNT,
            capability=VOLUNTEERING,
            records=service_records,
            columns=(Column(_("Volunteer"), lambda r: r.person.real_name), ...),
            link=lambda r: reverse("activities:detail", args=[r.activity_id]),
        )
    )

`value` defaults from the unit: a COUNT is the number of records; a PERCENT rate counts the
records annotated `in_numerator` (True or False) over all of them. Anything else (a sum, a mean)
passes its own `value`, answering a `Measure`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Count, F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.places.models import CODE_LENGTH, PATH_SEPARATOR, Level, Place


class Unit(models.TextChoices):
    COUNT = "count", pgettext_lazy("unit", "count")
    PERCENT = "%", pgettext_lazy("unit", "percent")
    HOURS = "h", pgettext_lazy("unit", "hours")
    MINUTES = "min", pgettext_lazy("unit", "minutes")
    DAYS = "d", pgettext_lazy("unit", "days")
    POINTS = "points", pgettext_lazy("unit", "points")
    YUAN = "yuan", pgettext_lazy("unit", "yuan")


@dataclass(frozen=True)
class Measure:
    """An indicator's value with what it was computed from.

    For a rate, `value` is a percentage (0–100) = 100 × numerator / denominator, or None when
    the denominator is 0 (nothing to count is not 0 %). For a count, value = numerator and
    denominator is None. For a mean, value = numerator / denominator (e.g. hours / cases).
    """

    value: float | None
    numerator: float
    denominator: int | None


@dataclass(frozen=True)
class Capability:
    """A part of the product whose figures are read by the same staff roles.

    `roles` hold the place roles whose scope decides which places' figures a user may read.
    """

    code: str
    name: Promise
    roles: frozenset


@dataclass(frozen=True)
class Span:
    """A place subtree and a period: what an indicator is computed over; for an indicator
    about cases (`Indicator.about_cases`), also the case type and channel its cases are narrowed
    to ("" for all; checked by insights.selectors.case_filters before a span is made); for one
    that answers for a department or a team (`Indicator.by_department`, `by_team`), the one whose
    records alone it counts (None for all: a department head's and a team leader's figures)."""

    place_path: str
    start: datetime  # inclusive
    end: datetime  # exclusive
    first_day: date
    last_day: date  # inclusive
    case_type: str = ""  # a CaseType code
    channel: str = ""  # a Case.Channel value
    department: int | None = None  # an Organisation's pk: the department responsible
    team: int | None = None  # a Team's pk: the records of it and the teams under it

    @classmethod
    def of(
        cls,
        place_path: str,
        first_day: date,
        last_day: date,
        *,
        case_type="",
        channel="",
        department=None,
        team=None,
    ) -> "Span":
        """The days first_day … last_day (inclusive) in the local time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(first_day, time.min, tzinfo=zone)
        end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
        return cls(
            place_path, start, end, first_day, last_day, case_type, channel, department, team
        )

    @property
    def narrowed(self) -> bool:
        """Narrowed to a subset of the place's records: never read from the rollup rows, which
        are kept per day and place only."""
        return bool(self.case_type or self.channel or self.department or self.team)

    @property
    def narrowing(self) -> dict:
        """The span's narrowing, to make another span of the same records."""
        return {
            "case_type": self.case_type,
            "channel": self.channel,
            "department": self.department,
            "team": self.team,
        }


@dataclass(frozen=True)
class Column:
    """One column of the records list (and of its Excel export): `value` reads it from a
    record. A column that shows one field of the records, or of a row they join, may name its
    path as `field` instead, with how a value is `shown` ("" for nothing): an export then reads
    the column from the rows' values without building their models — hundreds of thousands of
    rows at a city's scale (`insights.selectors.record_cells`); `value` reads the same path."""

    label: Promise
    value: Callable[[object], object] = None  # type: ignore[assignment]  # from `field`
    field: str | None = None
    shown: Callable[[object], object] | None = None

    def __post_init__(self):
        if self.value is None:
            if self.field is None:
                raise ValueError(f"Column {self.label!r} needs a value or a field.")
            object.__setattr__(self, "value", lambda record: self.show(_at(record, self.field)))

    def show(self, value):
        """A value of the column's field as the column shows it."""
        if value is None:
            return ""
        return value if self.shown is None else self.shown(value)


def _at(record, path: str):
    """The value at a field path (`person__real_name`) of a record; None past a missing row."""
    for name in path.split("__"):
        if record is None:
            return None
        record = getattr(record, name)
    return record


@dataclass(frozen=True)
class Rollup:
    """How an indicator's records fall on days and places, so that its value over any span can
    be summed from stored per-day, per-place rows (`insights.rollups`) instead of scanning the
    records: declared only for an additive figure — a count, a rate, a sum or a mean whose
    records each belong to one day and one place and are counted the same whatever the span
    (never distinct people over a period, nor a standing count "as of" a day).

    `day` is the field path, over the records, of the date or time that puts a record in a
    span (its local day); `place` the records' place path field. `sources` are the
    (model label, path from that model to the day field) whose saves and deletes may change
    the figure on that day: the rows of those days are recomputed by the worker. `amount`,
    for a sum or a mean, is the expression summed into the numerator (`counted`: a mean, whose
    denominator counts the records; `out_of`: a rate of parts, whose denominator sums that
    expression — members present of members called) and `finish` turns the summed numerator
    and denominator into the indicator's `Measure` exactly as its `value` does. A count needs
    none of them (the records counted), nor a rate (those `in_numerator` over all).

    `month_end`: the numerator's condition depends on the span's end (the closure rate: closed
    before it), so each record is judged at the end of its calendar month, and a span is read
    from the rows only when it is one calendar month, whole or up to today; other spans live.

    The source models' saves and deletes mark their days themselves; a service that changes a
    source with a queryset UPDATE marks them with `insights.rollups.mark_update`."""

    day: str
    place: str
    sources: tuple[tuple[str, str], ...]
    amount: object = None
    counted: bool = False
    out_of: object = None
    finish: Callable[[float, int | None], Measure] | None = None
    month_end: bool = False


def hours_measure(minutes) -> Measure:
    """Minutes summed, as hours to one decimal (`hours_of`)."""
    hours = round((minutes or 0) / 60, 1)
    return Measure(value=hours, numerator=hours, denominator=None)


def count_of(records: Callable[[Span], QuerySet]) -> Callable[[Span], Measure]:
    def value(span: Span) -> Measure:
        n = records(span).count()
        return Measure(value=n, numerator=n, denominator=None)

    return value


def hours_of(
    records: Callable[[Span], QuerySet], minutes: str = "minutes"
) -> Callable[[Span], Measure]:
    """The records' `minutes` summed, in hours to one decimal, in one aggregate query."""

    def value(span: Span) -> Measure:
        return hours_measure(records(span).aggregate(total=Sum(minutes, default=0))["total"])

    return value


class ElapsedSeconds(Func):
    """Seconds from `start` to `end` (two datetime columns), on SQLite and PostgreSQL."""

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL and others
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        return f"EXTRACT(EPOCH FROM ({end[0]} - {start[0]}))", [*end[1], *start[1]]

    def as_sqlite(self, compiler, connection, **extra):
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        # To the millisecond, so that whole seconds sum exactly in any order (the rollups'
        # per-day sums equal the live sum over the period).
        return (
            f"ROUND((julianday({end[0]}) - julianday({start[0]})) * 86400.0, 3)",
            [*end[1], *start[1]],
        )


def mean_hours_of(
    records: Callable[[Span], QuerySet], *, end: str, start: str
) -> Callable[[Span], Measure]:
    """The mean hours from `start` to `end` (two datetime fields) of the records that have an
    `end`, in one aggregate query: numerator the hours summed, denominator how many."""

    def value(span: Span) -> Measure:
        row = (
            records(span)
            .filter(**{f"{end}__isnull": False})
            .aggregate(
                seconds=Coalesce(Sum(ElapsedSeconds(F(end), F(start))), Value(0.0)),
                count=Count("pk"),
            )
        )
        if not row["count"]:
            return Measure(value=None, numerator=0, denominator=0)
        hours = row["seconds"] / 3600.0
        return Measure(
            value=round(hours / row["count"], 1),
            numerator=round(hours, 1),
            denominator=row["count"],
        )

    return value


def rate_of(records: Callable[[Span], QuerySet]) -> Callable[[Span], Measure]:
    """Records annotated `in_numerator` / all the records, in one aggregate query."""

    def value(span: Span) -> Measure:
        row = records(span).aggregate(num=Count("pk", filter=Q(in_numerator=True)), den=Count("pk"))
        return rate_measure(row["num"], row["den"])

    return value


def rate_measure(numerator, denominator) -> Measure:
    if not denominator:
        return Measure(value=None, numerator=numerator or 0, denominator=0)
    return Measure(
        value=round(100.0 * numerator / denominator, 1),
        numerator=numerator,
        denominator=denominator,
    )


@dataclass(frozen=True)
class Ranking:
    """The indicator computed for each group of its records (each body, item, community),
    best first. `key` and `name` are query expressions (or field paths) over the records: the
    group's identity as text, and what the ranking shows for it (`shown` turns a stored
    name, such as a status code, into words). Where the groups depend on the period (the
    festivals' seasons in it), `key` and `name` are functions of the span giving expressions."""

    code: str
    label: Promise
    key: object
    name: object
    shown: Callable[[object], str] | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise  # English msgid, Chinese in the catalogue
    definition: Promise
    unit: Unit
    capability: Capability
    # (span) -> the records behind the value, ordered for the list and with what `columns` and
    # `link` read already joined (the list's query count must not grow with its length). For a
    # PERCENT rate: the denominator's records, each annotated `in_numerator` (unless
    # `counted_whole` is False).
    records: Callable[[Span], QuerySet]
    columns: tuple[Column, ...]
    link: Callable[[object], str] | None = None  # a record's detail page
    value: Callable[[Span], Measure] | None = None
    higher_is_better: bool = True
    # Counts cases (or their ratings): `records` and `value` read the span's case type and
    # channel, and the pages, the API and the export offer those filters.
    about_cases: bool = False
    # Answers for one department (the cases dispatched to it, the applications it decides) or
    # one team (what it and the teams under it organised): `records` and `value` read the
    # span's `department` / `team`, and the dashboards of a department head and a team leader
    # show it.
    by_department: bool = False
    by_team: bool = False
    rankings: tuple[Ranking, ...] = ()
    # Summed from stored per-day, per-place rows where declared (figures.measure); None:
    # always computed live from the records.
    rollup: Rollup | None = None
    # A rate counting each record whole, in the numerator or not (the default); False for a
    # rate summed over its records' parts (members present of members called, each meeting a
    # share), whose records carry no `in_numerator` and whose lists show no such column.
    counted_whole: bool = True

    def measure(self, span: Span) -> Measure:
        if self.value is not None:
            return self.value(span)
        if self.unit == Unit.COUNT:
            return count_of(self.records)(span)
        if self.unit == Unit.PERCENT:
            return rate_of(self.records)(span)
        raise TypeError(f"Indicator {self.code} needs a value function for unit {self.unit}.")

    @property
    def is_rate(self) -> bool:
        return self.unit == Unit.PERCENT

    @property
    def marks_numerator(self) -> bool:
        """Whether each record says if it is in the rate's numerator (`in_numerator`)."""
        return self.is_rate and self.counted_whole

    def ranking(self, code: str) -> Ranking | None:
        return next((r for r in self.rankings if r.code == code), None)


# A community's path: its district's, street's and its own code, each with its separator.
COMMUNITY_PATH_LENGTH = sum(
    CODE_LENGTH[level] + len(PATH_SEPARATOR)
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
)


def by_community(place_path: str) -> Ranking:
    """A ranking by the community the records' places lie in (a grid's records count for its
    community), `place_path` being the records' place path field."""
    key = Substr(place_path, 1, COMMUNITY_PATH_LENGTH)
    community = Place.objects.filter(
        path=Substr(OuterRef(place_path), 1, COMMUNITY_PATH_LENGTH), level=Level.COMMUNITY
    )
    name = Subquery(community.values("name")[:1])
    return Ranking("community", _("Community"), key=key, name=name)


def ranked(indicator: Indicator, ranking: Ranking, span: Span) -> list[dict]:
    """One row a group (key, name, Measure), in one aggregate query: best value first (the
    lowest where lower is better), groups with nothing to rate last, larger groups first
    among equals."""
    records = indicator.records(span).order_by()
    grouped = records.annotate(
        _key=_expression(ranking.key, span), _name=_expression(ranking.name, span)
    )
    grouped = grouped.values("_key", "_name")
    # Distinct: records annotated with an aggregate over a relation (a session's attendance)
    # are joined to it, one row per related record, when grouped.
    if indicator.marks_numerator:
        rows = grouped.annotate(
            num=Count("pk", filter=Q(in_numerator=True), distinct=True),
            den=Count("pk", distinct=True),
        )
        measures = [(row, rate_measure(row["num"], row["den"])) for row in rows]
    elif indicator.unit == Unit.COUNT:
        rows = grouped.annotate(n=Count("pk", distinct=True))
        measures = [(row, Measure(row["n"], row["n"], None)) for row in rows]
    else:
        raise TypeError(f"Indicator {indicator.code} ranks only counts and rates.")
    sign = 1 if indicator.higher_is_better else -1
    measures.sort(
        key=lambda pair: (
            pair[1].value is None,
            -sign * (pair[1].value or 0),
            -(pair[1].denominator or pair[1].numerator),
            str(pair[0]["_name"]),
        )
    )
    shown = ranking.shown or (lambda name: name)
    return [
        {"key": row["_key"], "name": shown(row["_name"]), "measure": measure}
        for row, measure in measures
        if row["_key"] is not None
    ]


def in_group(indicator: Indicator, ranking: Ranking, span: Span, key: str):
    """The indicator's records of one group of a ranking."""
    return indicator.records(span).annotate(_key=_expression(ranking.key, span)).filter(_key=key)


def _expression(path_or_expression, span: Span):
    if isinstance(path_or_expression, str):
        return F(path_or_expression)
    if hasattr(path_or_expression, "resolve_expression"):
        return path_or_expression
    return path_or_expression(span)


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator; a code registered twice is a programming error."""
    existing = REGISTRY.get(indicator.code)
    if existing is not None and existing is not indicator:
        raise ValueError(f"Indicator {indicator.code!r} is registered twice.")
    if indicator.value is None and indicator.unit not in (Unit.COUNT, Unit.PERCENT):
        raise ValueError(f"Indicator {indicator.code!r} needs a value function.")
    rollup = indicator.rollup
    if (
        rollup is not None
        and indicator.unit not in (Unit.COUNT, Unit.PERCENT)
        and (rollup.amount is None or rollup.finish is None)
    ):
        raise ValueError(f"Indicator {indicator.code!r}'s rollup needs an amount and a finish.")
    REGISTRY[indicator.code] = indicator
    return indicator


def autodiscover() -> None:
    """Import every installed app's `indicators` module, which registers its figures."""
    autodiscover_modules("indicators")
