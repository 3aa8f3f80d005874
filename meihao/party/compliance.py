"""Whether branches and groups hold the meetings their types require (三会一课 compliance):
per organisation, type and period, held (the obligations engine's tally: approved, quorate
meetings) against the type's minimum. A period that is over and short is missed (red); the
current one is open until it ends.

For a page of organisations the cells are computed from one tallies query; the summary over a
whole subtree (a city's 30,000 branches) is counted in the database from the years' periods
met (`ObligationYear`, a row per organisation and type), per level: an organisation is
compliant when the periods it met, less the one under way, are every period due so far.
Temporary branches, whose due periods are their own, are few and counted one by one; they owe
only the types marked `owed_by_temporary` (their members' organisational life stays at home)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from meihao.core.models import ObligationTally, ObligationYear
from meihao.core.obligations import period_end, periods_between, tallies
from meihao.core.scoping import starts_with
from meihao.party.models import MeetingType, PartyOrg

MEETING_LEVELS = (PartyOrg.Level.BRANCH, PartyOrg.Level.GROUP)


@dataclass
class Cell:
    meeting_type: MeetingType
    held: int = 0  # meetings counted this year
    required: int = 0  # what the periods due so far and the current one ask
    missed: list = field(default_factory=list)  # starts of periods over and short
    current: int | None = None  # held in the period under way (None: none under way)
    lecture_short: bool = False  # the secretary has not taught the year's lecture(s)

    @property
    def state(self) -> str:
        if self.missed or self.lecture_short:
            return "missed"
        if self.current is not None and self.current < self.meeting_type.minimum:
            return "open"
        return "met"


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _window(org, first, last):
    """The part of [first, last] the organisation existed in, or None."""
    start = max(first, org.starts_on) if org.starts_on else first
    end = min(last, org.ends_on) if org.ends_on else last
    return (start, end) if start <= end else None


def types_by_level() -> dict[str, list[MeetingType]]:
    found: dict[str, list[MeetingType]] = {level: [] for level in MEETING_LEVELS}
    for meeting_type in MeetingType.objects.filter(is_active=True):
        found.setdefault(meeting_type.level, []).append(meeting_type)
    return found


def owed_types(org: PartyOrg, types: dict[str, list[MeetingType]]) -> list[MeetingType]:
    """The types `org` owes: its level's; a temporary branch only those marked for it."""
    owed = types.get(org.level, [])
    return [t for t in owed if t.owed_by_temporary] if org.temporary else owed


def cells_of(orgs: list[PartyOrg], year: int, today: datetime.date) -> dict[int, list[Cell]]:
    """The compliance cells of each organisation (branches and groups) for `year` up to today."""
    first, last = _year(year)
    types = types_by_level()
    duties = [t.duty for level in types.values() for t in level]
    duties += [
        t.lecture_duty for level in types.values() for t in level if t.secretary_teaches_yearly
    ]
    done = tallies(duties=duties, first=first, last=last, subjects=[o.pk for o in orgs])
    result: dict[int, list[Cell]] = {}
    for org in orgs:
        window = _window(org, first, min(last, today))
        cells = []
        for meeting_type in owed_types(org, types):
            cell = Cell(meeting_type)
            if window is not None:
                for start in periods_between(meeting_type.period, *window):
                    amount = done.get((meeting_type.duty, org.pk, start), 0)
                    cell.held += amount
                    cell.required += meeting_type.minimum
                    if period_end(meeting_type.period, start) < today:
                        if amount < meeting_type.minimum:
                            cell.missed.append(start)
                    else:
                        cell.current = amount
                if meeting_type.secretary_teaches_yearly and last < today:
                    taught = done.get((meeting_type.lecture_duty, org.pk, first), 0)
                    cell.lecture_short = taught < meeting_type.secretary_teaches_yearly
            cells.append(cell)
        result[org.pk] = cells
    return result


def _requirement(types: list[MeetingType], year: int, today: datetime.date):
    """For a level's types: the duties counted per year, the number of periods due so far
    (over by `today`) a compliant organisation met, and a filter of the tallies of the period
    under way that met their minimum (which its year's count already holds but which is not
    due yet)."""
    first, last = _year(year)
    duties, due, current = [], 0, Q(pk__in=[])
    for meeting_type in types:
        duties.append(meeting_type.duty)
        for start in periods_between(meeting_type.period, first, min(last, today)):
            if period_end(meeting_type.period, start) < today:
                due += 1
            else:
                current |= Q(
                    duty=meeting_type.duty, starts_on=start, amount__gte=meeting_type.minimum
                )
        if meeting_type.secretary_teaches_yearly and last < today:
            duties.append(meeting_type.lecture_duty)
            due += 1
    return duties, due, current


