"""The reads behind a role's dashboard, always scoped to the asking user.

A board is about a subject (`subjects`: a place, a department, a volunteer team). Every number
is a registered indicator read through `insights.figures` (this period, the one before, twelve
months) for the subject, ranked among its peers; the attention lists come from each app's own
selectors scoped to the user. Queries grow with the board's figures and the subjects compared
(siblings, children, grids), never with the number of records.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.scoping import in_subtree
from meihao.dashboards import boards as b
from meihao.dashboards import subjects
from meihao.dashboards.indicators import FUNNEL
from meihao.dashboards.subjects import Subject
from meihao.insights import figures, grades
from meihao.insights.indicators import INDICATORS as CASE_INDICATORS
from meihao.insights.registry import REGISTRY, Indicator, Measure, Span
from meihao.insights.selectors import PERIODS, Period, Shown, period_for
from meihao.places.models import Level, Place

SPARK_MONTHS = 12
ATTENTION_SHOWN = 5
PLACE_FIELDS = ("id", "code", "name", "level", "path", "parent_id")


def boards_of(user) -> list[b.Board]:
    """The dashboards of the roles, departments and teams the user holds, in the boards'
    order (a superuser: the district's)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return [b.BY_KEY["district"]]
    return [board for board in b.BOARDS if subjects.holds(user, board.subject, board.role)]


def has_dashboard(user) -> bool:
    return bool(boards_of(user))


def board_subjects(user, board: b.Board) -> list[Subject]:
    """What the user's board may show: the places they hold its role on, their departments,
    the teams they lead; widest first."""
    return subjects.subjects_of(user, board.subject, board.role)


def dashboard_period(params, *, today: date | None = None) -> Period:
    """The period picked as on the statistics pages (this month by default); an unknown period
    or a bad custom one is refused in words (ValidationFailed, a 400), never replaced."""
    key = (params.get("period") or "this_month").strip()
    if key not in PERIODS:
        raise ValidationFailed(_("There is no such period."), field="period")
    period, error = period_for(
        key, start=params.get("start", ""), end=params.get("end", ""), today=today
    )
    if error:
        raise ValidationFailed(error, field="start")
    return period


def previous_days(first: date, last: date) -> tuple[date, date]:
    """The period a period is compared with: within one month, the same days of the month
    before (a whole month: the whole month before); within one year from 1 January, the same
    days of the year before; else the as many days just before."""
    if first.day == 1 and (first.year, first.month) == (last.year, last.month):
        before = (first - timedelta(days=1)).replace(day=1)
        whole = (last + timedelta(days=1)).day == 1
        end = figures.month_last(before)
        return before, end if whole else min(end, before.replace(day=min(last.day, end.day)))
    if (first.month, first.day) == (1, 1) and first.year == last.year:
        day = last.day if (last.month, last.day) != (2, 29) else 28
        return first.replace(year=first.year - 1), last.replace(year=last.year - 1, day=day)
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)


@lru_cache(maxsize=1024)
def _indicator_path(code: str, urlconf, prefix: str) -> str:
    """Cached by the URLconf and the script prefix too: `reverse` answers with both."""
    return reverse("insights:indicator", args=[code], urlconf=urlconf)


def _records_page(code: str) -> str:
    """The indicator's page, reversed once a code (a board links to it hundreds of times)."""
    return _indicator_path(code, get_urlconf(), get_script_prefix())


def records_url(code: str, place: Place, first: date, last: date, **extra) -> str:
    query = {"place": place.code, "start": first.isoformat(), "end": last.isoformat(), **extra}
    return _records_page(code) + "?" + urlencode(query)


def subject_url(code: str, subject: Subject, first: date, last: date) -> str:
    """The records behind a subject's figure (a department's or team's narrowed to it)."""
    query = {**subject.params, "start": first.isoformat(), "end": last.isoformat()}
    return _records_page(code) + "?" + urlencode(query)


