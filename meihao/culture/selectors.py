"""Reads of cultural life: the calendar of the district's cultural events (by month, place,
kind and festival season), the festivals' seasons, and the published showcases."""

import calendar as calendar_module
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from meihao.activities.models import Activity
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.scoping import in_subtree
from meihao.culture.models import CULTURE_KINDS, Festival, Partner, Showcase, ShowcasePhoto


@dataclass
class Season:
    festival: Festival
    first: datetime.date
    last: datetime.date

    def holds(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def seasons_between(first: datetime.date, last: datetime.date) -> list[Season]:
    """The festivals' seasons that overlap [first, last], in order."""
    found = []
    for festival in Festival.objects.all():
        for year in range(first.year - 1, last.year + 1):
            start, end = festival.season(year)
            if start <= last and end >= first:
                found.append(Season(festival, start, end))
    return sorted(found, key=lambda s: (s.first, s.festival.order))


def _bounds(first: datetime.date, last: datetime.date):
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        ),
    )


# A day of the month shows its first events and how many more there are: a city's busiest
# Saturday holds hundreds, and the month must stay one small page. The day itself lists all.
PER_DAY = 4


@dataclass
class Day:
    day: datetime.date
    events: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.events)


@dataclass
class Calendar:
    month: datetime.date
    total: int = 0
    seasons: list[Season] = field(default_factory=list)
    weeks: list = field(default_factory=list)  # the month view: weeks of (Day, in the month)
    days: list[Day] = field(default_factory=list)  # the list view: the days with events


def events(user, *, first, last, place_path: str = "", kind: str = "", festival: str = ""):
    """The cultural events the user sees that start in [first, last] (published, or held),
    soonest first, with their place, organiser and partner units; `festival` (a code) keeps
    those in its season."""
    start, end = _bounds(first, last)
    rows = (
        Activity.objects.visible_to(user)
        .filter(
            kind__in=kind and [kind] or list(CULTURE_KINDS),
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=(Activity.Status.PUBLISHED, Activity.Status.FINISHED),
        )
        .select_related("place", "organiser", "organiser_team")
        .prefetch_related(
            Prefetch("partners", queryset=Partner.objects.select_related("organisation"))
        )
        .order_by("starts_at", "pk")
    )
    if place_path:
        rows = rows.filter(in_subtree(place_path))
    if festival:
        seasons = [s for s in seasons_between(first, last) if s.festival.code == festival]
        if not seasons:
            return rows.none()
        window = Q(pk__in=[])
        for season in seasons:
            lower, upper = _bounds(season.first, season.last)
            window |= Q(starts_at__gte=lower, starts_at__lt=upper)
        rows = rows.filter(window)
    return rows


class _LocalDate(TruncDate):
    """The local date an event starts on. SQLite has no time zones: Django converts each row in
    a Python function, slow over a city's month; where the zone's offset is the same all month
    (Asia/Shanghai's always is), SQLite's own date() shifts by it instead."""

    def __init__(self, field: str, *, first: datetime.date, last: datetime.date):
        zone = timezone.get_current_timezone()
        start, end = _bounds(first, last)
        offsets = {start.utcoffset(), end.utcoffset()}
        self.fixed_offset = offsets.pop() if len(offsets) == 1 else None
        super().__init__(field, tzinfo=zone)

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.fixed_offset is None:
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, %s)", (*params, f"{self.fixed_offset.total_seconds():+.0f} seconds")


def month_calendar(user, month: datetime.date, **filters) -> Calendar:
    """The month's events the user sees, at most PER_DAY a day (soonest first), with every
    day's count. One scan of the month (each event's day, its rank in the day and the day's
    count, as window functions) keeps the first of each day; then those few are read with
    their place, organiser and partner units."""
    first = month.replace(day=1)
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    result = Calendar(month=first, seasons=seasons_between(first, last))
    rows = events(user, first=first, last=last, **filters)
    local_date = _LocalDate("starts_at", first=first, last=last)
    firsts = list(
        rows.order_by()
        .annotate(
            day=local_date,
            rank=Window(
                RowNumber(),
                partition_by=[local_date],
                order_by=[F("starts_at").asc(), F("pk").asc()],
            ),
            day_total=Window(Count("pk"), partition_by=[local_date]),
        )
        .filter(rank__lte=PER_DAY)
        .values_list("pk", "day", "day_total")
    )
    totals = {day: total for _pk, day, total in firsts}
    result.total = sum(totals.values())
    by_day: dict[datetime.date, list] = {}
    shown = rows.filter(pk__in=[pk for pk, _day, _total in firsts]) if totals else ()
    for event in shown:
        day = timezone.localdate(event.starts_at)
        event.season = next((s.festival for s in result.seasons if s.holds(day)), None)
        by_day.setdefault(day, []).append(event)
    result.days = [Day(day, by_day.get(day, []), n) for day, n in sorted(totals.items())]
    days = {d.day: d for d in result.days}
    for week in calendar_module.Calendar(firstweekday=0).monthdatescalendar(
        first.year, first.month
    ):
        result.weeks.append(
            [(days.get(day) or Day(day, [], 0), day.month == first.month) for day in week]
        )
    return result


def published_showcases(category: str = ""):
    rows = (
        Showcase.objects.filter(published=True)
        .select_related("place", "activity")
        .prefetch_related("photos")
    )
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("category", "-created_at", "-pk")


def showcase_photo_get(pk) -> ShowcasePhoto:
    """A photo of a published showcase: public, as the showcase is."""
    photo = (
        ShowcasePhoto.objects.filter(pk=parse_id(pk), showcase__published=True)
        .select_related("showcase")
        .first()
    )
    if photo is None:
        raise NotFound()
    return photo
