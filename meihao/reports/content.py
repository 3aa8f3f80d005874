"""What a report says, computed once and rendered three ways (PDF, Word, the Excel appendix).

Every number is a registered indicator read through `insights.figures` for the report's place
and period and for the period before it (the previous month, or the previous year); the prose
is clause templates with conditions (提高 / 下降 / 持平, a rate's change in 个百分点), a
sentence left out when its figure counted no records, a chapter's sentences one paragraph. The
five pillars are the chapters.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from meihao.core.roles import OFFICIALS, SUPERVISORS
from meihao.insights import figures
from meihao.insights.registry import REGISTRY, Indicator, Measure, Span, Unit
from meihao.places.models import Level, Place

# The five pillars, each the indicators it reports (those registered; in this order).
CHAPTERS = (
    (
        "governance",
        pgettext_lazy("report chapter", "Governance"),
        (
            "reports_filed",
            "acceptance_rate",
            "on_time_handling_rate",
            "on_time_closure_rate",
            "closure_rate",
            "mean_time_to_close",
            "satisfaction_rate",
            "petitions_sent",
            "petition_reply_on_time_rate",
            "frontage_checks_passed",
        ),
    ),
    (
        "services",
        pgettext_lazy("report chapter", "Services"),
        (
            "applications_filed",
            "application_on_time_rate",
            "service_satisfaction",
            "care_services",
            "care_on_time_rate",
            "care_satisfaction_rate",
            "elder_visits_done_rate",
            "wish_fulfilment_rate",
            "points_redeemed",
        ),
    ),
    (
        "safety",
        pgettext_lazy("report chapter", "Safety"),
        (
            "legal_consultations",
            "legal_disputes",
            "legal_agreements",
            "legal_education_sessions",
            "police_tips",
            "joint_patrols",
            "red_armband_patrol_hours",
        ),
    ),
    (
        "culture",
        pgettext_lazy("report chapter", "Culture"),
        (
            "lecture_sessions",
            "lecture_attendance",
            "lecture_orders_delivered",
            "culture_events",
            "culture_attendance",
            "redculture_route_visits",
            "venue_bookings",
        ),
    ),
    (
        "party",
        pgettext_lazy("report chapter", "Party building"),
        (
            "party_meetings_held",
            "party_meeting_attendance",
            "party_study_completion",
            "project_households_signed",
            "service_hours",
            "active_volunteers",
        ),
    ),
)
# The figure the best and worst performers are named by, and the cases it counts.
RANKED_BY = "on_time_closure_rate"
CASES = "reports_filed"
REPORT_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
TREND_MONTHS = 12


def minimum_cases() -> int:
    """A place below is compared only with at least this many cases counted by the rate (the
    grades' "too few cases" threshold)."""
    return settings.GRID_GRADE_MIN_CASES


def reported_indicators(place: Place) -> dict[str, Indicator]:
    """The indicators a report of `place` may hold: those every role that reads the report
    reads (a community's report is read by its staff too; a street's or the district's by
    the street chiefs and district admins)."""
    readers = OFFICIALS if place.level == Level.COMMUNITY else SUPERVISORS
    return {code: i for code, i in REGISTRY.items() if readers <= i.capability.roles}


def previous_period(kind: str, first: date) -> tuple[date, date]:
    if kind == "annual":
        return date(first.year - 1, 1, 1), date(first.year - 1, 12, 31)
    last = first - timedelta(days=1)
    return last.replace(day=1), last


@dataclass
class Figure:
    code: str
    name: str
    unit: str
    is_rate: bool
    measure: Measure
    previous: Measure
    link: str  # the indicator page of the place and period: the records behind the number

    @property
    def change(self) -> float | None:
        if self.measure.value is None or self.previous.value is None:
            return None
        return round(self.measure.value - self.previous.value, 1)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]


@dataclass
class Chart:
    kind: str  # "bar" or "line"
    title: str
    labels: list[str]
    values: list[float | None]
    unit: str


@dataclass
class Chapter:
    key: str
    title: str
    figures: list[Figure]
    sentences: list[str] = field(default_factory=list)  # the figures': one paragraph
    remarks: list[str] = field(default_factory=list)  # each a paragraph of its own
    lead: str = ""  # what the overview says of it: the headline, or its first figure
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    said: bool = False  # whether any of its figures counted records


