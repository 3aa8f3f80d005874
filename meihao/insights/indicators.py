"""Evaluation indicators of the case engine: named, documented functions of the records.

Every indicator is computable for any place subtree (a path prefix, "450403/450403001/") and
any period [start, end), and returns a `Measure`: the value plus the numerator and denominator
it was computed from (a rate with an empty denominator has no value, not 0 %). Each one works
for every case type at once (docs/architecture.md, abstraction 3).

Definitions (the period is applied to the field named in brackets):

* reports_filed [created_at] — cases filed.
* acceptance_rate [created_at] — filed cases that were accepted (立案: accepted or dispatched at
  least once) / filed cases, duplicates excluded from both.
* on_time_response_rate [responded_at] — responses (first dispatch, rejection or merge) made by
  the response deadline / responses.
* on_time_handling_rate 按时处置率 [reported_back_at] — report-backs made by the handling
  deadline / report-backs.
* closure_rate 结案率 [resolve_by] — cases due to close in the period (handling deadline inside
  it) that were closed before its end / cases due to close in the period.
* on_time_closure_rate 按期结案率 [resolve_by] — of the cases due to close in the period, those
  closed by their deadline / cases due to close in the period.
* reopen_rate 返工率 [reported_back_at] — reported-back cases reopened at least once / cases
  reported back.
* satisfaction_rate [rating time] — ratings of 4 (satisfied) or 5 (very satisfied) / ratings.
* mean_time_to_close [closed_at] — mean hours from filing to closure of the cases closed.
* valid_report_rate [created_at] — per grid worker: their reports accepted / their reports
  filed (duplicates excluded), the acceptance rate grouped by reporter.

Groupings (`grouped`): by street, community or grid (a fixed-length prefix of the case's place
path: codes have 6/9/12/15 digits), by department (the assigned organisation) and by grid
worker (the submitting user, grid workers only). Each grouping is ONE aggregate query per
indicator, whatever the number of groups.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import CaseEvent, Status
from meihao.core.roles import Role

# Length of a place path down to each level: "450403/" + "450403001/" + ... (codes 6/9/12/15).
PATH_LENGTH = {"district": 7, "street": 17, "community": 30, "grid": 46}

RATE, COUNT, HOURS = "%", "count", "h"


@dataclass(frozen=True)
class Measure:
    """An indicator's value with what it was computed from.

    For a rate, `value` is a percentage (0–100) = 100 × numerator / denominator, or None when
    the denominator is 0. For a count, value = numerator and denominator is None. For a mean,
    value = numerator / denominator (e.g. total hours / cases).
    """

    value: float | None
    numerator: float
    denominator: int | None


@dataclass(frozen=True)
class Indicator:
    name: str
    label: object  # lazy gettext
    description: object
    unit: str
    # The date field the period applies to, the filter of the counted set (denominator) and
    # of its successes (numerator); for HOURS indicators `numerator` is an expression summed.
    period_field: str
    base: Q
    success: Q | None = None
    seconds: object = None
    # Higher is better (False for the reopen rate and the time to close), for grades and colours.
    higher_is_better: bool = True
    model: str = "cases.Case"
    case_prefix: str = ""  # path from `model` to the case ("case__" for ratings)

    def measure(self, num, den) -> Measure:
        num = num or 0
        den = den or 0
        if self.unit == COUNT:
            return Measure(value=num, numerator=num, denominator=None)
        if not den:
            return Measure(value=None, numerator=num, denominator=0)
        if self.unit == HOURS:
            return Measure(value=round(num / den, 1), numerator=round(num, 1), denominator=den)
        return Measure(value=round(100.0 * num / den, 1), numerator=num, denominator=den)


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
        return (
            f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)",
            [*end[1], *start[1]],
        )


ACCEPTED = Exists(
    CaseEvent.objects.filter(
        case=OuterRef("pk"), to_status__in=[Status.ACCEPTED, Status.DISPATCHED]
    )
)
REOPENED = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action="reopen"))
NOT_DUPLICATE = ~Q(status=Status.DUPLICATE)

INDICATORS: dict[str, Indicator] = {}


def _register(indicator: Indicator) -> Indicator:
    INDICATORS[indicator.name] = indicator
    return indicator


_register(
    Indicator(
        "reports_filed",
        _("Reports filed"),
        _("Cases filed in the period."),
        COUNT,
        "created_at",
        Q(),
    )
)
_register(
    Indicator(
        "acceptance_rate",
        _("Acceptance rate"),
        _("Cases accepted (立案) of the cases filed in the period, duplicates excluded."),
        RATE,
        "created_at",
        NOT_DUPLICATE,
        ACCEPTED,
    )
)
_register(
    Indicator(
        "on_time_response_rate",
        _("On-time response rate"),
        _("Responses (dispatch, rejection or merge) made within the response limit."),
        RATE,
        "responded_at",
        Q(respond_by__isnull=False),
        Q(responded_at__lte=F("respond_by")),
    )
)
_register(
    Indicator(
        "on_time_handling_rate",
        _("On-time handling rate"),
        _("Reports back (按时处置) made within the handling limit."),
        RATE,
        "reported_back_at",
        Q(resolve_by__isnull=False),
        Q(reported_back_at__lte=F("resolve_by")),
    )
)
_register(
    Indicator(
        "closure_rate",
        _("Closure rate"),
        _("Cases closed (结案) of the cases whose handling deadline fell in the period."),
        RATE,
        "resolve_by",
        ~Q(status__in=[Status.VOID, Status.DUPLICATE, Status.REJECTED]),
        None,  # closed before the period's end: built per call (needs `end`)
    )
)
_register(
    Indicator(
        "on_time_closure_rate",
        _("On-time closure rate"),
        _("Cases closed by their deadline (按期结案) of the cases due to close in the period."),
        RATE,
        "resolve_by",
        ~Q(status__in=[Status.VOID, Status.DUPLICATE, Status.REJECTED]),
        Q(closed_at__isnull=False, closed_at__lte=F("resolve_by")),
    )
)
_register(
    Indicator(
        "reopen_rate",
        _("Reopen rate"),
        _("Cases reopened (返工) at least once of the cases reported back in the period."),
        RATE,
        "reported_back_at",
        Q(),
        REOPENED,
        higher_is_better=False,
    )
)
_register(
    Indicator(
        "mean_time_to_close",
        _("Mean time to close"),
        _("Mean hours from filing to closure of the cases closed in the period."),
        HOURS,
        "closed_at",
        Q(closed_at__isnull=False),
        seconds=ElapsedSeconds(F("closed_at"), F("created_at")),
        higher_is_better=False,
    )
)
_register(
    Indicator(
        "valid_report_rate",
        _("Valid-report rate"),
        _("Reports accepted of the reports a grid worker filed, duplicates excluded."),
        RATE,
        "created_at",
        NOT_DUPLICATE,
        ACCEPTED,
    )
)


_register(
    Indicator(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _("Ratings of satisfied or very satisfied (4–5) of all ratings given in the period."),
        RATE,
        "created_at",
        Q(),
        Q(score__gte=4),
        model="cases.CaseRating",
        case_prefix="case__",
    )
)

# The indicators a dashboard card shows, in order (valid_report_rate is per grid worker).
CARD_INDICATORS = [
    name
    for name in (
        "reports_filed",
        "acceptance_rate",
        "on_time_response_rate",
        "on_time_handling_rate",
        "closure_rate",
        "on_time_closure_rate",
        "reopen_rate",
        "satisfaction_rate",
        "mean_time_to_close",
    )
    if name in INDICATORS
]


def registry() -> list[dict]:
    """Every indicator's name, label, description and unit, for dashboards to list."""
    return [
        {
            "name": i.name,
            "label": str(i.label),
            "description": str(i.description),
            "unit": i.unit,
            "higher_is_better": i.higher_is_better,
        }
        for i in INDICATORS.values()
    ]


