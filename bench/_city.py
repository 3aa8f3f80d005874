"""A city for the city-scale benchmarks (issue 16): the demo district grown `scale` times.

The product's place tree has no level above the district, so the city is one place at the top
(the demo district, 万秀区, with its staff, departments, party organisations and a few weeks of
its demo history from `load_district`) grown to `scale` times the demo district's people and
records (100: ~1,000,000 residents' worth). Its places grow as a real city's would, not 100×:
`streets(scale)` streets (20 at 100) of 16 communities of 10 grids each beyond the demo's 5 —
270 communities and 2,700 grids at 100, a grid of ~370 residents.

Records are bulk-inserted (`bench._seed.bulk_insert`) over the DAYS days up to now, a year's
worth of each scaled to 400 days:

* grid-management cases: 2,000 a year per scale unit (200,000 at 100) on random grids, each with
  its life so far — filed, answered (4 % rejected, 3 % duplicates), dispatched to a department,
  reported back, closed, a few reopened — as the case engine's events record it, the status
  what has happened by now; 30 % of the closed rated by a resident;
* volunteers' service records: 60,000 per scale unit (6,000,000 at 100) on random grids, by
  500 volunteers per scale unit (people);
* micro-wishes (50 a unit), online petitions (320), online applications (250, after the demo's
  own) and home-care orders (370, for 100 elders a unit), each with its case: every figure of
  the district leader's dashboard counts a city's records.

Not grown (their demo district's history only, a few weeks of it): party meetings, patrols,
activities other than service, legal, police and lecture records — the wall's lesser pillars.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bench._seed import bulk_insert, load_district, next_id, reset_ids

DAYS = 400
CASES_A_YEAR = 2_000
SERVICE_RECORDS = 60_000
VOLUNTEERS = 500
WISHES, PETITIONS, APPLICATIONS, CARE_ORDERS, ELDERS = 50, 320, 250, 370, 100
COMMUNITIES_A_STREET, GRIDS_A_COMMUNITY = 16, 10
CITY_CODE = "450403"  # the demo district: the city's top place
DISTRICT_ADMIN = "13900000006"  # the demo district's administrator: the district leader
STREET_CHIEF = "13900000004"  # the demo street chief (城东街道)


def streets(scale: float) -> int:
    """The city's streets at `scale`: the demo's 5 up to scale 25, then one per 5 units."""
    return max(5, round(scale / 5))


@dataclass
class City:
    place: object
    streets: list
    communities: list  # (pk, path)
    grids: list  # (pk, path)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def seed_seconds(self) -> float:
        return sum(self.seconds.values())


def _timed(city: City, name: str):
    class Timer:
        def __enter__(self):
            self.started = time.perf_counter()

        def __exit__(self, *exc):
            city.seconds[name] = time.perf_counter() - self.started

    return Timer()


def _grow_places(scale: float):
    from meihao.places.models import Level, Place

    city = Place.objects.get(code=CITY_CODE)
    have = list(Place.objects.filter(parent=city, level=Level.STREET).order_by("code"))
    new_streets = Place.objects.bulk_create(
        Place(code=f"{city.code}{n + 1:03d}", name=f"新城第{n + 1}街道", level=Level.STREET,
              parent=city, path=f"{city.path}{city.code}{n + 1:03d}/")
        for n in range(len(have), streets(scale))
    )  # fmt: skip
    communities = Place.objects.bulk_create(
        Place(code=f"{s.code}{c + 1:03d}", name=f"{s.name}第{c + 1}社区", level=Level.COMMUNITY,
              parent=s, path=f"{s.path}{s.code}{c + 1:03d}/")
        for s in new_streets
        for c in range(COMMUNITIES_A_STREET)
    )  # fmt: skip
    Place.objects.bulk_create(
        Place(code=f"{c.code}{g + 1:03d}", name=f"第{g + 1}网格", level=Level.GRID, parent=c,
              path=f"{c.path}{c.code}{g + 1:03d}/")
        for c in communities
        for g in range(GRIDS_A_COMMUNITY)
    )  # fmt: skip
    under = Place.objects.filter(path__startswith=city.path).order_by("path")
    return (
        city,
        list(under.filter(level=Level.STREET)),
        list(under.filter(level=Level.COMMUNITY).values_list("pk", "path")),
        list(under.filter(level=Level.GRID).values_list("pk", "path")),
    )


def _people(count: int, places: list, rng: random.Random, prefix: str) -> list[int]:
    from meihao.demo.rows import datetime_value
    from meihao.people.models import Person

    first = next_id(Person)
    now = datetime_value(datetime.now().astimezone())

    def rows():
        for n in range(count):
            place_id, path = places[rng.randrange(len(places))]
            yield (first + n, now, now, f"{prefix}{n}", place_id, path)

    columns = ["id", "created_at", "updated_at", "real_name", "home_place_id", "home_place_path"]
    bulk_insert(Person, columns, rows())
    return list(range(first, first + count))


@dataclass
class _Life:
    """A case's times and status by now (None: not yet)."""

    status: str
    created: datetime
    responded: datetime | None = None
    resolve_by: datetime | None = None
    reported_back: datetime | None = None
    closed: datetime | None = None
    reopened: bool = False
    ended_as: str = ""  # rejected, duplicate, void


