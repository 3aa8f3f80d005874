"""The demo's people as the volunteer-side stages need them, loaded once in a few queries:
who lives in which community, who has a log-in, who volunteers, who is a party member or an
elder, and the community staff who organise and confirm things there.
"""

import datetime
import random
from dataclasses import dataclass, field

from meihao.core.roles import Role
from meihao.demo.accounts import PERSONAS
from meihao.demo.plan import Plan
from meihao.people.models import Person, PersonTag, RoleAssignment, TeamMember, age_on


@dataclass
class Resident:
    person_id: int
    user_id: int | None
    name: str
    phone: str
    born: datetime.date | None
    path: str  # home place path (a grid's)
    tags: set[str] = field(default_factory=set)
    # How often they turn up, relative to others (0: registered but not active this year).
    engagement: float = 1.0

    @property
    def grid_code(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def community_code(self) -> str:
        return self.grid_code[:12]

    @property
    def volunteer(self) -> bool:
        return PersonTag.Tag.VOLUNTEER in self.tags

    @property
    def party_member(self) -> bool:
        return PersonTag.Tag.PARTY_MEMBER in self.tags

    @property
    def elder(self) -> bool:
        return PersonTag.Tag.ELDER in self.tags

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.born or day, day)


@dataclass
class Staff:
    user_id: int
    name: str


# Engagement of registered volunteers over a year: many registered, a steady middle, a core.
ENGAGEMENT = [(0.0, 35), (1.0, 50), (6.0, 15)]


class Residents:
    def __init__(self, plan: Plan, seed: int):
        self.plan = plan
        district_path = f"{plan.district.code}/"
        people = Person.objects.filter(home_place_path__startswith=district_path).values_list(
            "id", "user_id", "real_name", "phone", "birth_date", "home_place_path"
        )
        self.by_id: dict[int, Resident] = {
            pk: Resident(pk, user_id, name, phone, born, path)
            for pk, user_id, name, phone, born, path in people.iterator(chunk_size=5000)
        }
        for person_id, tag in PersonTag.objects.filter(
            person__home_place_path__startswith=district_path
        ).values_list("person_id", "tag"):
            if person_id in self.by_id:
                self.by_id[person_id].tags.add(tag)
        values, weights = zip(*ENGAGEMENT, strict=True)
        for resident in self.by_id.values():
            if resident.volunteer:
                rng = random.Random(f"{seed}:engagement:{resident.phone}")
                resident.engagement = rng.choices(values, weights)[0]
        self.by_phone = {r.phone: r for r in self.by_id.values() if r.phone}
        self.by_community: dict[str, list[Resident]] = {}
        for resident in sorted(self.by_id.values(), key=lambda r: r.person_id):
            self.by_community.setdefault(resident.community_code, []).append(resident)
        self.personas = {p.role: self.by_phone.get(p.phone) for p in PERSONAS if not p.account}
        # The elder and the family member (demo.accounts): residents besides the resident.
        self.accounts = {p.account: self.by_phone.get(p.phone) for p in PERSONAS if p.account}
        # The demo volunteer serves week in, week out (see demo.activities).
        volunteer = self.personas.get(Role.VOLUNTEER)
        if volunteer is not None:
            volunteer.engagement = 6.0
        self._with_login: dict[str, list[Resident]] = {}
        self.staff = self._staff()
        self.members = self._members()

    def _staff(self) -> dict[str, list[Staff]]:
        """Community staff by community code; the demo log-in first in hers."""
        names = {r.user_id: r.name for r in self.by_id.values() if r.user_id is not None}
        staff: dict[str, list[Staff]] = {}
        rows = RoleAssignment.objects.filter(
            role=Role.COMMUNITY_STAFF, place__code__startswith=self.plan.district.code
        ).values_list("user_id", "place__code")
        persona = self.personas.get(Role.COMMUNITY_STAFF)
        for user_id, code in sorted(rows, key=lambda row: row[0]):
            if user_id in names:
                staff.setdefault(code, []).append(Staff(user_id, names[user_id]))
        if persona is not None:
            for people in staff.values():
                people.sort(key=lambda s: s.user_id != persona.user_id)
        return staff

    def _members(self) -> dict[int, set[int]]:
        """Team id → person ids of its members (alliance teams only)."""
        members: dict[int, set[int]] = {}
        for team_id, person_id in TeamMember.objects.filter(
            team__kind__in=["volunteer", "red_armband", "service_squad", "lecture"]
        ).values_list("team_id", "person_id"):
            members.setdefault(team_id, set()).add(person_id)
        return members

    def with_login(self, community_code: str) -> list[Resident]:
        if community_code not in self._with_login:
            self._with_login[community_code] = [
                r for r in self.by_community.get(community_code, []) if r.user_id is not None
            ]
        return self._with_login[community_code]

    def volunteers(self, community_code: str) -> list[Resident]:
        return [r for r in self.with_login(community_code) if r.volunteer]

    def organiser(self, community_code: str, rng: random.Random) -> Staff:
        """Who organises and records in the community: the demo log-in most often in hers."""
        staff = self.staff[community_code]
        return staff[0] if rng.random() < 0.6 else rng.choice(staff)