@dataclass
class Content:
    title: str
    place_name: str
    place_code: str
    kind: str
    first_day: date
    last_day: date
    previous_first: date
    previous_last: date
    summary: list[str]  # one paragraph
    chapters: list[Chapter]
    generated_at: datetime

    @property
    def figures(self) -> list[Figure]:
        return [f for chapter in self.chapters for f in chapter.figures]


def number(value) -> str:
    """A figure as the report writes it: whole numbers without decimals, else one decimal."""
    if value is None:
        return "—"
    value = float(value)
    return f"{int(value)}" if value.is_integer() else f"{value:.1f}"


# Clause templates: (kind, direction) → the figure and its change, numbers interpolated; a
# clause is a sentence on its own (`sentence`) or follows the headline's count (`headline`).
RATE_CLAUSES = {
    ("monthly", "up"): lambda: _(
        "%(name)s was %(value)s%%, up %(delta)s percentage points on the previous month"
    ),
    ("monthly", "down"): lambda: _(
        "%(name)s was %(value)s%%, down %(delta)s percentage points on the previous month"
    ),
    ("monthly", "same"): lambda: _("%(name)s was %(value)s%%, the same as the previous month"),
    ("annual", "up"): lambda: _(
        "%(name)s was %(value)s%%, up %(delta)s percentage points on the previous year"
    ),
    ("annual", "down"): lambda: _(
        "%(name)s was %(value)s%%, down %(delta)s percentage points on the previous year"
    ),
    ("annual", "same"): lambda: _("%(name)s was %(value)s%%, the same as the previous year"),
}
AMOUNT_CLAUSES = {
    ("monthly", "up"): lambda: _(
        "%(name)s was %(value)s%(unit)s, %(delta)s%(unit)s more than the previous month"
    ),
    ("monthly", "down"): lambda: _(
        "%(name)s was %(value)s%(unit)s, %(delta)s%(unit)s fewer than the previous month"
    ),
    ("monthly", "same"): lambda: _(
        "%(name)s was %(value)s%(unit)s, the same as the previous month"
    ),
    ("annual", "up"): lambda: _(
        "%(name)s was %(value)s%(unit)s, %(delta)s%(unit)s more than the previous year"
    ),
    ("annual", "down"): lambda: _(
        "%(name)s was %(value)s%(unit)s, %(delta)s%(unit)s fewer than the previous year"
    ),
    ("annual", "same"): lambda: _("%(name)s was %(value)s%(unit)s, the same as the previous year"),
}


def chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def unit_word(figure: Figure) -> str:
    """The unit written after an amount: none after a plain count, nor where the figure's name
    ends with it (兑换积分为10200, not 兑换积分为10200积分)."""
    if figure.unit in (Unit.COUNT, Unit.PERCENT):
        return ""
    label = str(Unit(figure.unit).label)
    if figure.name.endswith(label):
        return ""
    return label if chinese() else f" {label}"


def clause(kind: str, figure: Figure) -> str | None:
    """The figure in words, compared with the previous period, without the full stop; None
    when it counted no records (a rate with nothing to rate, a count or amount of nothing)."""
    value = figure.measure.value
    if value is None or (not figure.is_rate and not value):
        return None
    if figure.is_rate and not figure.measure.denominator:
        return None
    change = figure.change
    if change is None:
        if figure.is_rate:
            return _("%(name)s was %(value)s%%") % {"name": figure.name, "value": number(value)}
        return _("%(name)s was %(value)s%(unit)s") % {
            "name": figure.name,
            "value": number(value),
            "unit": unit_word(figure),
        }
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    templates = RATE_CLAUSES if figure.is_rate else AMOUNT_CLAUSES
    return templates[(kind, direction)]() % {
        "name": figure.name,
        "value": number(value),
        "delta": number(abs(change)),
        "unit": unit_word(figure),
    }


def sentence(kind: str, figure: Figure) -> str | None:
    """The figure's clause as a sentence (None without records)."""
    text = clause(kind, figure)
    return None if text is None else _("%(clause)s.") % {"clause": text}


def lead(chapter_title: str, text: str) -> str:
    """A chapter's first figure in the overview, introduced by the chapter (服务方面，…)."""
    return _("%(chapter)s: %(clause)s.") % {"chapter": chapter_title, "clause": text}