def _life(created: datetime, now: datetime, rng: random.Random) -> _Life:
    life = _Life("submitted", created)
    responded = created + timedelta(hours=rng.uniform(0.2, 30))
    if responded > now:
        return life
    life.responded = responded
    roll = rng.random()
    if roll < 0.075:
        life.ended_as = life.status = (
            "rejected" if roll < 0.04 else "duplicate" if roll < 0.07 else "void"
        )
        return life
    life.status = "dispatched"
    life.resolve_by = responded + timedelta(hours=rng.choice((24, 72, 168)))
    back = responded + (life.resolve_by - responded) * rng.uniform(0.1, 1.25)
    if back > now:
        life.status = rng.choice(("dispatched", "in_progress"))
        return life
    life.reported_back, life.status = back, "reported_back"
    closed = back + timedelta(hours=rng.uniform(1, 72))
    if closed > now:
        return life
    life.closed, life.status = closed, "closed"
    life.reopened = rng.random() < 0.03
    return life


def _events(case_id: int, life: _Life):
    """The case engine's events of the life: (case, time, action, from, to)."""
    yield (case_id, life.created, "submit", "", "submitted")
    if life.responded is None:
        return
    if life.ended_as:
        yield (case_id, life.responded, life.ended_as, "submitted", life.ended_as)
        return
    yield (case_id, life.responded, "dispatch", "submitted", "dispatched")
    if life.reported_back is None:
        return
    yield (case_id, life.reported_back, "report_back", "dispatched", "reported_back")
    if life.closed is None:
        return
    if life.reopened:
        at = life.reported_back + (life.closed - life.reported_back) / 3
        yield (case_id, at, "reopen", "reported_back", "reopened")
        yield (case_id, at + timedelta(minutes=30), "report_back", "reopened", "reported_back")
    yield (case_id, life.closed, "close", "reported_back", "closed")


CASE_COLUMNS = [
    "id", "number", "case_type_id", "category_id", "description", "place_id", "place_path",
    "channel", "status", "created_at", "updated_at", "response_started_at", "respond_by",
    "responded_at", "handling_started_at", "resolve_by", "reported_back_at", "closed_at",
    "assigned_organisation_id", "lat", "lon",
]  # fmt: skip


class _Cases:
    """Cases of every kind, numbered and given their ids here, with their events."""

    def __init__(self, now: datetime, rng: random.Random):
        from meihao.cases.models import Case, CaseType
        from meihao.people.models import Organisation

        self.now, self.rng = now, rng
        self.next = next_id(Case)
        self.types = {t.code: t for t in CaseType.objects.all()}
        self.departments = list(
            Organisation.objects.filter(kind="department").values_list("pk", flat=True)
        ) or [None]
        self.rows, self.events = [], []

    def add(self, code: str, place: tuple, created: datetime, category=None) -> tuple[int, _Life]:
        from meihao.demo.rows import datetime_value

        case_type = self.types[code]
        life = _life(created, self.now, self.rng)
        case_id = self.next
        self.next += 1
        handled = life.resolve_by is not None
        last = max(t for t in (life.created, life.responded, life.reported_back, life.closed) if t)
        at = datetime_value
        self.rows.append(
            (
                case_id, f"CT{case_id:012d}", case_type.pk, category, "城市规模基准测试事件",
                place[0], place[1], "grid_patrol" if code == "GRID" else "resident",
                life.status, at(life.created), at(last), at(life.created),
                at(life.created + timedelta(hours=24)), at(life.responded),
                at(life.responded if handled else None), at(life.resolve_by),
                at(life.reported_back), at(life.closed),
                self.rng.choice(self.departments) if handled else None,
                23.4 + self.rng.random() / 10, 111.2 + self.rng.random() / 10,
            )
        )  # fmt: skip
        self.events.extend(
            (case, at(moment), action, source, target)
            for case, moment, action, source, target in _events(case_id, life)
        )
        return case_id, life

    def write(self) -> tuple[int, int]:
        from meihao.cases.models import Case, CaseEvent

        cases = bulk_insert(Case, CASE_COLUMNS, self.rows)
        events = bulk_insert(
            CaseEvent, ["case_id", "created_at", "action", "from_status", "to_status"], self.events
        )
        reset_ids(Case)
        self.rows, self.events = [], []
        return cases, events


def _moment(now: datetime, rng: random.Random) -> datetime:
    return now - timedelta(seconds=rng.randrange(DAYS * 86400))