# ---------------------------------------------------------------------------------------------
# Computing


def _queryset(indicator: Indicator, *, place_path: str, start, end, cases: QuerySet | None):
    model = apps.get_model(indicator.model)
    prefix = indicator.case_prefix
    qs = model.objects.all()
    if cases is not None:
        qs = qs.filter(case__in=cases.values("pk")) if prefix else cases
    qs = qs.filter(
        **{
            f"{prefix}place_path__startswith": place_path,
            f"{indicator.period_field}__gte": start,
            f"{indicator.period_field}__lt": end,
        }
    )
    return qs.filter(indicator.base)


def _aggregates(indicator: Indicator, end) -> dict:
    if indicator.unit == HOURS:
        return {"num": Coalesce(Sum(indicator.seconds), Value(0.0)), "den": Count("pk")}
    success = indicator.success
    if indicator.name == "closure_rate":
        success = Q(closed_at__isnull=False, closed_at__lt=end)
    if success is None:
        return {"num": Count("pk")}
    return {"num": Count("pk", filter=success), "den": Count("pk")}


def _finish(indicator: Indicator, row: dict) -> Measure:
    num = row.get("num") or 0
    if indicator.unit == HOURS:
        num = num / 3600.0
    return indicator.measure(num, row.get("den"))


def compute(
    name: str,
    *,
    place_path: str,
    start: datetime,
    end: datetime,
    cases: QuerySet | None = None,
) -> Measure:
    """Indicator `name` over the cases under `place_path` for the period [start, end).

    `cases` narrows the records further (e.g. to one department's cases); by default all.
    """
    indicator = INDICATORS[name]
    qs = _queryset(indicator, place_path=place_path, start=start, end=end, cases=cases)
    if name == "valid_report_rate":
        qs = qs.filter(GRID_WORKER_SUBMITTED)
    return _finish(indicator, qs.aggregate(**_aggregates(indicator, end)))