def paragraph(sentences: list[str]) -> str:
    """Sentences run on as one paragraph (Chinese puts no space after its full stop)."""
    return ("" if chinese() else " ").join(sentences)


def headline(kind: str, cases: Figure | None, on_time: Figure | None) -> str | None:
    """The report's first sentence: the problems the public reported and, when any were
    rated, how many were closed on time, against the previous period (omitted with no
    problems reported)."""
    if cases is None or not cases.measure.value:
        return None
    count = number(cases.measure.value)
    rate = clause(kind, on_time) if on_time is not None else None
    if rate is None:
        if kind == "annual":
            text = _("This year %(count)s problems reported by the public were received.")
        else:
            text = _("This month %(count)s problems reported by the public were received.")
        return text % {"count": count}
    if kind == "annual":
        text = _("This year %(count)s problems reported by the public were received; %(rate)s.")
    else:
        text = _("This month %(count)s problems reported by the public were received; %(rate)s.")
    return text % {"count": count, "rate": rate}


@dataclass
class Performers:
    best: tuple[str, Measure] | None
    worst: tuple[str, Measure] | None
    eligible: int


def pick_performers(rows: list[tuple[str, Measure]], minimum: int) -> Performers:
    """The rule: among the places below with at least `minimum` cases counted by the rate, the
    highest rate is the best and the lowest the worst (more cases first among equals, then the
    name); with fewer than two such places, none is named."""
    eligible = [
        (name, m) for name, m in rows if m.value is not None and (m.denominator or 0) >= minimum
    ]
    if len(eligible) < 2:
        return Performers(None, None, len(eligible))
    ordered = sorted(eligible, key=lambda row: (-row[1].value, -(row[1].denominator or 0), row[0]))
    worst = sorted(eligible, key=lambda row: (row[1].value, -(row[1].denominator or 0), row[0]))
    return Performers(ordered[0], worst[0], len(eligible))


def performers_sentence(performers: Performers, minimum: int, rate_name: str) -> str:
    if performers.best is None or performers.worst is None:
        return _(
            "Fewer than two of the places below had at least %(minimum)s cases counted by "
            "%(rate)s, so none is named best or worst."
        ) % {"minimum": minimum, "rate": rate_name}
    return _(
        "Compared by %(rate)s among the places below with at least %(minimum)s cases counted "
        "by it: %(best)s did best (%(best_value)s%%) and %(worst)s worst (%(worst_value)s%%)."
    ) % {
        "minimum": minimum,
        "rate": rate_name,
        "best": performers.best[0],
        "best_value": number(performers.best[1].value),
        "worst": performers.worst[0],
        "worst_value": number(performers.worst[1].value),
    }


def _link(code: str, place: Place, first: date, last: date) -> str:
    query = urlencode({"place": place.code, "start": first.isoformat(), "end": last.isoformat()})
    return f"/insights/indicators/{code}/?{query}"


def _period_words(kind: str) -> tuple[str, str]:
    if kind == "annual":
        return pgettext("report figures", "This year"), pgettext("report figures", "Previous year")
    return pgettext("report figures", "This month"), pgettext("report figures", "Previous month")


