"""Reads behind the case statistics page, always scoped to the asking user.

Who may look: the place roles that work with cases (grid worker, community staff, street chief,
district admin) for the places they cover, and department staff for the cases assigned to their
own department (only their department's row). Everyone else gets NotFound (the page's 404).
Query counts depend on the number of indicators, never on the number of rows or groups.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases.models import Case, CaseType
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_date
from meihao.core.roles import PLACE_WORKERS, Role
from meihao.core.scoping import has_role, organisation_ids, scope_paths, scopes_of
from meihao.insights import figures, grades
from meihao.insights import indicators as ind
from meihao.insights.registry import (
    REGISTRY,
    Indicator,
    Measure,
    Ranking,
    Span,
    in_group,
    ranked,
)
from meihao.people.models import Organisation, Team
from meihao.people.selectors import leads_team
from meihao.places.models import PATH_SEPARATOR, Level, Place

# Who sees the page (and its link on the home page); department staff see their department.
CASE_STATISTICS_ROLES = PLACE_WORKERS | {Role.DEPARTMENT_STAFF}
CASE_STATISTICS_LABEL = gettext_lazy("Case statistics")

GROUP_LABELS = {
    "street": gettext_lazy("By street"),
    "community": gettext_lazy("By community"),
    "grid": gettext_lazy("By grid"),
    "department": gettext_lazy("By department"),
    "grid_worker": gettext_lazy("By grid worker"),
}
LEVEL_ORDER = [Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
TOP_CLASSES = 12


@dataclass
class Viewer:
    """What the user may see on the page: places (place roles) or departments only."""

    place_paths: list[str]
    organisation_ids: list[int]
    superuser: bool = False

    @property
    def department_only(self) -> bool:
        return not self.place_paths and not self.superuser


def viewer_for(user) -> Viewer:
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("No such page."))
    if user.is_superuser:
        return Viewer(place_paths=[], organisation_ids=[], superuser=True)
    paths = scope_paths(user, PLACE_WORKERS)
    organisations = sorted(
        {
            s.organisation_id
            for s in scopes_of(user)
            if s.role == Role.DEPARTMENT_STAFF and s.organisation_id
        }
    )
    if not paths and not organisations:
        raise NotFound(_("No such page."))
    return Viewer(place_paths=paths, organisation_ids=organisations)


def place_choices(viewer: Viewer) -> list[Place]:
    """The places the user may pick: their own places and those below, down to communities
    (and grids, for someone whose widest place is a community or a grid)."""
    if viewer.superuser:
        return list(
            Place.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
            .only("id", "code", "name", "level", "path")
            .order_by("path")
        )
    if viewer.department_only:
        return []
    query = None
    for path in viewer.place_paths:
        depth = path.count("/")
        levels = LEVEL_ORDER[depth - 1 : depth + 2] if depth >= 3 else LEVEL_ORDER[depth - 1 : 3]
        part = Place.objects.filter(path__startswith=path, level__in=levels)
        query = part if query is None else query | part
    return list(query.only("id", "code", "name", "level", "path").order_by("path"))


@dataclass
class Period:
    key: str
    start: datetime
    end: datetime  # exclusive
    first_day: date
    last_day: date  # inclusive, for display and the custom form


PERIODS = {
    "last_30_days": gettext_lazy("Last 30 days"),
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_year": gettext_lazy("This year"),
    "custom": gettext_lazy("Custom"),
}
MAX_CUSTOM_DAYS = 3 * 366
# The default period of the statistics pages: a rolling window ending today.
DEFAULT_DAYS = 30


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def period_for(key: str, *, start: str = "", end: str = "", today: date | None = None):
    """(Period, error message or None). By default, and for a bad custom period, the last 30
    days ending today."""
    today = today or timezone.localdate()
    error = None
    first = last = None
    if key == "custom":
        first, last = parse_date(start), parse_date(end)
        if first is None or last is None:
            error = _("Give the start and end of the period as dates.")
        else:
            if last < first:
                error = _("The period must end on or after its start.")
            elif (last - first).days > MAX_CUSTOM_DAYS:
                error = _("The period may be at most three years long.")
        if error:
            key = "last_30_days"
    if key == "this_month":
        first, last = today.replace(day=1), today
    elif key == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
    elif key == "this_year":
        first, last = today.replace(month=1, day=1), today
    elif key != "custom":
        key = "last_30_days"
        first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    end_day = last + timedelta(days=1)
    return Period(key, _midnight(first), _midnight(end_day), first, last), error


@dataclass
class CaseFilters:
    """The case type (a grid-management type) and channel the statistics are narrowed to, with
    the choices the page offers."""

    case_type: CaseType | None = None
    channel: str = ""
    case_types: list[CaseType] = field(default_factory=list)
    channels: list[tuple[str, str]] = field(default_factory=list)

    def narrow(self, cases):
        """`cases` (None: every case) narrowed by the filters, or `cases` as it was."""
        if self.case_type is None and not self.channel:
            return cases
        narrowed = cases if cases is not None else Case.objects.all()
        if self.case_type is not None:
            narrowed = narrowed.filter(case_type=self.case_type)
        if self.channel:
            narrowed = narrowed.filter(channel=self.channel)
        return narrowed

    @property
    def query(self) -> str:
        """The filters as "&type=…&channel=…" for the page's own links ("" when unset)."""
        items = {"type": self.case_type.code if self.case_type else "", "channel": self.channel}
        kept = {key: value for key, value in items.items() if value}
        return "&" + urlencode(kept) if kept else ""