@dataclass
class Tile:
    indicator: Indicator
    measure: Measure
    previous: Measure
    url: str
    previous_url: str
    spark: list[dict]
    rank: int | None = None
    peers: int = 0

    @property
    def shown(self) -> Shown:
        return Shown(self.measure, self.indicator.unit, self.indicator.code)

    @property
    def previous_shown(self) -> Shown:
        return Shown(self.previous, self.indicator.unit, self.indicator.code)

    @property
    def change(self) -> float | None:
        """This period less the last (percentage points for a rate), None without both."""
        if self.measure.value is None or self.previous.value is None:
            return None
        return round(self.measure.value - self.previous.value, 1)

    @property
    def change_percent(self) -> float | None:
        """For a figure that is not a rate: the change in percent of the last period's."""
        if self.indicator.is_rate or self.change is None or not self.previous.value:
            return None
        return round(100.0 * self.change / self.previous.value, 1)

    @property
    def better(self) -> bool | None:
        if not self.change:
            return None
        return (self.change > 0) == self.indicator.higher_is_better

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return ""
        sign = "+" if change > 0 else ""
        number = f"{change:g}"
        if self.indicator.is_rate:
            return _("%(change)s pp") % {"change": sign + number}
        percent = self.change_percent
        if percent is None:
            return sign + number
        return f"{sign}{number} ({sign}{percent:g}%)"


@dataclass
class Attention:
    key: str
    title: str
    count: int
    url: str
    items: list[dict] = field(default_factory=list)  # {text, detail, url}
    note: str = ""


@dataclass
class Dashboard:
    board: b.Board
    boards: list[b.Board]
    subject: Subject
    subjects: list[Subject]
    period: Period
    previous: tuple[date, date]
    tiles: list[Tile]
    attention: list[Attention]
    grade: grades.Grade | None  # a board about cases only
    grade_url: str
    ranking: dict
    funnel: dict | None
    heatmap: dict | None  # a place's board only
    query: str  # board, subject and period as this page's query string

    @property
    def place(self) -> Place:
        return self.subject.place

    @property
    def empty(self) -> bool:
        return all(tile.measure.value in (None, 0) for tile in self.tiles)


def _span(place: Place, first: date, last: date) -> Span:
    return Span.of(place.path, first, last)


def _ranks(indicator: Indicator, subject: Subject, values: dict) -> int | None:
    """The subject's rank among its peers (itself included; `values` by their key) by this
    figure, best first; None when it has no value or no peers."""
    own = values.get(subject.key)
    if len(values) < 2 or own is None:
        return None
    sign = 1 if indicator.higher_is_better else -1
    better = sum(1 for v in values.values() if v is not None and sign * v > sign * own)
    return better + 1


def _tiles(indicators: list[Indicator], subject: Subject, peers, period: Period, previous):
    """A tile per figure: this period, the one before, twelve months and the peers' values for
    its rank, every one of every tile read together (`figures.measures`: the rolled-up ones in
    three queries, however many tiles and peers)."""
    first, last = period.first_day, period.last_day
    months = figures.month_firsts(last, SPARK_MONTHS)
    ranked = peers if len(peers) >= 2 else []
    spans = [
        subject.span(first, last),
        subject.span(*previous),
        *(subject.span(month, figures.month_last(month)) for month in months),
        *(peer.span(first, last) for peer in ranked),
    ]
    read = iter(figures.measures([(i, span) for i in indicators for span in spans]))
    tiles = []
    for indicator in indicators:
        measure, before = next(read), next(read)
        spark = [
            {
                "label": f"{month:%Y-%m}",
                "value": next(read).value,
                "url": subject_url(
                    indicator.code, subject, month, min(figures.month_last(month), last)
                ),
            }
            for month in months
        ]
        values = {peer.key: next(read).value for peer in ranked}
        tiles.append(
            Tile(
                indicator=indicator,
                measure=measure,
                previous=before,
                url=subject_url(indicator.code, subject, first, last),
                previous_url=subject_url(indicator.code, subject, *previous),
                spark=spark,
                rank=_ranks(indicator, subject, values),
                peers=len(peers),
            )
        )
    return tiles