@dataclass
class Summary:
    organisations: int
    compliant: int

    @property
    def short(self) -> int:
        return self.organisations - self.compliant


def subtree_orgs(org: PartyOrg):
    return PartyOrg.objects.filter(starts_with("path", org.path), level__in=MEETING_LEVELS)


def compliant_ids(org: PartyOrg, year: int, today: datetime.date):
    """Queries of the ids of the permanent organisations under `org` that met every period due
    so far, one per level (counted from the years' periods met, less the period under way where
    it is met already); and the temporary ones found compliant one by one."""
    types = types_by_level()
    queries = []
    for level in MEETING_LEVELS:
        duties, due, current = _requirement(types.get(level, []), year, today)
        members = subtree_orgs(org).filter(level=level, temporary=False)
        if due == 0:
            queries.append(members.values_list("pk", flat=True))
            continue
        under_way = (
            ObligationTally.objects.filter(current, subject_id=OuterRef("subject_id"))
            .order_by()
            .values("subject_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queries.append(
            ObligationYear.objects.filter(
                duty__in=duties, year=year, subject_id__in=members.values("pk")
            )
            .order_by()
            .values("subject_id")
            .annotate(met=Sum("periods_met"))
            # In HAVING only: an annotation would join the GROUP BY, and its subquery would run
            # for every year's row instead of once for each organisation.
            .filter(met__gte=due + Coalesce(Subquery(under_way, output_field=IntegerField()), 0))
            .values_list("subject_id", flat=True)
        )
    temporary = list(subtree_orgs(org).filter(temporary=True))
    temporary_met = [
        pk
        for pk, cells in cells_of(temporary, year, today).items()
        if not any(cell.missed or cell.lecture_short for cell in cells)
    ]
    return queries, temporary_met


def summary(org: PartyOrg, year: int, today: datetime.date) -> Summary:
    queries, temporary_met = compliant_ids(org, year, today)
    compliant = sum(query.count() for query in queries) + len(temporary_met)
    return Summary(organisations=subtree_orgs(org).count(), compliant=compliant)


@dataclass
class Below:
    """An organisation right under the one looked at, with how its subtree stands."""

    org: PartyOrg
    organisations: int = 0
    compliant: int = 0

    @property
    def short(self) -> int:
        return self.organisations - self.compliant

    @property
    def percent(self) -> int:
        return round(100 * self.compliant / self.organisations) if self.organisations else 100


def below(org: PartyOrg, year: int, today: datetime.date) -> list[Below]:
    """How each committee right under `org` stands (a district's streets, a street's
    communities), with its branches and groups: one query of the subtree's paths and one of the
    compliant ones', grouped here by the child's id in the path. Empty when nothing under `org`
    is a committee (a community's branches are the page's own rows)."""
    children = {
        child.pk: Below(child)
        for child in org.children.exclude(level__in=MEETING_LEVELS).order_by("name")
    }
    if not children:
        return []
    depth = org.path.count("/")

    def child_of(path: str) -> int:
        return int(path.split("/")[depth])

    queries, temporary_met = compliant_ids(org, year, today)
    compliant = Q(pk__in=temporary_met)
    for query in queries:
        compliant |= Q(pk__in=query)
    orgs = subtree_orgs(org).order_by()
    for path in orgs.values_list("path", flat=True).iterator(chunk_size=5000):
        if (row := children.get(child_of(path))) is not None:
            row.organisations += 1
    for path in orgs.filter(compliant).values_list("path", flat=True).iterator(chunk_size=5000):
        if (row := children.get(child_of(path))) is not None:
            row.compliant += 1
    return list(children.values())


def short_orgs(org: PartyOrg, year: int, today: datetime.date):
    """The organisations under `org` that missed a due period."""
    queries, temporary_met = compliant_ids(org, year, today)
    rows = subtree_orgs(org).exclude(pk__in=temporary_met)
    for query in queries:
        rows = rows.exclude(pk__in=query)
    return rows
