"""Evaluation indicators of the case engine: named, documented functions of the records.

Every indicator is computable for any place subtree (a path prefix, "450403/450403001/") and
any period [start, end), and returns a `Measure`: the value plus the numerator and denominator
it was computed from (a rate with an empty denominator has no value, not 0 %). Each one counts
the cases of every grid-management type (`CaseType.grid_management`) at once; micro-wishes and
time-bank help requests are not grid work and stay out (docs/architecture.md, abstraction 3).

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

Every indicator is also in the registry (`insights.registry`, capability "cases"), with the
cases (or ratings) it counted as its records.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import Case, CaseEvent, Status, grid_management_q
from meihao.core.roles import PLACE_WORKERS, Role
from meihao.insights.registry import (
    Capability,
    Column,
    ElapsedSeconds,
    Indicator,
    Measure,
    Rollup,
    Span,
    Unit,
    register,
)

# Length of a place path down to each level: "450403/" + "450403001/" + ... (codes 6/9/12/15).
PATH_LENGTH = {"district": 7, "street": 17, "community": 30, "grid": 46}

RATE, COUNT, HOURS = Unit.PERCENT, Unit.COUNT, Unit.HOURS

# The place roles that work with cases read their figures (department staff read their
# department's on the statistics page, which is not a place scope).
CASES = Capability("cases", _("Cases"), PLACE_WORKERS)


@dataclass(frozen=True)
class CaseIndicator:
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


ACCEPTED = Exists(
    CaseEvent.objects.filter(
        case=OuterRef("pk"), to_status__in=[Status.ACCEPTED, Status.DISPATCHED]
    )
)
REOPENED = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action="reopen"))
NOT_DUPLICATE = ~Q(status=Status.DUPLICATE)

INDICATORS: dict[str, CaseIndicator] = {}


def _register(indicator: CaseIndicator) -> CaseIndicator:
    INDICATORS[indicator.name] = indicator
    return indicator


_register(
    CaseIndicator(
        "reports_filed",
        _("Reports filed"),
        _("Cases filed in the period."),
        COUNT,
        "created_at",
        Q(),
    )
)
_register(
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    CaseIndicator(
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
    "reports_filed",
    "acceptance_rate",
    "on_time_response_rate",
    "on_time_handling_rate",
    "closure_rate",
    "on_time_closure_rate",
    "reopen_rate",
    "satisfaction_rate",
    "mean_time_to_close",
]


# ---------------------------------------------------------------------------------------------
# Computing


def _queryset(indicator: CaseIndicator, *, place_path: str, start, end, cases: QuerySet | None):
    model = apps.get_model(indicator.model)
    prefix = indicator.case_prefix
    qs = model.objects.all()
    if cases is not None:
        qs = qs.filter(case__in=cases.values("pk")) if prefix else cases
    # Grid-management cases only: micro-wishes and help requests are not grid work.
    qs = qs.filter(
        grid_management_q(prefix),
        **{
            f"{prefix}place_path__startswith": place_path,
            f"{indicator.period_field}__gte": start,
            f"{indicator.period_field}__lt": end,
        },
    )
    return qs.filter(indicator.base)


def _aggregates(indicator: CaseIndicator, end) -> dict:
    if indicator.unit == HOURS:
        return {"num": Coalesce(Sum(indicator.seconds), Value(0.0)), "den": Count("pk")}
    success = _success(indicator, end)
    if success is None:
        return {"num": Count("pk")}
    return {"num": Count("pk", filter=success), "den": Count("pk")}


def _success(indicator: CaseIndicator, end):
    if indicator.name == "closure_rate":
        return Q(closed_at__isnull=False, closed_at__lt=end)
    return indicator.success


def _finish(indicator: CaseIndicator, row: dict) -> Measure:
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
# The registry: each case indicator with the cases (or ratings) it counted.


def records(name: str, span: Span) -> QuerySet:
    """The records behind indicator `name` for `span`: its denominator's cases (ratings for the
    satisfaction rate), a rate's annotated `in_numerator`, the mean's with their `hours`."""
    indicator = INDICATORS[name]
    qs = _queryset(
        indicator,
        place_path=span.place_path,
        start=span.start,
        end=span.end,
        cases=narrowed_cases(span),
    )
    if name == "valid_report_rate":
        qs = qs.filter(GRID_WORKER_SUBMITTED)
    success = _success(indicator, span.end)
    if success is not None:
        qs = qs.annotate(in_numerator=ExpressionWrapper(success, output_field=BooleanField()))
    if indicator.unit == HOURS:
        qs = qs.annotate(hours=indicator.seconds / 3600.0)
    prefix = indicator.case_prefix
    return qs.select_related(f"{prefix}category", f"{prefix}place").order_by(
        f"-{indicator.period_field}", "-pk"
    )


def _time(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _status(value) -> str:
    return str(STATUS_LABELS.get(value, value))


STATUS_LABELS = dict(Status.choices)


def case_columns(prefix: str = "") -> list[Column]:
    """The columns every list of cases starts with — number, class, place, status, filed — of
    the case at `prefix` ("case__": a rating's; by default the record is the case, with its
    category and place joined), each naming its field (an export reads them as values)."""
    return [
        Column(_("Case number"), field=f"{prefix}number"),
        Column(_("Class"), field=f"{prefix}category__name_zh"),
        Column(_("Place"), field=f"{prefix}place__name"),
        Column(_("Status"), field=f"{prefix}status", shown=_status),
        Column(
            Case._meta.get_field("created_at").verbose_name,
            field=f"{prefix}created_at",
            shown=_time,
        ),
    ]


def _case_columns(indicator: CaseIndicator) -> tuple[Column, ...]:
    columns = case_columns(indicator.case_prefix)
    if indicator.case_prefix:
        columns.append(Column(_("Rating"), field="score"))
        columns.append(Column(_("Rated at"), field="created_at", shown=_time))
    elif indicator.period_field != "created_at":
        field = indicator.period_field
        verbose = Case._meta.get_field(field).verbose_name
        columns.append(Column(verbose, field=field, shown=_time))
    if indicator.unit == HOURS:
        columns.append(Column(_("Hours to close"), field="hours", shown=lambda h: round(h, 1)))
    return tuple(columns)


def _case_link(record) -> str:
    case = record if isinstance(record, Case) else record.case
    return reverse("cases:detail", kwargs={"number": case.number})


def narrowed_cases(span: Span) -> QuerySet | None:
    """The cases of the span's case type and channel, and dispatched to its department (the
    department the case is assigned to now), or None when it names none of them."""
    if not span.case_type and not span.channel and span.department is None:
        return None
    cases = Case.objects.all()
    if span.case_type:
        cases = cases.filter(case_type__code=span.case_type)
    if span.channel:
        cases = cases.filter(channel=span.channel)
    if span.department is not None:
        cases = cases.filter(assigned_organisation_id=span.department)
    return cases


def _case_rollup(day: str, *, events: bool = False, **extra) -> Rollup:
    """The rollup of a case indicator by `day`, one of the case's fields; with `events`, of one
    whose numerator reads the case's events as well."""
    sources = (("cases.Case", day),)
    if events:
        sources += (("cases.CaseEvent", f"case__{day}"),)
    return Rollup(day=day, place="place_path", sources=sources, **extra)