def _grade(subject: Subject, first: date, last: date) -> grades.Grade:
    span = subject.span(first, last)
    names = [name for name in [*grades.weights(), "reports_filed"] if name in CASE_INDICATORS]
    read = figures.measures([(REGISTRY[name], span) for name in names])
    return grades.grade(dict(zip(names, read, strict=True)))


def _ranking(indicator: Indicator, compared: list[Subject], period: Period) -> dict:
    """The figure for each subject compared (the places right under the board's place, the
    departments, the teams under a team), best first, each linking to its records."""
    first, last = period.first_day, period.last_day
    rows = []
    read = figures.measures([(indicator, other.span(first, last)) for other in compared])
    for other, measure in zip(compared, read, strict=True):
        rows.append(
            {
                "name": other.name,
                "value": measure.value,
                "text": Shown(measure, indicator.unit, indicator.code).text,
                "url": subject_url(indicator.code, other, first, last),
            }
        )
    sign = 1 if indicator.higher_is_better else -1
    rows.sort(key=lambda r: (r["value"] is None, -sign * (r["value"] or 0), r["name"]))
    return {
        "code": indicator.code,
        "title": str(indicator.name),
        "unit": "%" if indicator.is_rate else "",
        "rows": rows,
        "empty": _("No data this month") if not any(r["value"] for r in rows) else "",
    }


def _funnel(subject: Subject, period: Period) -> dict:
    span = subject.span(period.first_day, period.last_day)
    stages = []
    read = figures.measures([(REGISTRY[code], span) for code in FUNNEL])
    for code, measure in zip(FUNNEL, read, strict=True):
        indicator = REGISTRY[code]
        stages.append(
            {
                "code": code,
                "name": str(indicator.name),
                "value": measure.value,
                "url": subject_url(code, subject, period.first_day, period.last_day),
            }
        )
    return {
        "stages": stages,
        "empty": _("No data this month") if not stages[0]["value"] else "",
    }


# The heat map's sequential scale, light to dark: a grid with no case is drawn in NO_CASES, the
# others in one of HEAT_COLOURS by the class its count falls in (heat_classes).
NO_CASES = "#eef2f6"
HEAT_COLOURS = ("#fde0dd", "#f9a3a8", "#ef5e6b", "#c8102e", "#7a0a1c")