def build(place: Place, kind: str, first: date, last: date, *, progress=None) -> Content:
    """Every figure of the report computed once, with its prose, tables and charts."""
    previous_first, previous_last = previous_period(kind, first)
    span = Span.of(place.path, first, last)
    previous_span = Span.of(place.path, previous_first, previous_last)
    available = reported_indicators(place)
    this_words, previous_words = _period_words(kind)
    chapters = []
    for number_, (key, title, codes) in enumerate(CHAPTERS):
        chapter_figures = []
        for code in codes:
            indicator = available.get(code)
            if indicator is None:
                continue
            chapter_figures.append(
                Figure(
                    code=code,
                    name=str(indicator.name),
                    unit=str(indicator.unit),
                    is_rate=indicator.is_rate,
                    measure=figures.measure(indicator, span),
                    previous=figures.measure(indicator, previous_span),
                    link=_link(code, place, first, last),
                )
            )
        chapter = Chapter(key, str(title), chapter_figures)
        said_first: set[str] = set()
        if key == "governance":
            by_code = {f.code: f for f in chapter_figures}
            first_sentence = headline(kind, by_code.get(CASES), by_code.get(RANKED_BY))
            if first_sentence:
                chapter.sentences.append(first_sentence)
                chapter.lead = first_sentence
                said_first = {CASES, RANKED_BY}
        for figure in chapter_figures:
            if figure.code in said_first:
                continue  # said by the headline
            text = clause(kind, figure)
            if text:
                chapter.sentences.append(_("%(clause)s.") % {"clause": text})
                chapter.lead = chapter.lead or lead(chapter.title, text)
        chapter.said = bool(chapter.sentences)
        if not chapter.sentences:
            chapter.sentences.append(_("No records in this period."))
        chapter.tables.append(
            Table(
                _("Figures: %(chapter)s") % {"chapter": chapter.title},
                [_("Indicator"), this_words, previous_words, pgettext("report figures", "Change")],
                [
                    [
                        _labelled(f),
                        number(f.measure.value),
                        number(f.previous.value),
                        _signed(f.change),
                    ]
                    for f in chapter_figures
                ],
            )
        )
        if key == "governance":
            _governance_extras(chapter, place, kind, span, available)
        chapters.append(chapter)
        if progress:
            progress(5 + 35 * (number_ + 1) // len(CHAPTERS))
    if kind == "annual":
        title = _("%(place)s annual report %(year)s") % {"place": place.name, "year": first.year}
    else:
        title = _("%(place)s monthly report, %(month)s/%(year)s") % {
            "place": place.name,
            "year": first.year,
            "month": first.month,
        }
    # Each chapter's lead, for the chapters that counted anything: one paragraph.
    summary = [chapter.lead for chapter in chapters if chapter.said]
    if not summary:
        summary = [_("No records in this period.")]
    return Content(
        title=title,
        place_name=place.name,
        place_code=place.code,
        kind=kind,
        first_day=first,
        last_day=last,
        previous_first=previous_first,
        previous_last=previous_last,
        summary=summary,
        chapters=chapters,
        generated_at=timezone.localtime(),
    )


def _labelled(figure: Figure) -> str:
    """The figure's name in a table, with its unit unless a count or named by it already."""
    unit = "%" if figure.unit == Unit.PERCENT else str(Unit(figure.unit).label)
    if figure.unit == Unit.COUNT or figure.name.endswith(unit):
        return figure.name
    return f"{figure.name} ({unit})"


def _signed(change: float | None) -> str:
    if change is None:
        return "—"
    return f"+{number(change)}" if change > 0 else number(change)


def _governance_extras(chapter: Chapter, place: Place, kind: str, span: Span, available) -> None:
    """The places below compared (a table, a bar chart, best and worst by rule) and the cases
    month by month (a line chart)."""
    rate, cases = available.get(RANKED_BY), available.get(CASES)
    if rate is None or cases is None:
        return
    children = list(
        Place.objects.filter(parent=place, level__in=[*REPORT_LEVELS, Level.GRID])
        .only("id", "name", "path", "code")
        .order_by("code")
    )
    if children:
        rows = []
        for child in children:
            child_span = Span.of(child.path, span.first_day, span.last_day)
            rows.append(
                (child.name, figures.measure(cases, child_span), figures.measure(rate, child_span))
            )
        minimum = minimum_cases()
        performers = pick_performers([(name, m) for name, _c, m in rows], minimum)
        chapter.remarks.append(performers_sentence(performers, minimum, str(rate.name)))
        chapter.tables.append(
            Table(
                _("The places below"),
                [
                    pgettext("report table", "Place"),
                    str(cases.name),
                    str(rate.name) + " (%)",
                    _("Cases rated"),
                ],
                [
                    [name, number(c.value), number(m.value), number(m.denominator)]
                    for name, c, m in rows
                ],
            )
        )
        chapter.charts.append(
            Chart(
                "bar",
                _("%(rate)s of the places below (%%)") % {"rate": rate.name},
                [name for name, _c, _m in rows],
                [m.value for _n, _c, m in rows],
                "%",
            )
        )
    points = figures.monthly(cases, span, TREND_MONTHS)
    chapter.charts.append(
        Chart(
            "line",
            _("%(name)s, month by month") % {"name": cases.name},
            [f"{first:%Y-%m}" for first, _m in points],
            [m.value for _f, m in points],
            "",
        )
    )
    chapter.tables.append(
        Table(
            _("%(name)s, month by month") % {"name": cases.name},
            [_("Month"), str(cases.name)],
            [[f"{first:%Y-%m}", number(m.value)] for first, m in points],
        )
    )
