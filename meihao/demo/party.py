"""The demo district's party organisations (党组织) and their members.

The tree: the district's committee (中共万秀区委员会); under it each street's working committee
with the street's own branch (街道机关党支部, the street chiefs'), and one branch for every
unit and department registered with the communities (双报到: 机关党支部, attached to the unit);
under each street's committee its communities' committees, each with a first and a second
branch, a third of them a branch of the retired (离退休党支部), and the demo community also the
red-armband aunties' own (骑楼大妈志愿者党支部). A quarter of the first branches (the demo
community's always) are split into two party groups.

The members: every person tagged a party member, in a branch of their home community (the
oldest in the retired branch where there is one, the demo community's volunteering women of
fifty and more often in the aunties'), except the in-service members registered with a
community through their unit (dual registration), who belong to their unit's branch, the
street chiefs, who belong to their street's, and the district leaders of the responsibility
teams, who belong to the branches of the district's leading offices. A branch has at least
three members (党章: three full members form a branch): at the small scales the tests seed,
others of the place are entered to make them up. Those are not tagged, because the tag drives
the draws of the stages before this one (dual registration, wishes, activities), which must
find the same people when the district is loaded again. Some members are probationary (joined
within the year), some work away (流动党员), half of those taking part with another
community's branch.

The posts: each branch a secretary and two to four committee members (a deputy secretary in
the larger ones), each group a leader, each community's committee a secretary (one of the
community's staff who is a party member, where there is one) and four more seats, the streets'
committees their chiefs, the district's the responsibility teams' leaders and the demo district
administrator. The demo log-ins: the branch secretary (demo.accounts) leads the demo
community's first branch, of which the demo party member and the demo community staff are
members; the demo street chief is his street's committee's secretary, the demo community staff
her community committee's deputy secretary, the demo district administrator a member of the
district's committee.

Written in bulk. Idempotent: organisations by (parent, name), members by person (one
membership each), posts only for organisations that have none.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import PERSONAS, persona_of
from meihao.demo.plan import Plan
from meihao.demo.residents import Resident, Residents
from meihao.dual.models import MemberRegistration
from meihao.party.models import PartyMember, PartyOrg, PartyPost
from meihao.people.models import Organisation, Person, RoleAssignment, Team, TeamMember, age_on
from meihao.places.models import Place

Level = PartyOrg.Level
Post = PartyPost.Post

FIRST, SECOND, RETIRED, AUNTIES = "第一党支部", "第二党支部", "离退休党支部", "骑楼大妈志愿者党支部"
GROUPS = ("第一党小组", "第二党小组")
RETIRED_BRANCH_SHARE = 1 / 3  # of the communities
GROUPS_SHARE = 0.25  # of the first branches
# 党章: three or more full members form a branch.
MIN_MEMBERS = 3
RETIRED_AGE = 70  # always in the retired branch where there is one
RETIRING_AGE = 60  # half of those from 60 too
AUNTIES_AGES = (50, 69)
AUNTIES_SHARE = 0.7  # of the demo community's volunteering women of those ages
JOINING_AGES = (18, 35)
# Probationary members joined within the year; of those young enough (up to 35) one in four,
# about one in twenty members in all.
PROBATIONARY_SHARE = 0.25
# 流动党员: of the community branches' members of working age (20 to 55) who hold no office
# (most in-service members belong to their unit's branch), two in five — Wuzhou's young work in
# Guangdong — about one in sixteen members in all; half take part with another branch.
AWAY_AGES = (20, 55)
AWAY_SHARE = 0.4
AWAY_HOSTED_SHARE = 0.5
AWAY_WHERE = [
    "广东省广州市天河区某物流公司",
    "广东省深圳市宝安区某电子厂",
    "广东省佛山市顺德区某家具厂",
    "广东省东莞市长安镇某五金厂",
    "广东省中山市古镇某灯饰厂",
    "广西南宁市青秀区某建筑工地",
    "广西柳州市柳北区某汽车配件厂",
    "浙江省杭州市余杭区某电商公司",
    "上海市浦东新区某餐饮公司",
    "福建省厦门市湖里区某外贸公司",
    "湖南省长沙市岳麓区某软件公司",
    "广东省广州市番禺区某服装厂",
]
AWAY_CONTACTS = [
    "{phone}",
    "{phone}（本人手机）",
    "微信同手机号 {phone}",
    "已进支部微信群，每月线上报到",
]
# Branches this large have a deputy secretary on their committee.
DEPUTY_FROM = 12
COMMUNITY_COMMITTEE_SEATS = 5
STREET_COMMITTEE_SEATS = 3
# The district's committee: the responsibility teams' leaders (the first its secretary, the
# second its deputy) and the demo district administrator.
DISTRICT_LEADER_SEATS = 6
# The district administrator's own branch: the organisation department's (组织部), which runs
# party building and this platform.
ADMIN_UNIT = data.UNITS[2]
SECRETARY_AGES = (35, 72)


@dataclass
class OrgSpec:
    key: tuple[str, ...]  # the names from the district's committee down
    level: str
    place_code: str
    kind: str = ""  # a branch's: FIRST, SECOND, RETIRED, AUNTIES, "street" or "unit"
    community: str = ""  # code of a community's committee, branch or group
    unit_id: int | None = None

    @property
    def name(self) -> str:
        return self.key[-1]

    @property
    def parent(self) -> tuple[str, ...] | None:
        return self.key[:-1] or None


@dataclass
class Member:
    person_id: int
    branch: tuple[str, ...]
    group: tuple[str, ...] | None = None
    status: str = PartyMember.Status.FULL
    away: bool = False
    new: bool = True
    joined: datetime.date | None = None
    away_fields: dict | None = None


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


class PartyOrganisations:
    def __init__(self, *, plan: Plan, residents: Residents, seed: int, now=None):
        self.plan = plan
        self.residents = residents
        self.seed = seed
        self.today = timezone.localdate(now or timezone.now())
        self.demo_community = plan.communities[0].code
        self.persona_people = {
            p.phone: residents.by_phone[p.phone].person_id
            for p in PERSONAS
            if p.phone in residents.by_phone
        }

    def _persona(self, role=None, account: str = "") -> int | None:
        phone = (
            persona_of(account).phone
            if account
            else next(p.phone for p in PERSONAS if p.role == role and not p.account)
        )
        return self.persona_people.get(phone)

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            self._load_office()
            specs = self._specs()
            new_orgs, old_orgs = self._tree(specs)
            new_members, old_members = self._members(specs)
            new_posts = self._posts(specs)
        return new_orgs + new_members + new_posts, old_orgs + old_members

    # -- who holds what office ----------------------------------------------------------------
    def _load_office(self):
        self.community_staff: dict[str, list[int]] = {}
        self.street_chiefs: dict[str, list[int]] = {}
        self.grid_workers: dict[str, list[int]] = {}
        self.department_staff: dict[int, list[int]] = {}
        for role, person_id, code, org_id in (
            RoleAssignment.objects.filter(
                role__in=[
                    Role.COMMUNITY_STAFF,
                    Role.STREET_CHIEF,
                    Role.GRID_WORKER,
                    Role.DEPARTMENT_STAFF,
                ],
                user__person__isnull=False,
            )
            .order_by("user__person")
            .values_list("role", "user__person", "place__code", "organisation_id")
        ):
            if role == Role.COMMUNITY_STAFF and code:
                self.community_staff.setdefault(code, []).append(person_id)
            elif role == Role.STREET_CHIEF and code:
                self.street_chiefs.setdefault(code, []).append(person_id)
            elif role == Role.GRID_WORKER and code:
                self.grid_workers.setdefault(code[:12], []).append(person_id)
            elif role == Role.DEPARTMENT_STAFF and org_id:
                self.department_staff.setdefault(org_id, []).append(person_id)
        # The district leaders of the responsibility teams: the teams' leaders, then deputies
        # (not the members on site demo.projects adds later).
        leaders = TeamMember.objects.filter(
            team__kind=Team.Kind.RESPONSIBILITY,
            team__is_demo=True,
            position__in=[TeamMember.Position.LEADER, TeamMember.Position.DEPUTY],
        ).values_list("position", "person_id")
        self.leaders = [
            person_id
            for _position, person_id in sorted(set(leaders), key=lambda r: (r[0] != "leader", r[1]))
        ]
        self.office = {
            person_id
            for people in (
                *self.community_staff.values(),
                *self.street_chiefs.values(),
                *self.grid_workers.values(),
                *self.department_staff.values(),
            )
            for person_id in people
        } | set(self.leaders)
        self.red_armband = set()
        for team_id in Team.objects.filter(
            kind=Team.Kind.RED_ARMBAND, place__code=self.demo_community
        ).values_list("pk", flat=True):
            self.red_armband |= self.residents.members.get(team_id, set())

    # -- the tree -----------------------------------------------------------------------------
    def _specs(self) -> list[OrgSpec]:
        plan = self.plan
        root = (f"中共{plan.district.name}委员会",)
        specs = [OrgSpec(root, Level.DISTRICT_COMMITTEE, plan.district.code)]
        self.units = list(
            Organisation.objects.filter(
                is_demo=True, kind__in=[Organisation.Kind.UNIT, Organisation.Kind.DEPARTMENT]
            )
            .order_by("kind", "name")
            .values_list("pk", "name")
        )
        self.unit_branch = {}
        for pk, name in self.units:
            key = (*root, f"{name}机关党支部")
            self.unit_branch[pk] = key
            specs.append(OrgSpec(key, Level.BRANCH, plan.district.code, kind="unit", unit_id=pk))
        self.street_branch = {}
        self.community_branches: dict[str, dict[str, tuple[str, ...]]] = {}
        self.grouped: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self.branch_kind: dict[tuple[str, ...], str] = {}
        for street in plan.streets:
            committee = (*root, f"中共{street.name}工作委员会")
            specs.append(OrgSpec(committee, Level.STREET_COMMITTEE, street.code))
            branch = (*committee, f"{street.name}机关党支部")
            self.street_branch[street.code] = branch
            specs.append(OrgSpec(branch, Level.BRANCH, street.code, kind="street"))
            for community in (c for c in plan.communities if c.parent_code == street.code):
                rng = random.Random(f"{self.seed}:party:{community.code}")
                retired, grouped = rng.random() < RETIRED_BRANCH_SHARE, rng.random() < GROUPS_SHARE
                demo = community.code == self.demo_community
                parent = (*committee, f"中共{community.name}委员会")
                specs.append(
                    OrgSpec(
                        parent, Level.COMMUNITY_COMMITTEE, community.code, community=community.code
                    )
                )
                kinds = [FIRST, SECOND]
                if retired or demo:
                    kinds.append(RETIRED)
                if demo:
                    kinds.append(AUNTIES)
                branches = self.community_branches[community.code] = {}
                for kind in kinds:
                    key = (*parent, f"{community.name}{kind}")
                    branches[kind] = key
                    self.branch_kind[key] = kind
                    specs.append(
                        OrgSpec(
                            key, Level.BRANCH, community.code, kind=kind, community=community.code
                        )
                    )
                if grouped or demo:
                    first = branches[FIRST]
                    self.grouped[first] = [(*first, name) for name in GROUPS]
                    specs += [
                        OrgSpec(group, Level.GROUP, community.code, community=community.code)
                        for group in self.grouped[first]
                    ]
        return specs

    def _tree(self, specs: list[OrgSpec]) -> tuple[int, int]:
        """Create the organisations missing, parents first; self.orgs: {key: PartyOrg}."""
        everything = {org.pk: org for org in PartyOrg.objects.all()}
        self.orgs: dict[tuple[str, ...], PartyOrg] = {}
        for org in everything.values():
            ids = [int(part) for part in org.path.split("/") if part]
            if all(pk in everything for pk in ids):
                self.orgs[tuple(everything[pk].name for pk in ids)] = org
        places = {
            code: (pk, path)
            for code, pk, path in Place.objects.filter(
                code__in={s.place_code for s in specs}
            ).values_list("code", "pk", "path")
        }
        created = 0
        for depth in range(1, max(len(s.key) for s in specs) + 1):
            missing = [s for s in specs if len(s.key) == depth and s.key not in self.orgs]
            if not missing:
                continue
            rows = [
                PartyOrg(
                    name=spec.name,
                    level=spec.level,
                    parent=self.orgs[spec.parent] if spec.parent else None,
                    path="",
                    place_id=places[spec.place_code][0],
                    place_path=places[spec.place_code][1],
                    unit_id=spec.unit_id,
                    is_demo=True,
                )
                for spec in missing
            ]
            rows = PartyOrg.objects.bulk_create(rows)
            for spec, org in zip(missing, rows, strict=True):
                org.path = f"{org.parent.path if org.parent else ''}{org.pk}/"
                self.orgs[spec.key] = org
            PartyOrg.objects.bulk_update(rows, ["path"])
            created += len(rows)
        self.key_of = {org.pk: key for key, org in self.orgs.items()}
        return created, len(specs) - created

    # -- members ------------------------------------------------------------------------------
    def _members(self, specs: list[OrgSpec]) -> tuple[int, int]:
        self.members: dict[int, Member] = {}
        taken: set[int] = set()
        for person_id, branch_id, group_id, status, away in PartyMember.objects.values_list(
            "person_id", "branch_id", "group_id", "status", "away"
        ):
            taken.add(person_id)
            if branch_id in self.key_of:
                self.members[person_id] = Member(
                    person_id,
                    self.key_of[branch_id],
                    self.key_of.get(group_id),
                    status,
                    away,
                    new=False,
                )
        existing = len(self.members)
        self.genders = dict(
            Person.objects.filter(
                home_place_path__startswith=f"{self.plan.district.code}/"
            ).values_list("pk", "gender")
        )
        registered = dict(
            MemberRegistration.objects.order_by("year", "pk").values_list("person_id", "unit_id")
        )
        placed = self._placed(registered)
        for person_id, branch in placed.items():
            if person_id not in taken:
                taken.add(person_id)
                self.members[person_id] = self._record(Member(person_id, branch))
        self._show_in_demo_branch()
        self._make_up(specs, taken)
        new = sorted((m for m in self.members.values() if m.new), key=lambda m: m.person_id)
        self._split_into_groups(new)
        rows = [self._row(member) for member in new]
        PartyMember.objects.bulk_create(rows, batch_size=2000)
        return len(rows), existing

    def _placed(self, registered: dict[int, int]) -> dict[int, tuple[str, ...]]:
        """{person id: branch key} of every party member, in the order of the rules."""
        demo_first = self.community_branches[self.demo_community][FIRST]
        placed: dict[int, tuple[str, ...]] = {}
        # The demo log-ins in the demo community's first branch and the offices' branches.
        for person_id in (
            self._persona(account="branch_secretary"),
            self._persona(Role.PARTY_MEMBER),
            self._persona(Role.COMMUNITY_STAFF),
        ):
            if person_id is not None:
                placed[person_id] = demo_first
        chief = self._persona(Role.STREET_CHIEF)
        if chief is not None:
            placed[chief] = self.street_branch[self.plan.streets[0].code]
        admin = self._persona(Role.DISTRICT_ADMIN)
        admin_unit = next((pk for pk, name in self.units if name == ADMIN_UNIT), None)
        if admin is not None and admin_unit is not None:
            placed[admin] = self.unit_branch[admin_unit]
        for code, chiefs in self.street_chiefs.items():
            for person_id in chiefs if code in self.street_branch else ():
                placed.setdefault(person_id, self.street_branch[code])
        unit_names = {name: pk for pk, name in self.units}
        for k, person_id in enumerate(self.leaders):
            pk = unit_names.get(data.UNITS[k % len(data.UNITS)])
            if pk is not None and person_id in self.residents.by_id:
                placed.setdefault(person_id, self.unit_branch[pk])
        # The community's staff belong to their community's branches, registered or not (the
        # dual registration stage does not tell them from other members with a log-in).
        staff = {p for people in self.community_staff.values() for p in people}
        for person_id in sorted(self.residents.by_id):
            resident = self.residents.by_id[person_id]
            if not resident.party_member or person_id in placed:
                continue
            unit = registered.get(person_id)
            if unit in self.unit_branch and person_id not in staff:
                placed[person_id] = self.unit_branch[unit]
            elif resident.community_code in self.community_branches:
                placed[person_id] = self._home_branch(resident)
        return placed

    def _home_branch(self, resident: Resident) -> tuple[str, ...]:
        rng = random.Random(f"{self.seed}:party:member:{resident.person_id}")
        retiring, auntie, second = rng.random(), rng.random(), rng.random()
        branches = self.community_branches[resident.community_code]
        age = resident.age_on(self.today)
        if (
            AUNTIES in branches
            and self.genders.get(resident.person_id) == "female"
            and AUNTIES_AGES[0] <= age <= AUNTIES_AGES[1]
            and (resident.volunteer or resident.person_id in self.red_armband)
            and (auntie < AUNTIES_SHARE or resident.person_id in self.red_armband)
        ):
            return branches[AUNTIES]
        if RETIRED in branches and (age >= RETIRED_AGE or (age >= RETIRING_AGE and retiring < 0.5)):
            return branches[RETIRED]
        return branches[SECOND if second < 0.5 else FIRST]

    @staticmethod
    def _available(member: Member, personas: set[int]) -> bool:
        """Whether a member may hold a post: a full member at home, not a demo log-in."""
        return (
            member.status == PartyMember.Status.FULL
            and not member.away
            and member.person_id not in personas
        )

    def _make_up(self, specs: list[OrgSpec], taken: set[int]):
        """Enter others of the place in the branches with fewer than MIN_MEMBERS full members
        at home besides the demo log-ins (who hold the posts the demo gives them), so that
        every branch has its secretary and committee."""
        personas = set(self.persona_people.values())
        counts: dict[tuple[str, ...], int] = {}
        for member in self.members.values():
            if self._available(member, personas):
                counts[member.branch] = counts.get(member.branch, 0) + 1
        excluded = taken | personas
        today = self.today

        def free(people, low=JOINING_AGES[0] + 1, high=75, gender=""):
            return [
                r
                for r in people
                if r.person_id not in excluded
                and r.born is not None
                and low <= r.age_on(today) <= high
                and (not gender or self.genders.get(r.person_id) == gender)
            ]

        for spec in specs:
            if spec.level != Level.BRANCH or counts.get(spec.key, 0) >= MIN_MEMBERS:
                continue
            rng = random.Random(f"{self.seed}:party:make-up:{spec.name}")
            by_id = self.residents.by_id
            if spec.kind == "unit":
                office = [
                    by_id[p] for p in self.department_staff.get(spec.unit_id, []) if p in by_id
                ]
                pools = [free(office, high=59), free(by_id.values(), low=25, high=59)]
            elif spec.kind == "street":
                office = [
                    by_id[p]
                    for code, people in self.community_staff.items()
                    if code.startswith(spec.place_code)
                    for p in people
                    if p in by_id
                ]
                pools = [free(office)]
            else:
                people = self.residents.by_community.get(spec.community, [])
                if spec.kind == RETIRED:
                    pools = [free(people, low=RETIRED_AGE, high=95), free(people, low=60, high=95)]
                elif spec.kind == AUNTIES:
                    aunties = [r for r in people if r.person_id in self.red_armband]
                    pools = [
                        free(aunties, low=AUNTIES_AGES[0], high=AUNTIES_AGES[1], gender="female"),
                        free(people, low=AUNTIES_AGES[0], high=AUNTIES_AGES[1], gender="female"),
                    ]
                else:
                    office = [
                        by_id[p]
                        for p in self.community_staff.get(spec.community, [])
                        + self.grid_workers.get(spec.community, [])
                        if p in by_id
                    ]
                    pools = [free(office, low=23, high=65), free(people, low=23, high=65)]
            pools.append(free(self.residents.by_community.get(spec.community, [])))
            for pool in pools:
                pool = [r for r in pool if r.person_id not in excluded]
                need = MIN_MEMBERS - counts.get(spec.key, 0)
                for resident in rng.sample(pool, min(need, len(pool))):
                    excluded.add(resident.person_id)
                    member = Member(resident.person_id, spec.key)
                    self.members[resident.person_id] = self._record(member, made_up=True)
                    counts[spec.key] = counts.get(spec.key, 0) + 1

    def _split_into_groups(self, new: list[Member]):
        """New members of a branch with groups join the group with fewer members."""
        sizes = {}
        for member in self.members.values():
            if member.group is not None:
                sizes[member.group] = sizes.get(member.group, 0) + 1
        for member in new:
            groups = self.grouped.get(member.branch)
            if groups:
                member.group = min(groups, key=lambda g: (sizes.get(g, 0), g))
                sizes[member.group] = sizes.get(member.group, 0) + 1

    def _may_be_away(self, member: Member, age: int) -> bool:
        """Of working age in a community's first or second branch, holding no office."""
        return (
            self.branch_kind.get(member.branch) in (FIRST, SECOND)
            and member.person_id not in self.persona_people.values()
            and member.person_id not in self.office
            and AWAY_AGES[0] <= age <= AWAY_AGES[1]
        )

    def _show_in_demo_branch(self):
        """The demo community's first branch (the branch secretary's) has a member working
        away, where one of its new members may be."""
        branch = self.community_branches[self.demo_community][FIRST]
        new = sorted(
            (m for m in self.members.values() if m.branch == branch and m.new),
            key=lambda m: m.person_id,
        )
        if any(m.away for m in self.members.values() if m.branch == branch):
            return
        candidates = [
            m
            for m in new
            if self._may_be_away(m, self.residents.by_id[m.person_id].age_on(self.today))
        ]
        if candidates:
            rng = random.Random(f"{self.seed}:party:demo-away")
            self._record(rng.choice(candidates), away=True)

    def _record(self, member: Member, *, made_up: bool = False, away: bool = False) -> Member:
        """A new member's status, the day they joined and whether they work away (`away`:
        they do); those made up are full members at home."""
        resident = self.residents.by_id[member.person_id]
        rng = random.Random(f"{self.seed}:party:record:{member.person_id}")
        draws = [rng.random() for _ in range(6)]
        born = resident.born or self.today
        age = age_on(born, self.today)
        demo = member.person_id in self.persona_people.values()
        young = age <= JOINING_AGES[1] and draws[0] < PROBATIONARY_SHARE and not (demo or made_up)
        if age < JOINING_AGES[0] + 1 or young:
            member.status = PartyMember.Status.PROBATIONARY
        earliest = _years_after(born, JOINING_AGES[0])
        if member.status == PartyMember.Status.PROBATIONARY:
            days = 20 + int(draws[1] * 310)
            member.joined = max(earliest, self.today - datetime.timedelta(days=days))
        else:
            latest = min(
                _years_after(born, JOINING_AGES[1] + 1) - datetime.timedelta(days=1),
                self.today - datetime.timedelta(days=366),
            )
            span = max(0, (latest - earliest).days)
            member.joined = earliest + datetime.timedelta(days=int(draws[1] * span))
        if away or (not made_up and self._may_be_away(member, age) and draws[2] < AWAY_SHARE):
            member.away = True
            others = [
                branches[kind]
                for code, branches in sorted(self.community_branches.items())
                if code != resident.community_code
                for kind in (FIRST, SECOND)
            ]
            contact = AWAY_CONTACTS[int(draws[3] * len(AWAY_CONTACTS))]
            if not resident.phone:
                contact = AWAY_CONTACTS[-1]
            member.away_fields = {
                "away_where": rng.choice(AWAY_WHERE),
                "away_since": self.today - datetime.timedelta(days=30 + int(draws[4] * 1060)),
                "away_contact": contact.format(phone=resident.phone),
                "away_host": rng.choice(others) if draws[5] < AWAY_HOSTED_SHARE else None,
            }
        return member

    def _row(self, member: Member) -> PartyMember:
        branch = self.orgs[member.branch]
        away = dict(member.away_fields or {})
        if away.get("away_host"):
            away["away_host"] = self.orgs[away["away_host"]]
        return PartyMember(
            person_id=member.person_id,
            branch=branch,
            group=self.orgs[member.group] if member.group else None,
            org_path=branch.path,
            status=member.status,
            joined_party_on=member.joined,
            away=member.away,
            is_demo=True,
            **away,
        )

    # -- posts --------------------------------------------------------------------------------
    def _posts(self, specs: list[OrgSpec]) -> int:
        held = set(
            PartyPost.objects.filter(org_id__in=[self.orgs[s.key].pk for s in specs]).values_list(
                "org_id", flat=True
            )
        )
        by_branch: dict[tuple[str, ...], list[Member]] = {}
        by_group: dict[tuple[str, ...], list[Member]] = {}
        for member in sorted(self.members.values(), key=lambda m: m.person_id):
            by_branch.setdefault(member.branch, []).append(member)
            if member.group:
                by_group.setdefault(member.group, []).append(member)
        personas = set(self.persona_people.values())
        rows: list[PartyPost] = []

        def seat(spec, person_id, post, rng):
            since = self.today - datetime.timedelta(days=rng.randint(120, 1500))
            rows.append(
                PartyPost(org=self.orgs[spec.key], person_id=person_id, post=post, since=since)
            )

        def eligible(members, *, secretary=False):
            """Full members at home but the demo log-ins (whose posts are set); a secretary
            of SECRETARY_AGES where there is one."""
            people = [m for m in members if self._available(m, personas)]
            if secretary:
                low, high = SECRETARY_AGES
                prime = [
                    m
                    for m in people
                    if low <= self.residents.by_id[m.person_id].age_on(self.today) <= high
                ]
                return prime or people
            return people

        demo_first = self.community_branches[self.demo_community][FIRST]
        for spec in specs:
            if self.orgs[spec.key].pk in held:
                continue
            rng = random.Random(f"{self.seed}:party:posts:{spec.name}")
            if spec.level == Level.BRANCH:
                members = by_branch.get(spec.key, [])
                if not members:
                    continue
                secretary = self._persona(account="branch_secretary")
                if spec.key != demo_first or secretary is None:
                    chosen = eligible(members, secretary=True) or members
                    secretary = rng.choice(chosen).person_id
                seat(spec, secretary, Post.SECRETARY, rng)
                others = [m for m in eligible(members) if m.person_id != secretary]
                number = min(rng.randint(2, 4), len(others))
                for k, member in enumerate(rng.sample(others, number)):
                    post = Post.DEPUTY_SECRETARY if k == 0 and len(members) >= DEPUTY_FROM else None
                    seat(spec, member.person_id, post or Post.COMMITTEE_MEMBER, rng)
            elif spec.level == Level.GROUP:
                members = by_group.get(spec.key, [])
                if members:
                    leader = rng.choice(eligible(members) or members)
                    seat(spec, leader.person_id, Post.GROUP_LEADER, rng)
            elif spec.level == Level.COMMUNITY_COMMITTEE:
                self._community_seats(spec, by_branch, eligible, seat, rng)
            elif spec.level == Level.STREET_COMMITTEE:
                street = spec.place_code
                members = by_branch.get(self.street_branch[street], [])
                chiefs = [
                    m.person_id
                    for m in members
                    if m.person_id in self.street_chiefs.get(street, [])
                ]
                persona = self._persona(Role.STREET_CHIEF)
                if persona in chiefs:
                    chiefs.remove(persona)
                    chiefs.insert(0, persona)
                chiefs = chiefs or [m.person_id for m in members]
                for k, person_id in enumerate(chiefs[:STREET_COMMITTEE_SEATS]):
                    seat(spec, person_id, Post.SECRETARY if k == 0 else Post.COMMITTEE_MEMBER, rng)
            elif spec.level == Level.DISTRICT_COMMITTEE:
                leaders = [p for p in self.leaders if p in self.members][:DISTRICT_LEADER_SEATS]
                for k, person_id in enumerate(leaders):
                    post = (Post.SECRETARY, Post.DEPUTY_SECRETARY)[k] if k < 2 else None
                    seat(spec, person_id, post or Post.COMMITTEE_MEMBER, rng)
                admin = self._persona(Role.DISTRICT_ADMIN)
                if admin in self.members and admin not in leaders:
                    seat(spec, admin, Post.COMMITTEE_MEMBER, rng)
        PartyPost.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def _community_seats(self, spec, by_branch, eligible, seat, rng):
        """The community's committee: a party member of its staff as secretary where there is
        one (the demo community staff its deputy), the other seats from its members."""
        members = [
            m
            for branch in self.community_branches[spec.community].values()
            for m in by_branch.get(branch, [])
        ]
        if not members:
            return
        staff = set(self.community_staff.get(spec.community, []))
        persona = self._persona(Role.COMMUNITY_STAFF)
        at_home = eligible(members)
        ranked = sorted(m.person_id for m in at_home if m.person_id in staff)
        ranked += [
            m.person_id for m in rng.sample(at_home, len(at_home)) if m.person_id not in staff
        ]
        if not ranked:
            ranked = [rng.choice(members).person_id]
        seats = [(ranked[0], Post.SECRETARY)]
        if spec.community == self.demo_community and persona in self.members:
            seats.append((persona, Post.DEPUTY_SECRETARY))
        for person_id in ranked[1:]:
            if len(seats) >= COMMUNITY_COMMITTEE_SEATS:
                break
            seats.append((person_id, Post.COMMITTEE_MEMBER))
        for person_id, post in seats:
            seat(spec, person_id, post, rng)