def heat_classes(highest: int) -> list[tuple[int, int]]:
    """The counts' classes of the heat map: ranges of equal width from 1 to the highest count,
    as many as there are colours or fewer (one per count when the highest is small); the last
    one ends at the highest count."""
    if highest < 1:
        return []
    width = -(-highest // len(HEAT_COLOURS))  # ceiling
    return [(low, min(low + width - 1, highest)) for low in range(1, highest + 1, width)]


def heat_colours(classes: int) -> list[str]:
    """The colours of that many classes, spread over the scale from its lightest to its darkest
    (a single class in its middle), so that fewer classes still read light to dark."""
    last = len(HEAT_COLOURS) - 1
    if classes == 1:
        return [HEAT_COLOURS[last // 2]]
    return [HEAT_COLOURS[round(i * last / (classes - 1))] for i in range(classes)]


def _heat_colour(count: int, classes: list[tuple[int, int]], colours: list[str]) -> str:
    for (low, high), colour in zip(classes, colours, strict=True):
        if low <= count <= high:
            return colour
    return NO_CASES


def _range_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _heatmap(place: Place, period: Period) -> dict:
    """The grids under the place as GeoJSON for the map kit (places/maps.js), each filled by
    its cases filed in the period (the reported stage's figure for each grid drawn, read with
    the others from their rollup rows) on a sequential scale, labelled with its name and count
    and linking to those cases (the reported stage's grid group)."""
    indicator = REGISTRY["cases_reported"]
    ranking = indicator.rankings[0]
    grids = list(
        Place.objects.filter(
            in_subtree(place.path, "path"), level=Level.GRID, boundary__isnull=False
        )
        .only("id", "code", "name", "path", "boundary")
        .order_by("path")
    )
    read = figures.measures(
        [(indicator, _span(grid, period.first_day, period.last_day)) for grid in grids]
    )
    counts = {grid.path: measure.value or 0 for grid, measure in zip(grids, read, strict=True)}
    classes = heat_classes(max((counts.get(grid.path, 0) for grid in grids), default=0))
    colours = heat_colours(len(classes))
    features = []
    for grid in grids:
        count = counts.get(grid.path, 0)
        url = records_url(
            "cases_reported",
            place,
            period.first_day,
            period.last_day,
            by=ranking.code,
            group=grid.path,
        )
        features.append(
            {
                "type": "Feature",
                "geometry": grid.boundary,
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "cases": count,
                    "colour": _heat_colour(count, classes, colours),
                    # The tooltip's words, as text: the map hands them to Leaflet as text.
                    "label": _("%(grid)s: %(count)s cases") % {"grid": grid.name, "count": count},
                    "url": url,
                },
            }
        )
    legend = [{"text": "0", "colour": NO_CASES}] + [
        {"text": _range_text(low, high), "colour": colour}
        for (low, high), colour in zip(classes, colours, strict=True)
    ]
    return {
        "grids": {"type": "FeatureCollection", "features": features},
        "legend": legend if features else [],
        "title": str(indicator.name),
        "empty": _("No grid outlines to draw.") if not features else "",
    }


# ---------------------------------------------------------------------------------------------
# What needs attention now: each list from its app's own selectors, scoped to the user.


def _overdue_cases(user, subject: Subject, period: Period) -> Attention | None:
    place = subject.place
    from meihao.cases.selectors import BoardFilters, board_cases, may_use_board

    if not may_use_board(user):
        return None
    cases = board_cases(user, BoardFilters(status="open", overdue=True)).filter(
        in_subtree(place.path)
    )
    query = {"status": "open", "overdue": "1"}
    if place.level == Level.GRID or place.level == Level.COMMUNITY:
        query["grid"] = place.code
    return Attention(
        b.OVERDUE_CASES,
        _("Overdue cases"),
        cases.count(),
        reverse("cases:board") + "?" + urlencode(query),
        [
            {
                "text": case.number,
                "detail": f"{case.category.name_zh if case.category else ''} · {case.place.name}",
                "url": reverse("cases:detail", kwargs={"number": case.number}),
            }
            for case in cases.select_related("category", "place")[:ATTENTION_SHOWN]
        ],
    )


def _branches_short(user, subject: Subject, period: Period) -> Attention | None:
    place = subject.place
    from meihao.party import compliance
    from meihao.party.selectors import led_orgs

    orgs = [
        org
        for org in led_orgs(user).select_related("place").order_by("path")
        if _org_in(org, place)
    ]
    if not orgs:
        return None
    today = timezone.localdate()
    org = orgs[0]
    short = compliance.short_orgs(org, today.year, today)
    return Attention(
        b.BRANCHES_SHORT,
        _("Branches short of meetings"),
        short.count(),
        reverse("party:compliance") + "?" + urlencode({"org": org.pk, "short": "1"}),
        [
            {
                "text": row.name,
                "detail": "",
                "url": reverse("party:compliance") + "?" + urlencode({"org": org.pk, "short": "1"}),
            }
            for row in short.order_by("path")[:ATTENTION_SHOWN]
        ],
        note=_("This year so far"),
    )


def _org_in(org, place: Place) -> bool:
    path = getattr(org.place, "path", "") if org.place_id else ""
    return not path or path.startswith(place.path) or place.path.startswith(path)


def _advisors_short(user, subject: Subject, period: Period) -> Attention | None:
    place = subject.place
    from meihao.legal.compliance import posts_month
    from meihao.legal.selectors import may_read_compliance

    if not may_read_compliance(user):
        return None
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    rows = [row for row in posts_month(place.path, month.year, month.month) if not row.met]
    url = (
        reverse("legal:compliance")
        + "?"
        + urlencode({"place": place.code, "month": f"{month:%Y-%m}"})
    )
    return Attention(
        b.ADVISORS_SHORT,
        _("Advisors short of hours"),
        len(rows),
        url,
        [
            {
                "text": row.advisor_name,
                "detail": _("%(community)s · %(hours)s h short")
                % {"community": row.community_name, "hours": f"{row.minutes_short / 60:.1f}"},
                "url": url,
            }
            for row in rows[:ATTENTION_SHOWN]
        ],
        note=_("Month of %(month)s") % {"month": f"{month:%Y-%m}"},
    )


def _wishes_unclaimed(user, subject: Subject, period: Period) -> Attention | None:
    place = subject.place
    from meihao.wishes.selectors import may_review, review_queue

    if not may_review(user):
        return None
    wishes = review_queue(user, "published").filter(in_subtree(place.path))
    return Attention(
        b.WISHES_UNCLAIMED,
        _("Unclaimed wishes"),
        wishes.count(),
        reverse("wishes:review") + "?" + urlencode({"state": "published"}),
        [
            {
                "text": wish.number,
                "detail": wish.place.name,
                "url": reverse("wishes:detail", kwargs={"number": wish.number}),
            }
            for wish in wishes[:ATTENTION_SHOWN]
        ],
    )


def _care_missed(user, subject: Subject, period: Period) -> Attention | None:
    place = subject.place
    indicator = REGISTRY.get("care_no_shows")
    if indicator is None:
        return None
    span = _span(place, period.first_day, period.last_day)
    measure = figures.measure(indicator, span)
    records = indicator.records(span)[:ATTENTION_SHOWN]
    return Attention(
        b.CARE_MISSED,
        _("Care visits missed"),
        int(measure.value or 0),
        records_url(indicator.code, place, period.first_day, period.last_day),
        [
            {
                "text": str(indicator.columns[0].value(record)),
                "detail": " · ".join(str(c.value(record)) for c in indicator.columns[1:3]),
                "url": indicator.link(record) if indicator.link else "",
            }
            for record in records
        ],
    )


def _queue_overdue(user, subject: Subject, period: Period) -> Attention | None:
    """A department's cases past their deadline, from its queue."""
    from meihao.cases.selectors import queue_cases

    cases = queue_cases(user, overdue=True).filter(assigned_organisation_id=subject.department)
    return Attention(
        b.QUEUE_OVERDUE,
        # Not the "cases overdue now" tile: that one also counts the cases reported back past
        # their deadline that the street has yet to verify (`street_overdue_q`).
        _("Overdue in our queue"),
        cases.count(),
        reverse("cases:queue") + "?" + urlencode({"overdue": "1"}),
        [
            {
                "text": case.number,
                "detail": f"{case.category.name_zh if case.category else ''} · {case.place.name}",
                "url": reverse("cases:detail", kwargs={"number": case.number}),
            }
            for case in cases.select_related("category", "place")[:ATTENTION_SHOWN]
        ],
    )


SHORT_DAYS = 14


def _activities_short(user, subject: Subject, period: Period) -> Attention | None:
    """The team's published activities of the next two weeks with places still free: the
    volunteers a leader has to find."""
    from meihao.activities.selectors import short_of_volunteers

    now = timezone.now()
    activities = short_of_volunteers(subject.team, now, now + timedelta(days=SHORT_DAYS))
    return Attention(
        b.ACTIVITIES_SHORT,
        _("Activities short of volunteers"),
        activities.count(),
        reverse("activities:organise"),
        [
            {
                "text": activity.title,
                "detail": _("%(start)s · %(confirmed)s of %(capacity)s signed up")
                % {
                    "start": f"{timezone.localtime(activity.starts_at):%m-%d %H:%M}",
                    "confirmed": activity.confirmed,
                    "capacity": activity.capacity,
                },
                "url": reverse("activities:signups", args=[activity.pk]),
            }
            for activity in activities[:ATTENTION_SHOWN]
        ],
        note=_("The next %(days)s days") % {"days": SHORT_DAYS},
    )


ATTENTION = {
    b.OVERDUE_CASES: _overdue_cases,
    b.BRANCHES_SHORT: _branches_short,
    b.ADVISORS_SHORT: _advisors_short,
    b.WISHES_UNCLAIMED: _wishes_unclaimed,
    b.CARE_MISSED: _care_missed,
    b.QUEUE_OVERDUE: _queue_overdue,
    b.ACTIVITIES_SHORT: _activities_short,
}


def _readable(user, code: str, board: b.Board) -> bool:
    """A place board shows the figures the user's place roles read; a department's and a
    team's, those that answer for one (their staff and leaders read them narrowed)."""
    from meihao.core.scoping import has_role

    indicator = REGISTRY.get(code)
    if indicator is None:
        return False
    if board.subject == subjects.DEPARTMENT:
        return indicator.by_department
    if board.subject == subjects.TEAM:
        return indicator.by_team
    return user.is_superuser or has_role(user, indicator.capability.roles)


def dashboard(user, *, board_key: str = "", unit: str = "", period: Period, rank: str = ""):
    """The user's dashboard `board_key` (by default their first) for one of their places,
    departments or teams (`unit`: a place's code or an id; by default their widest) and the
    period. No dashboard, another role's, or a unit not the user's: NotFound."""
    shown = dashboard_figures(user, board_key=board_key, unit=unit, period=period, rank=rank)
    shown.attention = attention_lists(user, shown)
    return shown


def attention_lists(user, shown: "Dashboard") -> list[Attention]:
    """What needs attention now on the board: each list read live from its app (a standing
    queue, not a figure of a period)."""
    lists = (ATTENTION[key](user, shown.subject, shown.period) for key in shown.board.attention)
    return [item for item in lists if item is not None]


def dashboard_figures(
    user, *, board_key: str = "", unit: str = "", period: Period, rank: str = ""
) -> "Dashboard":
    """The dashboard without its attention lists: every number of it a registered indicator's,
    read through `insights.figures.measures` (from rollup rows where it can)."""
    mine = boards_of(user)
    if not mine:
        raise NotFound(_("No such page."))
    board = next((x for x in mine if x.key == board_key), None) if board_key else mine[0]
    if board is None:
        raise NotFound(_("No such page."))
    choices = board_subjects(user, board)
    subject = next((c for c in choices if c.key == unit), None) if unit else None
    if unit and subject is None:
        raise NotFound(_("No such place."))
    subject = subject or (choices[0] if choices else None)
    if subject is None:
        raise NotFound(_("No such place."))
    codes = [code for code in board.indicators if _readable(user, code, board)]
    rank = rank or board.ranked
    if rank not in codes:
        if rank != board.ranked:
            raise ValidationFailed(_("No such ranking."), field="rank")
        rank = codes[0]
    first, last = period.first_day, period.last_day
    previous = previous_days(first, last)
    peers = subjects.peers_of(subject, board.subject)
    tiles = _tiles([REGISTRY[code] for code in codes], subject, peers, period, previous)
    grade_query = urlencode(
        {
            "place": subject.place.code,
            "period": "custom",
            "start": first.isoformat(),
            "end": last.isoformat(),
        }
    )
    query = {"board": board.key, "unit": subject.key, "period": period.key}
    if period.key == "custom":
        query.update(start=first.isoformat(), end=last.isoformat())
    on_place = board.subject == subjects.PLACE
    return Dashboard(
        board=board,
        boards=mine,
        subject=subject,
        subjects=choices,
        period=period,
        previous=previous,
        tiles=tiles,
        attention=[],
        grade=_grade(subject, first, last) if board.cases else None,
        grade_url=reverse("insights:cases") + "?" + grade_query,
        ranking=_ranking(REGISTRY[rank], subjects.below(subject, board.subject), period),
        funnel=_funnel(subject, period) if board.cases else None,
        heatmap=_heatmap(subject.place, period) if on_place else None,
        query=urlencode(query),
    )
