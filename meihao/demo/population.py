"""The demo's people, generated from a fixed seed so that every run produces the same people.

Residents are generated in chunks of CHUNK, each from its own seed, so resident number i is the
same person whatever the scale: a larger scale only adds people, it never changes anyone.
"""

import datetime
import random
from dataclasses import dataclass, field
from itertools import accumulate

from faker import Faker

from meihao.core import idcard
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import PERSONAS, RESERVED_PHONE_PREFIX
from meihao.demo.plan import VOLUNTEER_TEAM_NAMES, Plan
from meihao.people.models import age_on
from meihao.volunteers.models import RedArmbandDuty

CHUNK = 1000
# Registered volunteers (实名注册志愿者): Wanxiu counts about 60,000 among its residents, so at the
# demo's 10,000 residents per scale about 6,000: three in four residents of 16 to 78. A core of
# them (about one in twelve of those eligible) serves week after week: they also stand in the
# red-armband stations and the elders' service squads.
VOLUNTEER_SHARE = 0.75
CORE_VOLUNTEER_SHARE = 0.08
# Ages are computed against a fixed day so that the same seed gives the same birth dates.
REFERENCE_DATE = datetime.date(2024, 7, 1)
# Age pyramid of an old urban district (share per band, in percent): about 23 % are 60+.
AGE_BANDS = [
    ((0, 14), 14),
    ((15, 24), 10),
    ((25, 34), 15),
    ((35, 44), 14),
    ((45, 59), 24),
    ((60, 69), 12),
    ((70, 79), 7),
    ((80, 95), 4),
]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]

# The four duties of a red-armband station (1+4+X), in turn.
RED_ARMBAND_DUTIES = list(RedArmbandDuty.values)

Scope = tuple[str, str]  # ("place", code) or ("org", organisation name)


@dataclass
class PersonSpec:
    real_name: str
    gender: str
    birth_date: datetime.date
    id_number: str
    phone: str
    home_code: str  # a grid code
    building: str  # building name within the grid, or ""
    address: str
    tags: tuple[str, ...] = ()
    roles: list[tuple[str, Scope]] = field(default_factory=list)
    # (team name, team place code, position, duty)
    teams: list[tuple[str, str, str, str]] = field(default_factory=list)
    has_user: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    id_hash: str = ""  # filled by the loader


