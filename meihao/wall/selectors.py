"""What a wall screen shows: counts and anonymised points for its token's place, nothing else.

Every number is a registered indicator, the screen's figures and its rankings' read together
through `insights.figures.measures` (the rolled-up ones from their places' rollup rows in three
queries, the others live). The case points carry no id, number, name, phone, address or
description: a position rounded to three decimals of a degree (about 100 m), a state (new,
overdue, handled) and an age bucket."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meihao.cases.models import Case
from meihao.cases.selectors import street_overdue_q
from meihao.cases.states import Status
from meihao.eldercare.visits import period_first_day
from meihao.insights.figures import measures
from meihao.insights.registry import REGISTRY, Measure, Span, Unit
from meihao.places.models import Level, Place
from meihao.wall.models import DisplayToken, secret_hash

# The five pillars and their headline figures (registered indicator codes), this month: counts
# and sums rolled up by day and place, read from their rows on every poll (the people who served,
# a distinct count over a city's month of records, stay on the dashboards).
PILLARS = (
    ("governance", ("reports_filed", "on_time_handling_rate")),
    ("volunteering", ("service_hours", "volunteer_services")),
    ("safety", ("legal_consultations", "police_tips")),
    ("culture", ("lecture_sessions", "culture_events")),
    ("care", ("care_services", "care_elders_served")),
)
RANKED = ("reports_filed", "on_time_handling_rate")
# Today's counts, by their key in the data (the cases overdue: a standing count, at this moment).
TODAY = {
    "cases": "reports_filed",
    "overdue": "cases_overdue_now",
    "patrols": "patrols_walked",
    "activities": "activities_on",
}
RANKING_ROWS = 8
# Case points: the cases filed in the last POINT_DAYS days, and every one still overdue.
POINT_DAYS = 30
MAX_POINTS = 1500
POINT_DECIMALS = 3  # 0.001° ≈ 111 m north–south, ≈ 100 m east–west here
LEFT_OUT = (Status.REJECTED, Status.DUPLICATE, Status.VOID)
HANDLED = (Status.CLOSED, Status.REPORTED_BACK)


def pillar_name(code: str) -> str:
    return {
        "governance": pgettext("pillar", "Governance"),
        "volunteering": pgettext("pillar", "Volunteering"),
        "safety": pgettext("pillar", "Safety"),
        "culture": pgettext("pillar", "Culture"),
        "care": pgettext("pillar", "Elder care"),
    }[code]


@dataclass(frozen=True)
class TokenCheck:
    token: DisplayToken | None
    status: int  # 200, 401 unknown, 403 revoked
    error: str = ""


def token_check(secret: str) -> TokenCheck:
    """The display token behind `secret`: 401 when none, 403 when revoked."""
    secret = secret or ""
    token = None
    if 20 <= len(secret) <= 64:
        token = (
            DisplayToken.objects.select_related("place")
            .filter(secret_hash=secret_hash(secret))
            .first()
        )
    if token is None:
        return TokenCheck(None, 401, _("This wall screen is not authorised."))
    if token.revoked_at is not None:
        return TokenCheck(token, 403, _("This wall screen's authorisation has been revoked."))
    return TokenCheck(token, 200)


def _figure(code: str, value: Measure) -> dict:
    indicator = REGISTRY[code]
    return {
        "code": code,
        "name": str(indicator.name),
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "unit": "%" if indicator.unit == Unit.PERCENT else str(indicator.unit.label),
    }


def _ranked_places(place: Place) -> list[Place]:
    """The places the rankings compare: a district's streets, a street's communities."""
    level = Level.STREET if place.level == Level.DISTRICT else Level.COMMUNITY
    return list(Place.objects.filter(parent=place, level=level).only("name", "path", "level"))


def _ranking(code: str, place: Place, ranked: list[tuple[Place, Measure]]) -> dict:
    """The places by their figure, highest first; those with nothing counted left out."""
    indicator = REGISTRY[code]
    rows = [
        {"name": other.name, "value": m.value}
        for other, m in ranked
        if m.value is not None and (indicator.is_rate or m.value)
    ]
    rows.sort(key=lambda row: (-row["value"], row["name"]))
    return {
        "code": code,
        "name": str(indicator.name),
        "by": _("Streets") if place.level == Level.DISTRICT else _("Communities"),
        "unit": "%" if indicator.unit == Unit.PERCENT else str(indicator.unit.label),
        "rows": rows[:RANKING_ROWS],
    }


def _age(created_at: datetime, now: datetime) -> str:
    age = now - created_at
    if age < timedelta(hours=1):
        return "hour"
    if age < timedelta(days=1):
        return "day"
    if age < timedelta(days=7):
        return "week"
    return "older"


def case_points(place: Place, now: datetime) -> list[list]:
    """[lat, lon, state, age] of the grid-management cases filed in the place in the last
    POINT_DAYS days or still overdue, newest first, at most MAX_POINTS."""
    overdue = street_overdue_q(now)
    rows = (
        Case.objects.grid_management()
        .filter(place_path__startswith=place.path, lat__isnull=False, lon__isnull=False)
        .filter(Q(created_at__gte=now - timedelta(days=POINT_DAYS)) | overdue)
        .exclude(status__in=LEFT_OUT)
        .annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .order_by("-created_at")
        .values_list("lat", "lon", "status", "created_at", "is_overdue")[:MAX_POINTS]
    )
    points = []
    for lat, lon, status, created_at, is_overdue in rows:
        if is_overdue:
            state = "overdue"
        elif status in HANDLED:
            state = "handled"
        else:
            state = "new"
        points.append(
            [round(lat, POINT_DECIMALS), round(lon, POINT_DECIMALS), state, _age(created_at, now)]
        )
    return points


def _bounds(place: Place) -> list | None:
    """[[south, west], [north, east]] of the place's boundary, or None without one."""
    coordinates: list = []

    def walk(value):
        if value and isinstance(value[0], (int, float)):
            coordinates.append(value)
        else:
            for item in value:
                walk(item)

    geometry = place.boundary or {}
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    walk(geometry.get("coordinates") or [])
    if not coordinates:
        if place.centroid_lat is None or place.centroid_lon is None:
            return None
        lat, lon = place.centroid_lat, place.centroid_lon
        return [[lat - 0.01, lon - 0.01], [lat + 0.01, lon + 0.01]]
    lons = [c[0] for c in coordinates]
    lats = [c[1] for c in coordinates]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _done_of_due(code: str, value: Measure) -> dict:
    """A rate's numerator and denominator, shown as "done / due"."""
    indicator = REGISTRY[code]
    return {
        "code": code,
        "name": str(indicator.name),
        "done": value.numerator,
        "due": value.denominator or 0,
    }


