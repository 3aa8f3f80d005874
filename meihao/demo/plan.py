"""What the demo district contains, independent of the database and of the scale: places,
buildings, venues, organisations and teams, each with the natural key the loader matches on."""

import random
from dataclasses import dataclass, field

from meihao.demo import data, geometry
from meihao.places.models import Level

BUILDINGS_PER_GRID = 6


MERCHANTS_PER_COMMUNITY = 3
VOLUNTEER_TEAM_NAMES = ["红棉", "阳光", "邻里"]


def history_scale(scale: float) -> float:
    """How much history the loader writes at a scale: as much as the scale up to 1, then no more.

    The history follows the district, which is the same at every scale (5 streets, 30 communities,
    300 grids): its cases (the real district files about 1,860 a year, docs/product.md), patrols,
    activities, help requests and wishes. Only the people grow with the scale beyond 1 (residents,
    volunteers and what each of them does: redemptions). Below 1 the history shrinks with the scale,
    for quick seeds in tests. The command's flags ask for more history.
    """
    return min(scale, 1.0)


@dataclass
class PlaceSpec:
    code: str
    name: str
    level: str
    parent_code: str | None
    rect: geometry.Rect
    road: str = ""


@dataclass
class BuildingSpec:
    grid_code: str
    name: str
    address: str
    lat: float
    lon: float
    floors: int
    households: int


@dataclass
class VenueSpec:
    place_code: str
    name: str
    kind: str
    address: str
    lat: float
    lon: float
    capacity: int
    opening_hours: str


@dataclass
class OrganisationSpec:
    name: str
    short_name: str
    kind: str
    place_code: str
    address: str = ""
    contact_phone: str = ""


@dataclass
class TeamSpec:
    name: str
    kind: str
    place_code: str
    organisation: str | None = None  # organisation name
    parent: tuple[str, str] | None = None  # (name, place_code) of the parent team
    covered: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # member units' names

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.place_code)


@dataclass
class Plan:
    district: PlaceSpec
    streets: list[PlaceSpec]
    communities: list[PlaceSpec]
    grids: list[PlaceSpec]
    buildings: dict[str, list[BuildingSpec]]  # by grid code
    venues: list[VenueSpec]
    organisations: list[OrganisationSpec]
    teams: list[TeamSpec]
    merchants_by_community: dict[str, list[str]]

    @property
    def places(self) -> list[PlaceSpec]:
        return [self.district, *self.streets, *self.communities, *self.grids]

    def grids_of(self, community_code: str) -> list[PlaceSpec]:
        return [g for g in self.grids if g.parent_code == community_code]

    def community_of(self, grid_code: str) -> PlaceSpec:
        return self._by_code[grid_code[:12]]

    def street_of(self, code: str) -> PlaceSpec:
        return self._by_code[code[:9]]

    def place(self, code: str) -> PlaceSpec:
        return self._by_code[code]

    def __post_init__(self):
        self._by_code = {p.code: p for p in self.places}


def _places():
    d = data.DISTRICT
    district = PlaceSpec(
        d["code"], d["name"], Level.DISTRICT, None, geometry.district_rect(len(data.STREETS))
    )
    streets, communities, grids = [], [], []
    for s, (street_name, community_names, roads) in enumerate(data.STREETS):
        street_rect = geometry.street_rect(s)
        street = PlaceSpec(
            f"{district.code}{s + 1:03d}", street_name, Level.STREET, district.code, street_rect
        )
        streets.append(street)
        for c, rect in enumerate(geometry.community_rects(street_rect)):
            community = PlaceSpec(
                f"{street.code}{c + 1:03d}",
                community_names[c],
                Level.COMMUNITY,
                street.code,
                rect,
                road=roads[c],
            )
            communities.append(community)
            for g, grid_rect in enumerate(geometry.grid_rects(rect)):
                grids.append(
                    PlaceSpec(
                        f"{community.code}{g + 1:03d}",
                        f"{community.name}第{g + 1}网格",
                        Level.GRID,
                        community.code,
                        grid_rect,
                        road=community.road,
                    )
                )
    return district, streets, communities, grids


def _buildings(grids: list[PlaceSpec], rng: random.Random) -> dict[str, list[BuildingSpec]]:
    buildings = {}
    # Three columns by two rows of buildings inside each grid cell.
    spots = [(0.2, 0.3), (0.5, 0.3), (0.8, 0.3), (0.2, 0.7), (0.5, 0.7), (0.8, 0.7)]
    for grid in grids:
        index = int(grid.code[-3:]) - 1
        items = []
        for k in range(BUILDINGS_PER_GRID):
            number = index * BUILDINGS_PER_GRID + k + 1
            lat, lon = grid.rect.point(*spots[k % len(spots)])
            floors = rng.choice([4, 5, 6, 7, 8, 9, 11, 18, 24])
            items.append(
                BuildingSpec(
                    grid_code=grid.code,
                    name=f"{grid.road}{number}号",
                    address=f"梧州市万秀区{grid.road}{number}号",
                    lat=lat,
                    lon=lon,
                    floors=floors,
                    households=floors * rng.choice([2, 4, 6, 8]),
                )
            )
        buildings[grid.code] = items
    return buildings