def case_filters(params) -> CaseFilters:
    """The filters from the query string. An unknown case type (or one that is not grid
    management) or channel is refused: ValidationFailed, a 400 in words."""
    types = list(CaseType.objects.grid_management().order_by("code"))
    code = (params.get("type") or "").strip()
    case_type = None
    if code:
        case_type = next((t for t in types if t.code == code), None)
        if case_type is None:
            raise ValidationFailed(_("There is no such case type."), field="type")
    channel = (params.get("channel") or "").strip()
    if channel and channel not in Case.Channel.values:
        raise ValidationFailed(_("There is no such channel."), field="channel")
    return CaseFilters(case_type, channel, types, list(Case.Channel.choices))


def duration_text(hours: float) -> str:
    """Hours as people read them: "5.2 小时" under a day, "3 天 4 小时" from a day on."""
    if round(hours, 1) < 24:
        return _("%(hours)s h") % {"hours": f"{hours:.1f}"}
    days, rest = divmod(round(hours), 24)
    if not rest:
        return _("%(days)d d") % {"days": days}
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": rest}


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


@dataclass
class Shown:
    """A measure as the page shows it: the value in words, and for a rate or a mean what it was
    computed from ("numerator / denominator", or the number of cases a mean is over)."""

    measure: Measure | None
    unit: str
    name: str

    @property
    def text(self) -> str:
        if self.measure is None or self.measure.value is None:
            return "–"
        if self.unit == ind.HOURS and self.measure.denominator is None:
            # A sum of hours (volunteers' service) is hours, however many: not days.
            return _("%(hours)s h") % {"hours": _number(self.measure.value)}
        if self.unit == ind.HOURS:  # a mean time (to close a case): days and hours
            return duration_text(self.measure.value)
        if self.unit == ind.RATE:
            return f"{_number(self.measure.value)}%"
        return _number(self.measure.value)

    @property
    def basis(self) -> str:
        if self.measure is None or self.measure.denominator is None:
            return ""
        if self.unit == ind.HOURS:
            return _("over %(count)d cases") % {"count": self.measure.denominator}
        return f"{_number(self.measure.numerator)} / {self.measure.denominator}"


@dataclass
class Card:
    name: str
    label: str
    description: str
    unit: str
    measure: ind.Measure

    @property
    def shown(self) -> Shown:
        return Shown(self.measure, self.unit, self.name)


@dataclass
class Row:
    key: object
    name: str
    measures: dict
    score: float | None = None
    grade: str | None = None
    too_few: bool = False  # too few cases for a grade (grades.min_cases)
    cells: list[Shown] = field(default_factory=list)  # in column order
    # The query of the row's place and the period for the indicator pages ("" for a row that
    # is not a place: the registry reads places).
    records_query: str = ""