GRID_WORKER_SUBMITTED = Exists(
    apps.get_model("people", "RoleAssignment").objects.filter(
        user=OuterRef("submitted_by"), role=Role.GRID_WORKER
    )
)

GROUPINGS = ("street", "community", "grid", "department", "grid_worker")


def grouped(
    name: str,
    *,
    by: str,
    place_path: str,
    start: datetime,
    end: datetime,
    cases: QuerySet | None = None,
) -> dict:
    """{group key: Measure} of indicator `name`, in one aggregate query.

    Keys: a place path (street / community / grid), an organisation id (department) or a user
    id (grid_worker; only reports filed by users holding the grid-worker role). Groups with
    nothing to count are absent.
    """
    if by not in GROUPINGS:
        raise ValueError(f"Unknown grouping {by!r}.")
    indicator = INDICATORS[name]
    prefix = indicator.case_prefix
    qs = _queryset(indicator, place_path=place_path, start=start, end=end, cases=cases)
    if by in PATH_LENGTH:
        qs = qs.annotate(group=Substr(f"{prefix}place_path", 1, PATH_LENGTH[by]))
    elif by == "department":
        qs = qs.filter(**{f"{prefix}assigned_organisation__isnull": False}).annotate(
            group=F(f"{prefix}assigned_organisation_id")
        )
    else:
        if prefix:
            raise ValueError("Ratings are not grouped by grid worker.")
        qs = qs.filter(GRID_WORKER_SUBMITTED).annotate(group=F("submitted_by_id"))
    rows = qs.order_by().values("group").annotate(**_aggregates(indicator, end))
    result = {}
    for row in rows:
        key = row["group"]
        if by in PATH_LENGTH and len(key) != PATH_LENGTH[by]:
            continue  # a case filed on a place above this level
        result[key] = _finish(indicator, row)
    return result


# ---------------------------------------------------------------------------------------------
# The named functions (one per indicator), for callers that want one figure.


def _named(name: str):
    def indicator(
        *, place_path: str, start: datetime, end: datetime, cases: QuerySet | None = None
    ) -> Measure:
        return compute(name, place_path=place_path, start=start, end=end, cases=cases)

    indicator.__name__ = name
    indicator.__doc__ = str(INDICATORS[name].description)
    return indicator


reports_filed = _named("reports_filed")
acceptance_rate = _named("acceptance_rate")
on_time_response_rate = _named("on_time_response_rate")
on_time_handling_rate = _named("on_time_handling_rate")
closure_rate = _named("closure_rate")
on_time_closure_rate = _named("on_time_closure_rate")
reopen_rate = _named("reopen_rate")
mean_time_to_close = _named("mean_time_to_close")
valid_report_rate = _named("valid_report_rate")
satisfaction_rate = _named("satisfaction_rate") if "satisfaction_rate" in INDICATORS else None