def _grid_cases(city: City, scale: float, now: datetime, rng: random.Random) -> list:
    from meihao.cases.models import CaseCategory, CaseRating
    from meihao.demo.rows import datetime_value
    from meihao.people.models import User

    cases = _Cases(now, rng)
    categories = list(
        CaseCategory.objects.filter(
            case_type=cases.types["GRID"], parent__isnull=False
        ).values_list("pk", flat=True)
    )
    count = round(CASES_A_YEAR * scale * DAYS / 365)
    closed = []
    for _n in range(count):
        grid = city.grids[rng.randrange(len(city.grids))]
        case_id, life = cases.add("GRID", grid, _moment(now, rng), rng.choice(categories))
        if life.closed is not None:
            closed.append((case_id, life.closed))
    city.rows["cases"], city.rows["case events"] = cases.write()
    raters = list(User.objects.values_list("pk", flat=True)[:500])
    scores = (5,) * 55 + (4,) * 25 + (3,) * 10 + (2,) * 6 + (1,) * 4
    ratings = [
        (case_id, raters[case_id % len(raters)], rng.choice(scores), datetime_value(at))
        for case_id, closed_at in closed
        if rng.random() < 0.3 and (at := closed_at + timedelta(hours=rng.uniform(1, 72))) <= now
    ]
    city.rows["case ratings"] = bulk_insert(
        CaseRating, ["case_id", "rater_id", "score", "created_at"], ratings
    )
    return closed


def _service_records(city: City, scale: float, volunteers: list[int], rng: random.Random):
    from meihao.activities.models import ServiceRecord
    from meihao.demo.rows import date_value, datetime_value
    from meihao.people.models import User

    recorder = User.objects.order_by("pk").values_list("pk", flat=True).first()
    today = date.today()
    days = [date_value(today - timedelta(days=n)) for n in range(DAYS)]
    created = datetime_value(datetime.now().astimezone())
    columns = [
        "person_id", "service_date", "place_id", "place_path", "content", "minutes", "source",
        "evidence", "recording_organisation", "person_in_charge", "created_by_id", "created_at",
        "reason",
    ]  # fmt: skip
    grids = city.grids

    def rows():
        for _n in range(round(SERVICE_RECORDS * scale)):
            grid_id, path = grids[rng.randrange(len(grids))]
            yield (
                volunteers[rng.randrange(len(volunteers))],
                days[rng.randrange(DAYS)], grid_id, path, "城市规模志愿服务",
                rng.choice((60, 90, 120, 180, 240)), "staff_entry", "service-evidence/bench.jpg",
                "基准测试社区", "基准测试负责人", recorder, created, "",
            )  # fmt: skip

    city.rows["service records"] = bulk_insert(ServiceRecord, columns, rows())


def _wishes(city: City, scale: float, now: datetime, rng: random.Random):
    from meihao.demo.rows import datetime_value
    from meihao.wishes.models import Wish

    cases = _Cases(now, rng)
    wishes = []
    for _n in range(round(WISHES * scale * DAYS / 365)):
        community = city.communities[rng.randrange(len(city.communities))]
        created = _moment(now, rng)
        case_id, life = cases.add("WISH", community, created)
        published = created + timedelta(hours=rng.uniform(1, 48))
        wishes.append(
            (
                case_id,
                community[0],
                community[1],
                datetime_value(published) if published <= now else None,
            )  # fmt: skip
        )
    cases.write()
    city.rows["wishes"] = bulk_insert(
        Wish, ["case_id", "community_id", "community_path", "published_at"], wishes
    )


def _petitions(city: City, scale: float, now: datetime, rng: random.Random):
    from meihao.demo.rows import datetime_value
    from meihao.petitions.models import Petition

    cases = _Cases(now, rng)
    kinds = ("consult", "complaint", "suggestion", "help")
    petitions = []
    for _n in range(round(PETITIONS * scale * DAYS / 365)):
        grid = city.grids[rng.randrange(len(city.grids))]
        created = _moment(now, rng)
        case_id, _life = cases.add("PETITION", grid, created)
        petitions.append(
            (
                case_id,
                rng.choice(kinds),
                "小区路灯不亮",
                f"Q{case_id:09d}",
                datetime_value(created),
            )
        )
    cases.write()
    city.rows["petitions"] = bulk_insert(
        Petition, ["case_id", "kind", "title", "query_code", "created_at"], petitions
    )