def _venues(communities: list[PlaceSpec], rng: random.Random) -> list[VenueSpec]:
    venues = []
    # The counselling pilot's street: the first, whose communities have counsellors
    # (population.py).
    pilot_street = communities[0].parent_code
    for c, community in enumerate(communities):
        extra = data.EXTRA_VENUES[c % len(data.EXTRA_VENUES)]
        if extra[1] == "counselling" and community.parent_code != pilot_street:
            extra = data.OUTSIDE_THE_COUNSELLING_PILOT
        kinds = [*data.COMMUNITY_VENUES, extra]
        for k, (suffix, kind) in enumerate(kinds):
            lat, lon = community.rect.point(0.15 + 0.2 * k, 0.5)
            venues.append(
                VenueSpec(
                    place_code=community.code,
                    name=f"{community.name}{suffix}",
                    kind=kind,
                    address=f"梧州市万秀区{community.road}{rng.randint(1, 99)}号",
                    lat=lat,
                    lon=lon,
                    capacity=rng.choice([30, 50, 80, 120, 200]),
                    opening_hours="周一至周日 08:30-21:00"
                    if kind != "party"
                    else "工作日 08:30-17:30",
                )
            )
    return venues


def _organisations(district, communities, grids_by_community, rng):
    organisations = [
        OrganisationSpec(name, short, "department", district.code, contact_phone="0774-" + tel)
        for (name, short), tel in zip(
            data.DEPARTMENTS, (f"38{n:05d}" for n in range(11, 99, 8)), strict=False
        )
    ]
    organisations += [OrganisationSpec(name, "", "unit", district.code) for name in data.UNITS]
    organisations += [
        OrganisationSpec(name, "", "social_organisation", district.code)
        for name in data.CARE_ORGANISATIONS
    ]
    merchants: dict[str, list[str]] = {}
    for c, community in enumerate(communities):
        grids = grids_by_community[community.code]
        merchants[community.code] = []
        for m in range(MERCHANTS_PER_COMMUNITY):
            kind = data.SHOP_KINDS[(c * MERCHANTS_PER_COMMUNITY + m) % len(data.SHOP_KINDS)]
            prefix = data.SHOP_PREFIXES[(c + m * 3) % len(data.SHOP_PREFIXES)]
            name = f"{community.road}{prefix}{kind}"
            grid = grids[(m * 3) % len(grids)]
            merchants[community.code].append(name)
            organisations.append(
                OrganisationSpec(
                    name,
                    "",
                    "merchant",
                    grid.code,
                    address=f"梧州市万秀区{community.road}{rng.randint(1, 199)}号",
                    contact_phone=f"0774-{rng.randint(2000000, 3999999)}",
                )
            )
    return organisations, merchants


def _teams(district, streets, communities) -> list[TeamSpec]:
    teams = []
    for s, area in enumerate(data.RESPONSIBILITY_TEAMS):
        street = streets[s]
        covered = [street.code] + [c.code for c in communities if c.parent_code == street.code]
        # The 32 units serve in the five teams in turn (the article: 32 units in 5 teams).
        units = data.UNITS[s :: len(data.RESPONSIBILITY_TEAMS)]
        teams.append(
            TeamSpec(
                f"{area}承责团队", "responsibility", district.code, covered=covered, units=units
            )
        )
    for street in streets:
        for name, short in data.DEPARTMENTS[: data.STREET_CHIEF_DEPARTMENTS]:
            teams.append(
                TeamSpec(
                    f"{street.name}{short}队",
                    "department",
                    street.code,
                    organisation=name,
                    covered=[street.code],
                )
            )
    alliance = TeamSpec("万秀区党建益联盟志愿服务总队", "volunteer", district.code)
    teams.append(alliance)
    for street in streets:
        street_team = TeamSpec(
            f"{street.name}志愿服务大队", "volunteer", street.code, parent=alliance.key
        )
        teams.append(street_team)
        for community in (c for c in communities if c.parent_code == street.code):
            for label in VOLUNTEER_TEAM_NAMES:
                teams.append(
                    TeamSpec(
                        f"{community.name}{label}志愿服务队",
                        "volunteer",
                        community.code,
                        parent=street_team.key,
                        covered=[community.code],
                    )
                )
    for community in communities:
        teams.append(
            TeamSpec(
                f"{community.name}红袖章服务站",
                "red_armband",
                community.code,
                covered=[community.code],
            )
        )
    teams += [TeamSpec(name, "service_squad", district.code) for name in data.SERVICE_SQUADS]
    teams += [
        TeamSpec(f"骑楼讲堂·{topic}讲师团", "lecture", district.code)
        for topic in data.LECTURE_TOPICS
    ]
    return teams


def build_plan(seed: int) -> Plan:
    rng = random.Random(seed)
    district, streets, communities, grids = _places()
    grids_by_community: dict[str, list[PlaceSpec]] = {}
    for grid in grids:
        grids_by_community.setdefault(grid.parent_code, []).append(grid)
    organisations, merchants = _organisations(district, communities, grids_by_community, rng)
    return Plan(
        district=district,
        streets=streets,
        communities=communities,
        grids=grids,
        buildings=_buildings(grids, rng),
        venues=_venues(communities, rng),
        organisations=organisations,
        teams=_teams(district, streets, communities),
        merchants_by_community=merchants,
    )