# The indicators summed from rollup rows (insights.rollups) when not narrowed to a case type or
# channel: additive over days and places. The closure rate counts a case closed before the
# period's end, which moves with the period: its rows judge that at the end of each case's
# month, and answer a calendar month only (`month_end`; a sparkline's, this month's). Not the
# valid-report rate (whether a reporter is a grid worker is their role now). The acceptance and
# reopen rates read the case's events too: an event recorded marks its case's day.
ROLLUPS = {
    "reports_filed": _case_rollup("created_at"),
    "closure_rate": _case_rollup("resolve_by", month_end=True),
    "acceptance_rate": _case_rollup("created_at", events=True),
    "reopen_rate": _case_rollup("reported_back_at", events=True),
    "on_time_response_rate": _case_rollup("responded_at"),
    "on_time_handling_rate": _case_rollup("reported_back_at"),
    "on_time_closure_rate": _case_rollup("resolve_by"),
    "mean_time_to_close": _case_rollup(
        "closed_at",
        amount=ElapsedSeconds(F("closed_at"), F("created_at")),
        counted=True,
        finish=lambda seconds, count: _finish(
            INDICATORS["mean_time_to_close"], {"num": seconds, "den": count}
        ),
    ),
    # A rating counts at its case's place: a case moved to another place moves its ratings.
    "satisfaction_rate": Rollup(
        day="created_at",
        place="case__place_path",
        sources=(("cases.CaseRating", "created_at"), ("cases.Case", "ratings__created_at")),
    ),
}


def _register_in_registry(name: str) -> None:
    indicator = INDICATORS[name]

    def value(span: Span) -> Measure:
        return compute(
            name,
            place_path=span.place_path,
            start=span.start,
            end=span.end,
            cases=narrowed_cases(span),
        )

    register(
        Indicator(
            code=name,
            name=indicator.label,
            definition=indicator.description,
            unit=indicator.unit,
            capability=CASES,
            records=lambda span: records(name, span),
            columns=_case_columns(indicator),
            link=_case_link,
            value=value,
            higher_is_better=indicator.higher_is_better,
            about_cases=True,
            by_department=True,
            rollup=ROLLUPS.get(name),
        )
    )


for name in INDICATORS:
    _register_in_registry(name)