@dataclass
class Statistics:
    place: Place | None
    period: Period
    cards: list[Card]
    score: float | None
    grade: str | None
    too_few: bool
    group_by: str
    groupings: list[tuple[str, str]]
    columns: list[dict]
    rows: list[Row]
    places: list[Place] = field(default_factory=list)
    charts: dict = field(default_factory=dict)
    records_query: str = ""  # the place and period on the indicator pages


def records_query(place_code: str, period: Period) -> str:
    """The indicator page's query string for a place and the period: where a number's
    records are listed."""
    return urlencode(
        {
            "place": place_code,
            "start": period.first_day.isoformat(),
            "end": period.last_day.isoformat(),
        }
    )


def groupings_for(viewer: Viewer, place: Place | None) -> list[str]:
    if viewer.department_only or place is None:
        return ["department"]
    below = LEVEL_ORDER[LEVEL_ORDER.index(place.level) + 1 :]
    return [str(level) for level in below] + ["department", "grid_worker"]


def _cases_for(viewer: Viewer):
    if viewer.department_only:
        return Case.objects.filter(assigned_organisation_id__in=viewer.organisation_ids)
    return None


def _row_names(by: str, keys: list) -> dict:
    from meihao.people.models import Organisation, User

    if not keys:
        return {}
    if by == "department":
        return dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "grid_worker":
        return {
            pk: name or phone
            for pk, name, phone in User.objects.filter(pk__in=keys).values_list(
                "pk", "name", "phone"
            )
        }
    return dict(Place.objects.filter(path__in=keys).values_list("path", "name"))


