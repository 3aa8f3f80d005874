"""The closed loop's stages as indicators: of the grid-management cases filed in the period
(duplicates excluded), those that reached each stage — reported → accepted → dispatched →
handled (reported back) → verified (closed after a report-back) → rated.

Read from the case engine's events, so a case reopened and handled again counts once per stage.
Each stage lists its cases, so every part of a dashboard's funnel links to its records; the
reported stage also ranks by grid (the heat map's polygons link to their grid's cases).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import Case, CaseEvent, CaseRating, Status
from meihao.insights.indicators import CASES, PATH_LENGTH, case_columns, narrowed_cases
from meihao.insights.registry import Indicator, Ranking, Rollup, Span, Unit, register
from meihao.places.models import Level, Place


def _event(**kwargs) -> Exists:
    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), **kwargs))


# (code, name, definition, the stage's condition) in the loop's order.
STAGES = (
    (
        "cases_reported",
        _("Cases reported"),
        _("Grid-management cases filed in the period, duplicates excluded."),
        Q(),
    ),
    (
        "cases_accepted",
        _("Cases accepted"),
        _("Of the cases filed in the period (duplicates excluded), those accepted (立案)."),
        _event(to_status__in=[Status.ACCEPTED, Status.DISPATCHED]),
    ),
    (
        "cases_dispatched",
        _("Cases dispatched"),
        _("Of the cases filed in the period (duplicates excluded), those dispatched."),
        _event(to_status=Status.DISPATCHED),
    ),
    (
        "cases_handled",
        _("Cases handled"),
        _("Of the cases filed in the period (duplicates excluded), those reported back."),
        _event(to_status=Status.REPORTED_BACK),
    ),
    (
        "cases_verified",
        _("Cases verified"),
        _("Of the cases filed in the period (duplicates excluded), those verified and closed."),
        _event(from_status=Status.REPORTED_BACK, to_status=Status.CLOSED),
    ),
    (
        "cases_rated",
        _("Cases rated by residents"),
        _("Of the cases filed in the period (duplicates excluded), those the reporter rated."),
        Exists(CaseRating.objects.filter(case=OuterRef("pk"))),
    ),
)
FUNNEL = tuple(code for code, *_rest in STAGES)


def filed(span: Span) -> QuerySet:
    """The grid-management cases filed in the span, duplicates excluded (of its case type and
    channel, when it names them)."""
    cases = narrowed_cases(span)
    cases = cases if cases is not None else Case.objects.all()
    return (
        cases.grid_management()
        .filter(
            place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .exclude(status=Status.DUPLICATE)
    )


def _stage_records(condition: Q):
    def records(span: Span) -> QuerySet:
        return (
            filed(span)
            .filter(condition)
            .select_related("category", "place")
            .order_by("-created_at", "-pk")
        )

    return records


COLUMNS = tuple(case_columns())

# Each stage is additive over the days its cases were filed and their places: summed from rollup
# rows (insights.rollups); a case moved by the engine, an event recorded or a rating given marks
# the day the case was filed.
STAGE_ROLLUP = Rollup(
    day="created_at",
    place="place_path",
    sources=(
        ("cases.Case", "created_at"),
        ("cases.CaseEvent", "case__created_at"),
        ("cases.CaseRating", "case__created_at"),
    ),
)

GRID_KEY = Substr("place_path", 1, PATH_LENGTH["grid"])


def _grid_ranking() -> Ranking:
    name = Subquery(
        Place.objects.filter(
            path=Substr(OuterRef("place_path"), 1, PATH_LENGTH["grid"]), level=Level.GRID
        ).values("name")[:1]
    )
    return Ranking("grid", _("Grid"), key=GRID_KEY, name=name)


for code, name, definition, condition in STAGES:
    register(
        Indicator(
            code=code,
            name=name,
            definition=definition,
            unit=Unit.COUNT,
            capability=CASES,
            records=_stage_records(condition),
            columns=COLUMNS,
            link=lambda r: reverse("cases:detail", kwargs={"number": r.number}),
            about_cases=True,
            by_department=True,
            rankings=(_grid_ranking(),) if code == "cases_reported" else (),
            rollup=STAGE_ROLLUP,
        )
    )