class Identities:
    """Unique GB 11643 numbers and mobile numbers, handed out in a deterministic order."""

    def __init__(self):
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()

    def id_number(self, born: datetime.date, gender: str, sequence: int) -> str:
        # Sequence digits: the 17th digit is odd for men, even for women (GB 11643).
        sequence = sequence - sequence % 2 + (1 if gender == "male" else 0)
        for _ in range(500):
            first17 = f"{data.REGION_CODE}{born:%Y%m%d}{sequence % 1000:03d}"
            number = first17 + idcard.check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
            sequence += 2
        raise RuntimeError(f"no free ID-card sequence for {born}")

    def phone(self, rng: random.Random) -> str:
        candidate = int(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")
        while True:
            phone = str(candidate)
            if phone not in self.phones and not phone.startswith(RESERVED_PHONE_PREFIX):
                self.phones.add(phone)
                return phone
            candidate += 1

    def reserve_phone(self, phone: str):
        self.phones.add(phone)


class Names:
    """Chinese names from Faker's zh_CN lists (surnames weighted by frequency), drawn with our
    own generator: Faker's per-call overhead was a fifth of the whole load at 100,000 people."""

    def __init__(self):
        provider = Faker("zh_CN").provider("faker.providers.person")
        self.surnames = list(provider.last_names)
        self.surname_weights = list(accumulate(provider.last_names.values()))
        self.given = {
            "male": list(provider.first_names_male),
            "female": list(provider.first_names_female),
        }

    def __call__(self, rng: random.Random, gender: str) -> str:
        surname = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        given = self.given[gender]
        # Faker's given names have one or two characters (伟, 建国); a Chinese given name has at
        # most two. The draws stay the same as before so that phones and ID numbers generated
        # after the name do not change between versions of the seed.
        first = rng.choice(given)
        second = rng.choice(given) if rng.random() < 0.6 else ""
        if len(first) >= 2:
            return surname + first[:2]
        return surname + first + second[:1]


def _birth_date(rng: random.Random, low: int, high: int) -> datetime.date:
    """A birth date making the person `low`…`high` years old on REFERENCE_DATE."""
    years = rng.randint(low, high) + rng.random()
    return REFERENCE_DATE - datetime.timedelta(days=int(years * 365.2425))


def _address(plan: Plan, grid_code: str, building: str, rng: random.Random) -> str:
    unit = rng.randint(1, 3)
    room = rng.randint(1, 9) * 100 + rng.randint(1, 4)
    return f"梧州市万秀区{building}{unit}单元{room}室"


class Population:
    def __init__(self, plan: Plan, seed: int):
        self.plan = plan
        self.seed = seed
        self.identities = Identities()
        self.names = Names()
        # Decisions use the age on REFERENCE_DATE (so every run draws the same numbers); the
        # elder tag uses today's age, which is what the tag means.
        self.today = datetime.date.today()  # noqa: DTZ011 - a calendar date
        for persona in PERSONAS:
            self.identities.reserve_phone(persona.phone)

    def _person(self, rng, *, grid_code, ages=(25, 55), gender=None, phone=True, tags=(), **extra):
        gender = gender or rng.choice(["male", "female"])
        born = _birth_date(rng, *ages)
        if age_on(born, self.today) >= 60:
            tags = (*tags, "elder")
        building = self.plan.buildings[grid_code][
            rng.randrange(len(self.plan.buildings[grid_code]))
        ]
        return PersonSpec(
            real_name=self.names(rng, gender),
            gender=gender,
            birth_date=born,
            id_number=self.identities.id_number(born, gender, rng.randrange(1000)),
            phone=self.identities.phone(rng) if phone else "",
            home_code=grid_code,
            building=building.name,
            address=_address(self.plan, grid_code, building.name, rng),
            tags=tuple(tags),
            **extra,
        )

    # -- the demo log-ins -------------------------------------------------------------------
    def personas(self) -> list[PersonSpec]:
        plan = self.plan
        community = plan.communities[0]
        grid = plan.grids_of(community.code)[0]
        scopes = {
            "grid": ("place", grid.code),
            "community": ("place", community.code),
            "street": ("place", plan.streets[0].code),
            "district": ("place", plan.district.code),
            "department": ("org", data.DEPARTMENTS[0][0]),
            "merchant": ("org", plan.merchants_by_community[community.code][0]),
            "care": ("org", data.CARE_ORGANISATIONS[0]),
        }
        building = plan.buildings[grid.code][0]
        people = []
        for n, persona in enumerate(PERSONAS):
            spec = PersonSpec(
                real_name=persona.name,
                gender=persona.gender,
                birth_date=persona.birth_date,
                id_number=self.identities.id_number(
                    persona.birth_date, persona.gender, 100 + n * 2
                ),
                phone=persona.phone,
                home_code=grid.code,
                building=building.name,
                address=f"梧州市万秀区{building.name}1单元{101 + n}室",
                roles=[(persona.role, scopes[persona.scope])],
                has_user=True,
                is_staff=persona.is_staff,
                is_superuser=persona.is_staff,
            )
            if persona.role == Role.VOLUNTEER:
                position = "leader" if persona.account == "team_leader" else "member"
                spec.teams.append((f"{community.name}红棉志愿服务队", community.code, position, ""))
                spec.teams.append(
                    (f"{community.name}红袖章服务站", community.code, "member", "security")
                )
                spec.tags = ("volunteer",)
            if persona.role == Role.PARTY_MEMBER:
                spec.tags = ("party_member",)
            if age_on(persona.birth_date, self.today) >= 60:
                spec.tags = (*spec.tags, "elder")
            people.append(spec)
        return people

    # -- staff: independent of the scale ------------------------------------------------------
    def staff(self) -> list[PersonSpec]:
        plan = self.plan
        rng = random.Random(self.seed + 1)
        people: list[PersonSpec] = []

        def add(grid_code, roles, teams=(), **extra):
            spec = self._person(
                rng,
                grid_code=grid_code,
                roles=list(roles),
                teams=list(teams),
                has_user=bool(roles),
                **extra,
            )
            people.append(spec)
            return spec

        all_grids = plan.grids
        for grid in all_grids:
            add(grid.code, [(Role.GRID_WORKER, ("place", grid.code))], ages=(25, 50))
        for community in plan.communities:
            grids = plan.grids_of(community.code)
            for k, _title in enumerate(data.COMMUNITY_STAFF_TITLES):
                add(
                    grids[k % len(grids)].code,
                    [(Role.COMMUNITY_STAFF, ("place", community.code))],
                    ages=(26, 58),
                    tags=("party_member",) if k < 2 else (),
                )
            add(
                grids[5].code,
                [(Role.LEGAL_ADVISOR, ("place", community.code))],
                teams=[
                    (f"骑楼讲堂·{data.LECTURE_TOPICS[0]}讲师团", plan.district.code, "member", "")
                ],
                ages=(30, 60),
            )
            for k in range(2):
                add(
                    grids[6 + k].code,
                    [(Role.POLICE_OFFICER, ("place", community.code))],
                    ages=(25, 50),
                )
        for street in plan.streets:
            street_grids = [g for g in all_grids if g.code.startswith(street.code)]
            for k in range(3):
                add(
                    street_grids[k * 7].code,
                    [(Role.STREET_CHIEF, ("place", street.code))],
                    ages=(38, 58),
                    tags=("party_member",),
                )
            for name, short in data.DEPARTMENTS[: data.STREET_CHIEF_DEPARTMENTS]:
                for k in range(4):
                    add(
                        street_grids[rng.randrange(len(street_grids))].code,
                        [(Role.DEPARTMENT_STAFF, ("org", name))],
                        teams=[
                            (
                                f"{street.name}{short}队",
                                street.code,
                                "leader" if k == 0 else "member",
                                "",
                            )
                        ],
                        ages=(23, 55),
                    )
        for name, _short in data.DEPARTMENTS[data.STREET_CHIEF_DEPARTMENTS :]:
            for _k in range(3):
                add(rng.choice(all_grids).code, [(Role.DEPARTMENT_STAFF, ("org", name))])
        for _k in range(2):
            add(rng.choice(all_grids).code, [(Role.DISTRICT_ADMIN, ("place", plan.district.code))])
        # District leaders (区领导) leading the responsibility teams: records, no log-in yet.
        for k in range(18):
            team = f"{data.RESPONSIBILITY_TEAMS[k % 5]}承责团队"
            add(
                rng.choice(all_grids).code,
                [],
                teams=[(team, plan.district.code, "leader" if k < 5 else "deputy", "")],
                ages=(42, 58),
                tags=("party_member",),
            )
        for community in plan.communities:
            for merchant in plan.merchants_by_community[community.code]:
                grid = plan.grids_of(community.code)[rng.randrange(10)]
                add(grid.code, [(Role.MERCHANT_STAFF, ("org", merchant))])
        for name in data.CARE_ORGANISATIONS:
            for _k in range(5):
                add(
                    rng.choice(all_grids).code, [(Role.CARE_PROVIDER, ("org", name))], ages=(22, 55)
                )
        # 心灵驿站 is a pilot: a counsellor in the first street's communities but the demo
        # log-in's own (she is its counsellor).
        for community in plan.communities[1:]:
            if community.parent_code == plan.streets[0].code:
                add(
                    plan.grids_of(community.code)[0].code,
                    [(Role.COUNSELLOR, ("place", community.code))],
                    ages=(28, 55),
                )
        return people

    # -- residents: chunk by chunk ------------------------------------------------------------
    def residents(self, count: int):
        """Yield lists of residents, CHUNK at a time; resident i never depends on `count`."""
        for start in range(0, count, CHUNK):
            yield self._resident_chunk(start, min(CHUNK, count - start))

    def _resident_chunk(self, start: int, size: int) -> list[PersonSpec]:
        plan = self.plan
        chunk_seed = self.seed * 1_000_003 + start // CHUNK
        rng = random.Random(chunk_seed)
        grids = plan.grids
        bands = [band for band, _weight in AGE_BANDS]
        weights = [weight for _band, weight in AGE_BANDS]
        people = []
        for i in range(start, start + size):
            grid = grids[i % len(grids)]
            community = plan.community_of(grid.code)
            buildings = plan.buildings[grid.code]
            building = buildings[(i // len(grids)) % len(buildings)]
            gender = "male" if rng.random() < 0.49 else "female"
            low, high = rng.choices(bands, weights)[0]
            born = _birth_date(rng, low, high)
            age = age_on(born, REFERENCE_DATE)
            draws = [rng.random() for _ in range(8)]
            phone = self.identities.phone(rng) if age >= 14 else ""
            tags = []
            if age_on(born, self.today) >= 60:
                tags.append("elder")
                if draws[0] < 0.12:
                    tags.append("living_alone")
            if draws[1] < 0.03:
                tags.append("low_income")
            if draws[2] < 0.02:
                tags.append("disabled")
            if gender == "male" and age >= 40 and draws[3] < 0.03:
                tags.append("veteran")
            party = age >= 18 and draws[4] < 0.06
            volunteer = 16 <= age <= 78 and draws[5] < VOLUNTEER_SHARE
            core = volunteer and draws[5] < CORE_VOLUNTEER_SHARE
            if party:
                tags.append("party_member")
            if volunteer:
                tags.append("volunteer")
            roles: list[tuple[str, Scope]] = []
            teams = []
            has_user = bool(phone) and (party or volunteer or draws[6] < 0.1)
            if has_user:
                roles.append((Role.RESIDENT, ("place", grid.code)))
            if volunteer and phone:
                # The role is held on the community one registers with (volunteers.services).
                roles.append((Role.VOLUNTEER, ("place", community.code)))
                label = VOLUNTEER_TEAM_NAMES[i % len(VOLUNTEER_TEAM_NAMES)]
                teams.append((f"{community.name}{label}志愿服务队", community.code, "member", ""))
                if core and age >= 45:
                    duty = RED_ARMBAND_DUTIES[i % len(RED_ARMBAND_DUTIES)]
                    teams.append((f"{community.name}红袖章服务站", community.code, "member", duty))
                if core and age >= 55:
                    squad = data.SERVICE_SQUADS[i % len(data.SERVICE_SQUADS)]
                    teams.append((squad, plan.district.code, "member", ""))
            if party and phone:
                roles.append((Role.PARTY_MEMBER, ("place", community.code)))
                if draws[7] < 0.15:
                    topic = data.LECTURE_TOPICS[i % len(data.LECTURE_TOPICS)]
                    teams.append((f"骑楼讲堂·{topic}讲师团", plan.district.code, "member", ""))
            people.append(
                PersonSpec(
                    real_name=self.names(rng, gender),
                    gender=gender,
                    birth_date=born,
                    id_number=self.identities.id_number(born, gender, rng.randrange(1000)),
                    phone=phone,
                    home_code=grid.code,
                    building=building.name,
                    address=_address(plan, grid.code, building.name, rng),
                    tags=tuple(tags),
                    roles=roles,
                    teams=teams,
                    has_user=has_user,
                )
            )
        return people