def _charts(place_path: str, period: Period, cases) -> dict:
    qs = (
        (cases if cases is not None else Case.objects)
        .grid_management()
        .filter(
            place_path__startswith=place_path,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
    )
    per_day = dict(
        qs.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = []
    day = period.first_day
    while day <= period.last_day:
        days.append(day)
        day += timedelta(days=1)
    by_class = list(
        qs.order_by()
        .values_list("category__name_zh")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name_zh")[:TOP_CLASSES]
    )
    by_department = list(
        qs.exclude(assigned_organisation__isnull=True)
        .order_by()
        .values_list("assigned_organisation__short_name", "assigned_organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    # An empty chart says why it is empty instead of drawing empty axes.
    none_filed = _("No cases in this period.") if not per_day else ""
    return {
        "per_day": {
            "labels": [f"{d:%m-%d}" for d in days],
            "values": [per_day.get(d, 0) for d in days],
            "title": _("Cases per day"),
            "empty": none_filed,
        },
        "by_class": {
            "labels": [name or _("No class") for name, _n in by_class],
            "values": [n for _name, n in by_class],
            "title": _("Cases by class"),
            "empty": none_filed,
        },
        "by_department": {
            "labels": [short or name for short, name, _n in by_department],
            "values": [n for _s, _name, n in by_department],
            "title": _("Cases by department"),
            "empty": none_filed
            or ("" if by_department else _("No case went to a department in this period.")),
        },
    }


def case_statistics(
    user,
    *,
    place_code: str = "",
    period: Period,
    group_by: str = "",
    filters: CaseFilters | None = None,
) -> Statistics:
    """Cards, a graded table and chart data for one place (or department) and period, of the
    cases of a type and channel if `filters` say so."""
    viewer = viewer_for(user)
    choices = place_choices(viewer)
    place = None
    if not viewer.department_only:
        if place_code:
            place = next((p for p in choices if p.code == place_code), None)
            if place is None:
                raise NotFound(_("No such place."))
        else:
            place = choices[0] if choices else None
    if place is None and not viewer.department_only:
        raise NotFound(_("No such place."))
    place_path = place.path if place is not None else ""
    cases = _cases_for(viewer)
    if filters is not None:
        cases = filters.narrow(cases)
    span = {"place_path": place_path, "start": period.start, "end": period.end, "cases": cases}

    cards = []
    measures = {}
    for name in ind.CARD_INDICATORS:
        indicator = ind.INDICATORS[name]
        measures[name] = ind.compute(name, **span)
        cards.append(
            Card(
                name,
                str(indicator.label),
                str(indicator.description),
                indicator.unit,
                measures[name],
            )
        )
    overall = grades.grade(measures)

    allowed = groupings_for(viewer, place)
    by = group_by if group_by in allowed else allowed[0]
    names = ["reports_filed", "valid_report_rate"] if by == "grid_worker" else ind.CARD_INDICATORS
    table: dict[object, dict] = {}
    for name in names:
        for key, measure in ind.grouped(name, by=by, **span).items():
            table.setdefault(key, {})[name] = measure
    labels = _row_names(by, list(table))
    rows = []
    for key, row_measures in table.items():
        row = Row(key=key, name=labels.get(key, str(key)), measures=row_measures)
        row.cells = [Shown(row_measures.get(n), ind.INDICATORS[n].unit, n) for n in names]
        if by in ind.PATH_LENGTH:
            row.records_query = records_query(key.rstrip("/").rsplit("/", 1)[-1], period)
        if by != "grid_worker":
            graded = grades.grade(row_measures)
            row.score, row.grade, row.too_few = graded.score, graded.letter, graded.too_few
        rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.name))
    if by == "grid_worker":
        rows.sort(key=lambda r: -(r.measures.get("reports_filed", ind.Measure(0, 0, None)).value))
    columns = [
        {
            "name": name,
            "label": str(ind.INDICATORS[name].label),
            "unit": ind.INDICATORS[name].unit,
            "description": str(ind.INDICATORS[name].description),
        }
        for name in names
    ]
    return Statistics(
        place=place,
        period=period,
        cards=cards,
        score=overall.score,
        grade=overall.letter,
        too_few=overall.too_few,
        group_by=by,
        groupings=[(key, str(GROUP_LABELS[key])) for key in allowed],
        columns=columns,
        rows=rows,
        places=choices,
        charts=_charts(place_path, period, cases),
        records_query=records_query(place.code, period) if place is not None else "",
    )


# ---------------------------------------------------------------------------------------------
# The indicator registry: which figures a user may read, for which places and periods.

TREND_MONTHS = 12
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def readable_indicators(user) -> list[Indicator]:
    """The registered indicators whose capability the user's roles read, in registry order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        indicator
        for indicator in REGISTRY.values()
        if user.is_superuser or has_role(user, indicator.capability.roles)
    ]


def registered_indicator(code: str) -> Indicator:
    indicator = REGISTRY.get(code)
    if indicator is None:
        raise NotFound(_("No such indicator."))
    return indicator


def readable_indicator(user, code: str) -> Indicator:
    for indicator in readable_indicators(user):
        if indicator.code == code:
            return indicator
    raise NotFound(_("No such indicator."))


def _viewer_of(user, indicator: Indicator) -> Viewer:
    return Viewer(
        place_paths=scope_paths(user, indicator.capability.roles),
        organisation_ids=[],
        superuser=user.is_superuser,
    )


def _day(text: str, field: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise ValidationFailed(_("Write dates as YYYY-MM-DD."), field=field)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("There is no such day."), field=field) from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValidationFailed(
            _("Give a date between the years %(first)d and %(last)d.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            field=field,
        )
    return day


def period_days(start: str = "", end: str = "", *, today: date | None = None) -> tuple[date, date]:
    """(first day, last day) of a period given as ISO dates; by default the 30 days ending
    today (or ending on `end`).

    A bad date, an end before the start or a period longer than three years is refused
    (ValidationFailed, a 400), never silently replaced.
    """
    today = today or timezone.localdate()
    given_end = _day(end.strip(), "end") if end and end.strip() else None
    window_end = given_end or today
    if start and start.strip():
        first = _day(start.strip(), "start")
    else:
        first = window_end - timedelta(days=DEFAULT_DAYS - 1)
    last = given_end or max(today, first)
    if last < first:
        raise ValidationFailed(_("The period must end on or after its start."), field="end")
    if (last - first).days > MAX_CUSTOM_DAYS:
        raise ValidationFailed(_("The period may be at most three years long."), field="end")
    return first, last


@dataclass(frozen=True)
class Narrowing:
    """The department or team a figure is narrowed to (`Span.department`, `Span.team`), and the
    places it may be read over when the user reads it as that department's staff or that
    team's leader rather than through their place roles (None: their place roles decide)."""

    department: Organisation | None = None
    team: Team | None = None
    places: list[Place] | None = None

    @property
    def name(self) -> str:
        body = self.department or self.team
        return body.name if body is not None else ""

    @property
    def span(self) -> dict:
        return {
            "department": self.department.pk if self.department else None,
            "team": self.team.pk if self.team else None,
        }

    @property
    def params(self) -> dict:
        """As the query string's `department` / `team`."""
        return {key: str(pk) for key, pk in self.span.items() if pk is not None}


NO_NARROWING = Narrowing()
PK_MAX_DIGITS = 12


_PK = re.compile(rf"[0-9]{{1,{PK_MAX_DIGITS}}}")


def _pk(text: str, field: str, message: str) -> int:
    # ASCII digits only: str.isdigit() takes "١٢", which int() reads and a query cannot.
    if not _PK.fullmatch(text):
        raise ValidationFailed(message, field=field)
    return int(text)


def _district_of(place_path: str) -> Place:
    district = place_path.split(PATH_SEPARATOR, 1)[0] + PATH_SEPARATOR
    return Place.objects.only("id", "code", "name", "level", "path").get(path=district)


def narrowing_for(user, indicator: Indicator, *, department: str = "", team: str = "") -> Narrowing:
    """The department or team a reading of `indicator` is narrowed to. A department's staff
    read the figures that answer for a department over their department (its place); a team's
    leader (or a leader of a team above it) those that answer for a team over the team's
    district. A figure that does not answer for one, or a malformed id: ValidationFailed; an
    unknown one: NotFound."""
    department, team = (department or "").strip(), (team or "").strip()
    if department and team:
        raise ValidationFailed(_("Narrow a figure to a department or a team, not both."))
    if department:
        if not indicator.by_department:
            raise ValidationFailed(
                _("This figure does not answer for a department."), field="department"
            )
        pk = _pk(department, "department", _("There is no such department."))
        organisation = (
            Organisation.objects.filter(pk=pk, kind=Organisation.Kind.DEPARTMENT)
            .select_related("place")
            .first()
        )
        if organisation is None:
            raise NotFound(_("There is no such department."))
        own = organisation.pk in organisation_ids(user, {Role.DEPARTMENT_STAFF})
        return Narrowing(department=organisation, places=[organisation.place] if own else None)
    if team:
        if not indicator.by_team:
            raise ValidationFailed(_("This figure does not answer for a team."), field="team")
        pk = _pk(team, "team", _("There is no such team."))
        found = Team.objects.filter(pk=pk).first()
        if found is None:
            raise NotFound(_("There is no such team."))
        places = [_district_of(found.place_path)] if leads_team(user, found) else None
        return Narrowing(team=found, places=places)
    return NO_NARROWING


@dataclass
class Reading:
    """One indicator for one place and period, with what the page needs around it."""

    indicator: Indicator
    place: Place
    places: list[Place]
    span: Span
    measure: Measure
    filters: CaseFilters | None = None  # for an indicator about cases: its type and channel
    narrowing: Narrowing = NO_NARROWING

    @property
    def query(self) -> str:
        """The place, period and filters as the indicator page's query string."""
        items = {
            "place": self.place.code,
            "start": self.span.first_day.isoformat(),
            "end": self.span.last_day.isoformat(),
            "type": self.span.case_type,
            "channel": self.span.channel,
            **self.narrowing.params,
        }
        return urlencode({key: value for key, value in items.items() if value})


def indicator_filters(indicator: Indicator, params) -> CaseFilters | None:
    """The case type and channel filters of an indicator about cases (`case_filters`: an
    unknown value is a 400 in words); for any other indicator, None, and a filter given
    anyway is refused rather than silently ignored."""
    if indicator.about_cases:
        return case_filters(params)
    for key in ("type", "channel"):
        if (params.get(key) or "").strip():
            raise ValidationFailed(
                _("This figure is not about cases: it has no case type or channel filter."),
                field=key,
            )
    return None


def read_indicator(
    user,
    code: str,
    *,
    place_code: str = "",
    start: str = "",
    end: str = "",
    case_type: str = "",
    channel: str = "",
    department: str = "",
    team: str = "",
) -> Reading:
    """The value of indicator `code` for a place in the user's scope (by default their widest),
    a period (by default the 30 days ending today), for an indicator about cases a case type and
    channel (by default all), and narrowed to a department or a team (`narrowing_for`). Out of
    scope or unknown: NotFound; a bad date, type, channel or id: ValidationFailed."""
    indicator = registered_indicator(code)
    narrowing = narrowing_for(user, indicator, department=department, team=team)
    if narrowing.places is not None:
        places = narrowing.places
    else:
        indicator = readable_indicator(user, code)
        places = place_choices(_viewer_of(user, indicator))
    if place_code:
        place = next((p for p in places if p.code == place_code), None)
    else:
        place = places[0] if places else None
    if place is None:
        raise NotFound(_("No such place."))
    first, last = period_days(start, end)
    filters = indicator_filters(indicator, {"type": case_type, "channel": channel})
    narrowed = {}
    if filters is not None:
        narrowed = {
            "case_type": filters.case_type.code if filters.case_type else "",
            "channel": filters.channel,
        }
    span = Span.of(place.path, first, last, **narrowed, **narrowing.span)
    measure = figures.measure(indicator, span)
    return Reading(indicator, place, places, span, measure, filters, narrowing)


GROUP_KEY_MAX = 200


@dataclass
class Ranked:
    """An indicator's ranking for the reading's place and period, and the group whose records
    the page lists (None: all of them)."""

    ranking: Ranking | None
    rows: list[dict]
    group: dict | None
    records: object  # the records the page lists


def rank_reading(reading: Reading, *, by: str = "", group: str = "") -> Ranked:
    """The ranking `by` (by default the indicator's first) and the records of one of its
    groups (`group`, a key the ranking shows). An unknown ranking or an over-long key is a
    ValidationFailed; a key no group has lists nothing."""
    indicator = reading.indicator
    if not indicator.rankings:
        if by or group:
            raise ValidationFailed(_("This figure has no rankings."), field="by")
        return Ranked(None, [], None, indicator.records(reading.span))
    ranking = indicator.ranking(by) if by else indicator.rankings[0]
    if ranking is None:
        raise ValidationFailed(_("No such ranking."), field="by")
    rows = ranked(indicator, ranking, reading.span)
    if not group:
        return Ranked(ranking, rows, None, indicator.records(reading.span))
    if len(group) > GROUP_KEY_MAX:
        raise ValidationFailed(_("No such group."), field="group")
    shown = next((row for row in rows if str(row["key"]) == group), {"key": group, "name": group})
    return Ranked(ranking, rows, shown, in_group(indicator, ranking, reading.span, group))


def trend(reading: Reading) -> dict:
    """The indicator month by month over the 12 months up to the period's last day."""
    points = figures.monthly(reading.indicator, reading.span, TREND_MONTHS)
    return {
        "labels": [f"{first:%Y-%m}" for first, _measure in points],
        "values": [measure.value for _first, measure in points],
        "title": str(reading.indicator.name),
        "unit": str(reading.indicator.unit),
    }


CELLS_CHUNK = 2000


def record_cells(indicator: Indicator, records) -> Iterator[list]:
    """Each record as its cells, in column order, one at a time: what an Excel export or a
    report's appendix writes (hundreds of thousands of rows at a city's scale: no links).
    Records given as a queryset whose every column names its field are read as those fields'
    values, a chunk at a time, without building a model for each row and the rows it joins."""
    columns, marks, yes = indicator.columns, indicator.marks_numerator, _("Yes")
    if isinstance(records, QuerySet) and all(column.field for column in columns):
        fields = [column.field for column in columns] + (["in_numerator"] if marks else [])
        for row in records.values_list(*fields).iterator(chunk_size=CELLS_CHUNK):
            cells = [column.show(value) for column, value in zip(columns, row, strict=False)]
            if marks:
                cells.append(yes if row[-1] else "")
            yield cells
        return
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=CELLS_CHUNK)
    for record in records:
        cells = [column.value(record) for column in columns]
        if marks:
            cells.append(yes if record.in_numerator else "")
        yield cells


def record_rows(indicator: Indicator, records) -> list[dict]:
    """Each record as its cells (in column order) and the link to its detail page."""
    records = list(records)
    return [
        {"cells": cells, "link": indicator.link(record) if indicator.link else ""}
        for record, cells in zip(records, record_cells(indicator, records), strict=True)
    ]


def record_headers(indicator: Indicator) -> list[str]:
    headers = [str(column.label) for column in indicator.columns]
    if indicator.marks_numerator:
        headers.append(str(_("In the numerator")))
    return headers


# ---------------------------------------------------------------------------------------------
# The indicator catalogue: every registered figure, what it means, and the viewer's value.

SEARCH_MAX = 100


@dataclass
class CatalogueEntry:
    """One registered indicator as the catalogue lists it: its names in both languages and, for
    a figure the viewer reads, its value for their widest place this month and the indicator
    page of that place and period (None and "" for one they do not read)."""

    indicator: Indicator
    name_zh: str
    name_en: str
    readable: bool
    place: Place | None = None
    shown: Shown | None = None
    url: str = ""


@dataclass
class Catalogue:
    groups: list[tuple[object, list[CatalogueEntry]]]
    capabilities: list  # every registered capability, for the filter
    capability: str  # the filter ("" for all)
    search: str
    first_day: date
    last_day: date
    total: int  # entries shown

    @property
    def filtered(self) -> bool:
        return bool(self.capability or self.search)


def capabilities() -> list:
    """The registered capabilities, once each, in registry order."""
    seen: dict[str, object] = {}
    for indicator in REGISTRY.values():
        seen.setdefault(indicator.capability.code, indicator.capability)
    return list(seen.values())


def _names_in_both(indicator: Indicator) -> tuple[str, str]:
    from django.utils import translation

    names = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.append(str(indicator.name))
    return names[0], names[1]


def indicator_catalogue(user, *, capability: str = "", search: str = "") -> Catalogue:
    """Every registered indicator by capability, narrowed to one capability and to those whose
    code or name (in either language) holds `search`; those the user reads with their value
    for their widest place over this calendar month to date (one measure each; the places are
    looked up once for each set of capability roles).

    Open to anyone who reads at least one capability (NotFound otherwise); an unknown
    capability or an over-long search is a ValidationFailed (400, in words)."""
    readable = {indicator.code for indicator in readable_indicators(user)}
    if not readable:
        raise NotFound(_("No such page."))
    every = capabilities()
    capability = capability.strip()
    if capability and capability not in {c.code for c in every}:
        raise ValidationFailed(_("There is no such capability."), field="capability")
    search = search.strip()
    if len(search) > SEARCH_MAX:
        raise ValidationFailed(
            _("Search for at most %(count)d characters.") % {"count": SEARCH_MAX}, field="q"
        )
    needle = search.casefold()
    last = timezone.localdate()
    first = last.replace(day=1)
    widest: dict[frozenset, Place | None] = {}
    groups: dict[str, tuple[object, list[CatalogueEntry]]] = {}
    total = 0
    for indicator in REGISTRY.values():
        if capability and indicator.capability.code != capability:
            continue
        name_zh, name_en = _names_in_both(indicator)
        if needle and not any(
            needle in text.casefold() for text in (indicator.code, name_zh, name_en)
        ):
            continue
        entry = CatalogueEntry(indicator, name_zh, name_en, indicator.code in readable)
        if entry.readable:
            roles = indicator.capability.roles
            if roles not in widest:
                places = place_choices(_viewer_of(user, indicator))
                widest[roles] = places[0] if places else None
            place = widest[roles]
            if place is not None:
                span = Span.of(place.path, first, last)
                entry.place = place
                entry.shown = Shown(
                    figures.measure(indicator, span), indicator.unit, indicator.code
                )
                query = urlencode(
                    {"place": place.code, "start": first.isoformat(), "end": last.isoformat()}
                )
                entry.url = reverse("insights:indicator", args=[indicator.code]) + "?" + query
        groups.setdefault(indicator.capability.code, (indicator.capability, []))[1].append(entry)
        total += 1
    return Catalogue(
        groups=list(groups.values()),
        capabilities=every,
        capability=capability,
        search=search,
        first_day=first,
        last_day=last,
        total=total,
    )