def wall_data(token: DisplayToken, now: datetime | None = None) -> dict:
    """Everything the screen shows for the token's place: counts and anonymised points."""
    now = now or timezone.now()
    return {**wall_figures(token, now), "points": case_points(token.place, now)}


def wall_figures(token: DisplayToken, now: datetime) -> dict:
    """The screen's numbers: every one a registered indicator's, read together."""
    place = token.place
    today = timezone.localdate(now)
    month = Span.of(place.path, today.replace(day=1), today)
    day = Span.of(place.path, today, today)
    # Visits to elders are filed for a period of days (eldercare.visits), not for a day.
    visit_round = Span.of(place.path, period_first_day(today), today)
    others = [(o, Span.of(o.path, month.first_day, month.last_day)) for o in _ranked_places(place)]
    # Every figure below, read together.
    wanted = [
        *((code, month) for _pillar, codes in PILLARS for code in codes),
        *((code, day) for code in TODAY.values()),
        ("care_calls_done_rate", day),
        ("elder_visits_done_rate", visit_round),
        *((code, span) for code in RANKED for _other, span in others),
    ]
    read = dict(zip(wanted, measures([(REGISTRY[c], s) for c, s in wanted]), strict=True))
    return {
        "place": place.name,
        "as_of": timezone.localtime(now).isoformat(),
        "month": today.strftime("%Y-%m"),
        "pillars": [
            {
                "code": code,
                "name": pillar_name(code),
                "figures": [_figure(figure, read[(figure, month)]) for figure in figures],
            }
            for code, figures in PILLARS
        ],
        "rankings": [
            _ranking(
                code,
                place,
                [(other, read[(code, span)]) for other, span in others],
            )
            for code in RANKED
        ],
        "today": {
            **{key: _figure(code, read[(code, day)]) for key, code in TODAY.items()},
            "care_calls": _done_of_due("care_calls_done_rate", read[("care_calls_done_rate", day)]),
            "visits": _done_of_due(
                "elder_visits_done_rate", read[("elder_visits_done_rate", visit_round)]
            ),
        },
    }


def wall_bounds(token: DisplayToken) -> list | None:
    return _bounds(token.place)