def _applications(city: City, scale: float, now: datetime, rng: random.Random):
    """Online applications like the demo's (its items, guides, applicants and departments),
    from the city's communities, decided once their case is reported back."""
    from meihao.demo.rows import datetime_value
    from meihao.egov.models import Application

    templates = list(
        Application.objects.values(
            "item_id",
            "guide_id",
            "applicant_id",
            "filed_by_id",
            "department_id",
            "route",
            "stage_body",
        )  # fmt: skip
    )
    if not templates:
        return
    cases = _Cases(now, rng)
    applications = []
    for _n in range(round(APPLICATIONS * scale * DAYS / 365)):
        community = city.communities[rng.randrange(len(city.communities))]
        created = _moment(now, rng)
        case_id, life = cases.add("EGOV", community, created)
        template = templates[rng.randrange(len(templates))]
        decided = life.reported_back
        applications.append(
            (
                case_id, template["item_id"], template["guide_id"], template["applicant_id"],
                template["filed_by_id"], community[0], community[1], template["department_id"],
                template["route"], template["stage_body"],
                ("approved" if rng.random() < 0.9 else "refused") if decided else "",
                datetime_value(decided), datetime_value(created),
            )
        )  # fmt: skip
    cases.write()
    columns = [
        "case_id", "item_id", "guide_id", "applicant_id", "filed_by_id", "home_id", "home_path",
        "department_id", "route", "stage_body", "decision", "decided_at", "created_at",
    ]  # fmt: skip
    city.rows["applications"] = bulk_insert(Application, columns, applications)


def _care_orders(city: City, scale: float, now: datetime, rng: random.Random):
    """Home-care orders of the city's elders, each due at a time of the DAYS, checked in (most
    on time), served, confirmed when their case closed and sometimes rated."""
    from django.utils import timezone

    from meihao.care.models import CareOrder, CareService
    from meihao.demo.rows import date_value, datetime_value
    from meihao.eldercare.models import Elder
    from meihao.people.models import Person, User

    services = list(CareService.objects.values_list("pk", "price_cents", "duration_minutes"))
    if not services:
        return
    staff = User.objects.order_by("pk").values_list("pk", flat=True).first()
    people = _people(round(ELDERS * scale), city.communities, rng, "长者")
    homes = dict(Person.objects.filter(pk__in=people).values_list("pk", "home_place_path"))
    first = next_id(Elder)
    stamp = datetime_value(datetime.now().astimezone())
    bulk_insert(
        Elder,
        ["id", "created_at", "updated_at", "person_id", "place_path", "living",
         "registered_by_id"],
        ((first + n, stamp, stamp, person, homes[person], rng.choice(("alone", "empty_nest")),
          staff) for n, person in enumerate(people)),
    )  # fmt: skip
    reset_ids(Elder)
    elders = [(first + n, homes[person]) for n, person in enumerate(people)]
    cases = _Cases(now, rng)
    orders = []
    for _n in range(round(CARE_ORDERS * scale * DAYS / 365)):
        elder_id, path = elders[rng.randrange(len(elders))]
        service_id, price, minutes = services[rng.randrange(len(services))]
        starts = _moment(now, rng)
        case_id, life = cases.add("CARE", (city.place.pk, path), starts - timedelta(days=2))
        served = starts + timedelta(minutes=minutes) <= now and life.status == "closed"
        late = timedelta(minutes=rng.choice((-10, -5, 0, 5, 10, 30)))
        checked_in = starts + late if served else None
        orders.append(
            (
                case_id, elder_id, service_id, path, datetime_value(starts),
                datetime_value(starts + timedelta(minutes=minutes)), price, staff, "assigned",
                datetime_value(checked_in),
                datetime_value(checked_in + timedelta(minutes=minutes)) if served else None,
                date_value(timezone.localdate(starts).replace(day=1)),
                rng.choice((None, 5, 5, 4, 3)) if served else None,
            )
        )  # fmt: skip
    cases.write()
    columns = [
        "case_id", "elder_id", "service_id", "place_path", "starts_at", "ends_at",
        "price_cents", "ordered_by_id", "taken_by", "checked_in_at", "checked_out_at", "month",
        "score",
    ]  # fmt: skip
    city.rows["care orders"] = bulk_insert(CareOrder, columns, orders)


def seed_city(scale: float, *, seed: int = 16) -> City:
    """The demo district grown `scale` times (module docstring); every table analysed."""
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    load_district()
    timings["demo district"] = time.perf_counter() - started
    now = timezone.now()
    with transaction.atomic():
        place, street_places, communities, grids = _grow_places(scale)
        city = City(place, street_places, communities, grids, seconds=timings)
        with _timed(city, "cases"):
            _grid_cases(city, scale, now, rng)
        with _timed(city, "service records"):
            volunteers = _people(round(VOLUNTEERS * scale), communities, rng, "志愿者")
            _service_records(city, scale, volunteers, rng)
        with _timed(city, "wishes, petitions, applications, care"):
            _wishes(city, scale, now, rng)
            _petitions(city, scale, now, rng)
            _applications(city, scale, now, rng)
            _care_orders(city, scale, now, rng)
    with _timed(city, "analyse"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return city
