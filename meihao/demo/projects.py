"""The responsibility teams' projects (承责团队, `projects`): one project for each of the five
teams (demo.plan), four shanty-town renovations (棚户区改造) and a land clearance (征地拆迁), in a
community of the street the team covers, started between three years and nine months ago.

Each project has its site (a polygon inside the community) with the old estates and lanes in
it (a `Building` for each, in the grid it lies in), its households (门牌 "3栋2单元501" in an
estate, "骑楼巷12号" in a lane; heads of household named as the residents are), their progress
visited → signed → relocated over the months since the start on S-curves (slow start, fast
middle, a tail of holdouts), each step a `HouseholdStep` with its day and officer (a team member
with a log-in); its milestones (reached on the day the households say, or due: some ahead, one
overdue); its temporary party branch (临时党支部, under the street's working committee, its
committee the team's party members: members keep their home branches, so the branch holds its
支部委员会 only, written by demo.party_meetings); the 三个一线 log of the branch; and a few
problems found on site, raised as grid cases through `projects.services.problem_raise` and taken
through the street's dispatch (demo.handling).

The team's district leaders are joined on site by the project community's staff, a street chief,
in-service party members of the district's units and, on the 城东片区 team, the demo project
officer (demo.accounts) — so each team has six to twelve members. His project is the latest:
under way, with households visited waiting to be signed and others not yet visited.

The article's figures: 10,221 households signed and 9,269 relocated in all (`project_targets`
at scale 1); a smaller scale shrinks them in proportion (the project officer's keeping enough
households to work on); beyond 1 they stay (they follow the district, not its population). The
land clearance handed its land over exactly 100 days after its start.

Written in bulk. Idempotent: a project already there (by team and name) is left alone, with
everything of it; the temporary branches' meetings are added month by month (demo.
party_meetings)."""

import datetime
import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.core.roles import Role
from meihao.demo import geometry
from meihao.demo.accounts import PERSONAS, persona_of
from meihao.demo.cases import demo_clock
from meihao.demo.handling import CaseSteps
from meihao.demo.history import while_awake
from meihao.demo.plan import PlaceSpec, Plan
from meihao.demo.population import Names
from meihao.party.models import PartyMember, PartyOrg, PartyPost
from meihao.people.models import Person, RoleAssignment, Team, TeamMember
from meihao.places.models import Building, Place
from meihao.projects import services as project_services
from meihao.projects.models import (
    FrontLineEntry,
    Household,
    HouseholdStep,
    Milestone,
    Project,
)

SIGNED_AT_SCALE_1 = 10_221
RELOCATED_AT_SCALE_1 = 9_269
# The project officer's project, however small the seed: households visited for him to sign
# (the e2e test signs two) and households not yet visited.
OFFICER_VISITED = 24
OFFICER_IN_SCOPE = 6
BATCH = 2000
Status = Household.Status


@dataclass(frozen=True)
class Compound:
    """An old estate (flats: "3栋2单元501") or a quarter of lanes ("骑楼巷12号") on the site."""

    name: str
    share: float  # of the project's households
    at: tuple[float, float]  # where, in fractions of the community's rectangle
    lanes: tuple[str, ...] = ()  # a quarter's lanes; none: an estate of flats


@dataclass(frozen=True)
class Window:
    """When a step happens: days after the start, low to high, drawn from Beta(a, b)."""

    low: int
    high: int
    a: float
    b: float


@dataclass(frozen=True)
class MilestoneSpec:
    name: str
    due: int  # days after the start
    # How it is reached: "visited" / "signed" / "relocated" (that share of the households),
    # "handover" (20 to 35 days after the relocated share), "day" (on its due day, the
    # households all relocated), "never" (due ahead).
    rule: str
    share: float = 1.0
    overdue: bool = False  # left unreached past its day


@dataclass(frozen=True)
class ProjectSpec:
    area: str  # the team's (data.RESPONSIBILITY_TEAMS)
    street: int  # index of the street the team covers
    community: int  # index of the community among the street's
    name: str
    kind: str
    days_ago: int
    # At scale 1.
    households: int
    visited: int
    signed: int
    relocated: int
    compounds: tuple[Compound, ...]
    windows: tuple[Window, Window, Window]  # visited, signed, relocated
    milestones: tuple[MilestoneSpec, ...]
    description: str
    entries: int  # the front-line log's
    problems: tuple[tuple[str, str], ...]  # (class code, what was found)
    officer: bool = False  # the demo project officer's

    @property
    def short(self) -> str:
        return self.name.removesuffix("项目")


SITE = ((0.10, 0.20), (0.52, 0.10), (0.74, 0.40), (0.62, 0.84), (0.24, 0.80), (0.06, 0.50))
DONE = (Window(2, 80, 2.0, 2.6), Window(15, 300, 2.0, 3.0), Window(30, 460, 2.0, 3.2))
PROJECTS = (
    ProjectSpec(
        "城东片区",
        0,
        0,
        "大东上路片区棚户区改造项目",
        Project.Kind.SHANTYTOWN,
        days_ago=265,
        households=1720,
        visited=1640,
        signed=1262,
        relocated=508,
        compounds=(
            Compound("大东上路老街区", 0.45, (0.30, 0.55), ("骑楼巷", "竹安里", "平安巷")),
            Compound("航运公司宿舍区", 0.30, (0.50, 0.30)),
            Compound("五金厂宿舍区", 0.25, (0.40, 0.72)),
        ),
        windows=(Window(3, 250, 1.6, 1.3), Window(25, 262, 1.8, 1.2), Window(45, 262, 2.2, 1.1)),
        milestones=(
            MilestoneSpec("完成入户调查摸底", 180, "visited", overdue=True),
            MilestoneSpec("签约率达到90%", 330, "signed", 0.9),
            MilestoneSpec("搬迁腾空率达到95%", 450, "relocated", 0.95),
            MilestoneSpec("土地交付", 520, "handover", 0.95),
        ),
        description=(
            "改造范围东至航运公司宿舍区，西至骑楼巷，涉及大东上路沿线老街区和两处上世纪七八十年代"
            "建成的企业宿舍区。房屋多为砖木结构，年久失修，消防通道不畅。项目采取货币补偿与产权"
            "调换相结合的方式，由城东片区承责团队包片推进，临时党支部建在项目现场。"
        ),
        entries=34,
        problems=(
            ("0303", "已拆除房屋的建筑垃圾运输车辆沿大东上路遗撒泥土"),
            ("0101", "航运公司宿舍区有住户在签约后抢搭铁皮棚"),
            ("0405", "骑楼巷拆除现场堆放的旧木料堵住了消防通道"),
        ),
        officer=True,
    ),
    ProjectSpec(
        "城南片区",
        1,
        1,
        "沿江一路片区棚户区改造项目",
        Project.Kind.SHANTYTOWN,
        days_ago=1085,
        households=2118,
        visited=2118,
        signed=2104,
        relocated=2085,
        compounds=(
            Compound("沿江一路老街区", 0.40, (0.30, 0.50), ("码头巷", "鱼行街", "沿江里")),
            Compound("航道站宿舍区", 0.20, (0.52, 0.28)),
            Compound("造船厂宿舍区", 0.25, (0.45, 0.68)),
            Compound("沿江新村", 0.15, (0.20, 0.30)),
        ),
        windows=DONE,
        milestones=(
            MilestoneSpec("完成入户调查摸底", 90, "visited"),
            MilestoneSpec("签约率达到90%", 300, "signed", 0.9),
            MilestoneSpec("搬迁腾空率达到95%", 420, "relocated", 0.95),
            MilestoneSpec("土地交付", 480, "handover", 0.95),
            MilestoneSpec("回迁安置房交付", 1200, "never"),
        ),
        description=(
            "项目位于西江北岸沿江一路，片区内多为临江而建的老旧民房和航运、造船企业职工宿舍，"
            "地势低洼，汛期常受洪水威胁。改造后建设沿江防洪堤和回迁安置小区，原地回迁。"
        ),
        entries=52,
        problems=(
            ("0302", "沿江一路拆除工地未覆盖防尘网，扬尘较大"),
            ("0402", "码头巷拆除时挖断供水管，周边未搬迁住户停水"),
        ),
    ),
    ProjectSpec(
        "城北片区",
        2,
        2,
        "桂江路片区棚户区改造项目",
        Project.Kind.SHANTYTOWN,
        days_ago=905,
        households=2574,
        visited=2574,
        signed=2561,
        relocated=2520,
        compounds=(
            Compound("桂江老街区", 0.35, (0.28, 0.52), ("桂江一巷", "桂江二巷", "茶亭里")),
            Compound("糖厂宿舍区", 0.25, (0.50, 0.30)),
            Compound("火柴厂宿舍区", 0.20, (0.48, 0.70)),
            Compound("桂江新村", 0.20, (0.18, 0.34)),
        ),
        windows=DONE,
        milestones=(
            MilestoneSpec("完成入户调查摸底", 90, "visited"),
            MilestoneSpec("签约率达到90%", 300, "signed", 0.9),
            MilestoneSpec("搬迁腾空率达到95%", 420, "relocated", 0.95),
            MilestoneSpec("土地交付", 480, "handover", 0.95),
            MilestoneSpec("安置房主体封顶", 960, "never"),
        ),
        description=(
            "片区以原糖厂、火柴厂职工宿舍和桂江路老街区为主，房屋建成于上世纪六七十年代，"
            "结构老化，公共设施缺失。项目实行“阳光征收”，评估、补偿、选房全过程公开。"
        ),
        entries=48,
        problems=(
            ("0103", "火柴厂宿舍区已腾空楼栋周边积存生活垃圾和渣土"),
            ("1102", "桂江一巷拆除后路灯线路被剪断，夜间无照明"),
        ),
    ),
    ProjectSpec(
        "角嘴片区",
        3,
        1,
        "三角嘴片区征地拆迁项目",
        Project.Kind.LAND,
        days_ago=548,
        households=1702,
        visited=1702,
        signed=1702,
        relocated=1702,
        compounds=(
            Compound("三角嘴村", 0.55, (0.32, 0.50), ("上村", "下村", "河边巷")),
            Compound("白沙坪", 0.30, (0.50, 0.34), ("白沙坪一巷", "白沙坪二巷")),
            Compound("砖厂宿舍区", 0.15, (0.42, 0.72)),
        ),
        windows=(Window(1, 25, 2.0, 2.0), Window(6, 78, 2.2, 2.0), Window(12, 96, 2.5, 1.8)),
        milestones=(
            MilestoneSpec("完成入户调查摸底", 30, "visited"),
            MilestoneSpec("完成全部签约", 80, "signed"),
            MilestoneSpec("房屋全部腾空", 97, "relocated"),
            MilestoneSpec("土地交付", 100, "day"),
            MilestoneSpec("项目用地开工建设", 600, "never"),
        ),
        description=(
            "为保障重点项目用地，征收三角嘴村、白沙坪集体土地及地上房屋。角嘴片区承责团队"
            "实行“一户一策、一天一调度”，临时党支部党员分片包户，100天完成土地交付。"
        ),
        entries=28,
        problems=(
            ("0304", "三角嘴路拆除施工车辆占道，早高峰交通拥堵"),
            ("0301", "夜间拆除作业噪音扰民，周边居民反映强烈"),
        ),
    ),
    ProjectSpec(
        "东兴片区",
        4,
        4,
        "塘源片区棚户区改造项目",
        Project.Kind.SHANTYTOWN,
        days_ago=730,
        households=2600,
        visited=2600,
        signed=2592,
        relocated=2454,
        compounds=(
            Compound("塘源老街区", 0.35, (0.30, 0.55), ("塘源巷", "石鼓冲", "大塘边")),
            Compound("麻纺厂宿舍区", 0.25, (0.50, 0.30)),
            Compound("塘源新村", 0.20, (0.20, 0.32)),
            Compound("机械厂宿舍区", 0.20, (0.45, 0.72)),
        ),
        windows=(Window(2, 80, 2.0, 2.6), Window(15, 320, 2.0, 3.0), Window(30, 600, 2.0, 2.6)),
        milestones=(
            MilestoneSpec("完成入户调查摸底", 90, "visited"),
            MilestoneSpec("签约率达到90%", 300, "signed", 0.9),
            MilestoneSpec("搬迁腾空率达到95%", 780, "relocated", 0.95),
            MilestoneSpec("土地交付", 840, "handover", 0.95),
        ),
        description=(
            "塘源片区地处城乡结合部，以麻纺厂、机械厂等企业宿舍和自建房为主，人口密集、"
            "道路狭窄。项目分两期实施，一期已完成签约，正在做好剩余住户的搬迁工作。"
        ),
        entries=44,
        problems=(
            ("0103", "麻纺厂宿舍区已拆除地块堆放建筑渣土未清运"),
            ("0301", "塘源巷拆除工地周末施工，影响周边居民休息"),
        ),
    ),
)

# The team on site besides its district leaders: (what, TeamMember.duty).
STAFF_DUTY = "社区联络员"
CHIEF_DUTY = "现场指挥"
UNIT_DUTY = "入户签约组"
OFFICER_DUTY = "项目专员"
UNIT_MEMBERS = (2, 4)  # so that a team has six to twelve members on site
COMMUNITY_STAFF_ON_SITE = 2

# 三个一线: (kind, text); {compound}, {n}, {signed}, {share}, {relocated}, {name} filled in.
ENTRIES = {
    FrontLineEntry.Kind.BRANCH: (
        "临时党支部召开支委会，研究部署本周入户签约工作，明确每名党员包干{n}户。",
        "临时党支部在{compound}设立党员先锋岗，公开党员姓名、照片和联系电话，群众有事随时找。",
        "临时党支部组织党员开展“党旗插在一线”主题活动，在{compound}逐户发放政策明白卡。",
        "临时党支部召开推进会，截至当日累计签约{signed}户，签约率{share}%，对进度滞后的"
        "楼栋调整包干力量。",
        "临时党支部与社区党委联合召开居民议事会，就{compound}的过渡安置方案听取意见。",
        "临时党支部开展“亮身份、作表率”活动，支部党员带头佩戴党徽上门服务。",
        "临时党支部召开分析会，梳理未签约户诉求，逐户制定“一户一策”。",
    ),
    FrontLineEntry.Kind.MEMBERS: (
        "党员{name}利用晚上和周末时间到{compound}入户{n}次，为老人逐条讲解补偿安置政策。",
        "党员干部帮助{compound}的孤寡老人联系搬家公司、打包行李，当天完成搬迁。",
        "党员{name}连续三天上门做工作，解开了一户居民对评估结果的心结，当场签约。",
        "党员突击队冒雨协助{compound}{n}户居民搬家，确保腾空房屋当天封门断电。",
        "党员{name}主动认领最难做工作的{n}户，逐户建立台账，每天更新进展。",
        "党员志愿者在项目指挥部开设政策咨询点，当天接待群众咨询{n}人次。",
        "党员{name}为行动不便的住户上门办理签约手续，把服务送到家门口。",
    ),
    FrontLineEntry.Kind.PROBLEMS: (
        "针对部分居民反映评估价偏低，协调评估公司到{compound}现场复核，当场答疑。",
        "{compound}有住户担心过渡期找不到房子，协调区住建局提供过渡房源{n}套。",
        "解决{compound}搬迁后水电户头迁移问题，协调供水、供电公司现场办理。",
        "针对{compound}有家庭因继承产权分歧迟迟不能签约，邀请律师和调解员现场调解，达成分配协议。",
        "协调学校为{n}名搬迁户子女办理就近入学，解除居民后顾之忧。",
        "为困难搬迁户申请临时救助，帮助解决搬家费用问题。",
        "居民反映搬迁补助发放慢，协调财政部门加快拨付，截至当日已累计搬迁{relocated}户。",
    ),
}
KIND_WEIGHTS = {
    FrontLineEntry.Kind.BRANCH: 3,
    FrontLineEntry.Kind.MEMBERS: 4,
    FrontLineEntry.Kind.PROBLEMS: 3,
}


@dataclass(frozen=True)
class Target:
    households: int
    visited: int
    signed: int
    relocated: int


def _shares(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder), none above its cap."""
    whole = sum(weights)
    quotas = [total * w / whole if whole else 0 for w in weights]
    parts = [math.floor(q) for q in quotas]
    if caps is not None:
        parts = [min(p, c) for p, c in zip(parts, caps, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - math.floor(quotas[i])), i))
    left = total - sum(parts)
    while left > 0:
        moved = False
        for i in order:
            if left and (caps is None or parts[i] < caps[i]):
                parts[i] += 1
                left -= 1
                moved = True
        if not moved:
            break
    return parts


def project_targets(scale: float) -> list[Target]:
    """Each project's households in scope, visited, signed and relocated at `scale` (up to 1):
    signed and relocated in all round(10,221 × scale) and round(9,269 × scale) — at scale 1 the
    article's figures, per project as PROJECTS has them. The land clearance keeps every
    household relocated; the officer's project keeps at least OFFICER_VISITED households visited
    and not signed and OFFICER_IN_SCOPE not visited."""
    scale = min(max(scale, 0.0), 1.0)
    land = next(i for i, p in enumerate(PROJECTS) if p.kind == Project.Kind.LAND)
    whole = round(PROJECTS[land].households * scale)
    others = [i for i in range(len(PROJECTS)) if i != land]
    signed = _shares(round(SIGNED_AT_SCALE_1 * scale) - whole, [PROJECTS[i].signed for i in others])
    relocated = _shares(
        round(RELOCATED_AT_SCALE_1 * scale) - whole,
        [PROJECTS[i].relocated for i in others],
        caps=signed,
    )
    targets: list[Target] = []
    for i, spec in enumerate(PROJECTS):
        if i == land:
            targets.append(Target(whole, whole, whole, whole))
            continue
        k = others.index(i)
        s, r = signed[k], relocated[k]
        unsigned = round((spec.visited - spec.signed) * scale)
        unvisited = round((spec.households - spec.visited) * scale)
        if spec.officer:
            unsigned = max(unsigned, OFFICER_VISITED)
            unvisited = max(unvisited, OFFICER_IN_SCOPE)
        elif spec.households > spec.signed and s < round(spec.households * scale):
            # The households in proportion too: those the rounding left unsigned, holdouts.
            unsigned = max(unsigned, round(spec.households * scale) - s - unvisited)
        targets.append(Target(s + unsigned + unvisited, s + unsigned, s, r))
    return targets


def _days_between(first: datetime.date, last: datetime.date) -> int:
    return (last - first).days


class ResponsibilityProjects:
    def __init__(self, *, plan: Plan, seed: int, scale: float, now=None):
        self.plan = plan
        self.seed = seed
        self.scale = min(scale, 1.0)
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now)
        self.yesterday = self.today - datetime.timedelta(days=1)

    def run(self) -> tuple[int, int]:
        from meihao.demo.party_meetings import PartyMeetings

        if self.scale <= 0:
            return 0, 0
        teams = {
            t.name: t
            for t in Team.objects.filter(kind=Team.Kind.RESPONSIBILITY, is_demo=True).order_by("pk")
        }
        existing = set(Project.objects.values_list("team_id", "name"))
        created = there = 0
        targets = project_targets(self.scale)
        for spec, target in zip(PROJECTS, targets, strict=True):
            team = teams.get(f"{spec.area}承责团队")
            if team is None:
                continue
            if (team.pk, spec.name) in existing:
                there += 1
                continue
            if not hasattr(self, "names"):
                self._load()
            with transaction.atomic():
                created += self._project(spec, target, team)
        new, old = PartyMeetings(plan=self.plan, seed=self.seed, now=self.now, temporary=True).run()
        return created + new, there + old

    # -- who ------------------------------------------------------------------------------------
    def _load(self):
        self.names = Names()
        self.steps = CaseSteps(now=self.now)
        self.members = dict(
            PartyMember.objects.filter(away=False, status=PartyMember.Status.FULL).values_list(
                "person_id", "branch__unit_id"
            )
        )
        self.people = {
            pk: (user_id, name, path)
            for pk, user_id, name, path in Person.objects.filter(
                pk__in=list(self.members)
            ).values_list("pk", "user_id", "real_name", "home_place_path")
        }
        self.staff: dict[str, list[int]] = {}
        self.chiefs: dict[str, list[int]] = {}
        for role, code, person_id in (
            RoleAssignment.objects.filter(
                role__in=[Role.COMMUNITY_STAFF, Role.STREET_CHIEF], user__person__isnull=False
            )
            .order_by("user_id")
            .values_list("role", "place__code", "user__person")
        ):
            holders = self.staff if role == Role.COMMUNITY_STAFF else self.chiefs
            holders.setdefault(code, []).append(person_id)
        personas = [p.phone for p in PERSONAS]
        self.persona_people = set(
            Person.objects.filter(user__phone__in=personas).values_list("pk", flat=True)
        )
        officer = Person.objects.filter(user__phone=persona_of("project_officer").phone)
        self.officer = officer.values_list("pk", flat=True).first()
        self.on_teams = set(
            TeamMember.objects.filter(team__kind=Team.Kind.RESPONSIBILITY).values_list(
                "person_id", flat=True
            )
        )

    def _team(self, spec: ProjectSpec, team: Team, community: PlaceSpec, start, rng) -> dict:
        """Add the members on site; {role on the branch: person ids} and the users who record."""
        street = self.plan.streets[spec.street]
        present = dict(TeamMember.objects.filter(team=team).values_list("person_id", "position"))
        added: list[tuple[int, str]] = []
        staff = [p for p in self.staff.get(community.code, []) if p in self.members]
        staff = staff[:COMMUNITY_STAFF_ON_SITE] or self.staff.get(community.code, [])[:1]
        added += [(p, STAFF_DUTY) for p in staff]
        chiefs = [
            p
            for p in self.chiefs.get(street.code, [])
            if p in self.members and p not in self.persona_people
        ]
        chief = chiefs[:1]
        added += [(p, CHIEF_DUTY) for p in chief]
        in_street = sorted(
            p
            for p, unit in self.members.items()
            if unit is not None
            and p in self.people
            and self.people[p][0] is not None
            and self.people[p][2].startswith(f"{self.plan.district.code}/{street.code}/")
            and p not in self.persona_people
            and p not in self.on_teams
        )
        units = rng.sample(in_street, min(rng.randint(*UNIT_MEMBERS), len(in_street)))
        added += [(p, UNIT_DUTY) for p in units]
        if spec.officer and self.officer is not None:
            added.append((self.officer, OFFICER_DUTY))
        rows = [
            TeamMember(team=team, person_id=p, position="member", duty=duty, joined_on=start)
            for p, duty in dict(added).items()
            if p not in present
        ]
        TeamMember.objects.bulk_create(rows)
        self.on_teams |= {row.person_id for row in rows}
        everyone = list(present) + [row.person_id for row in rows]
        users = dict(
            Person.objects.filter(pk__in=everyone, user__isnull=False).values_list("pk", "user_id")
        )
        if not users:  # nobody on site with a log-in: the community's staff record
            users = dict(
                Person.objects.filter(
                    pk__in=self.staff.get(community.code, []), user__isnull=False
                ).values_list("pk", "user_id")
            )
        return {
            "staff": [p for p in staff if p in self.members],
            "chief": chief,
            "units": units,
            "officer": self.officer if spec.officer else None,
            "users": users,
        }

    # -- one project ----------------------------------------------------------------------------
    def _project(self, spec: ProjectSpec, target: Target, team: Team) -> int:
        rng = random.Random(f"{self.seed}:project:{spec.name}")
        street = self.plan.streets[spec.street]
        community = [c for c in self.plan.communities if c.parent_code == street.code][
            spec.community
        ]
        place = Place.objects.get(code=community.code)
        start = self.today - datetime.timedelta(days=spec.days_ago)
        while start.weekday() >= 5:
            start -= datetime.timedelta(days=1)
        outline = [community.rect.point(fx, fy) for fx, fy in SITE]
        boundary = {
            "type": "Polygon",
            "coordinates": [[[lon, lat] for lat, lon in [*outline, outline[0]]]],
        }
        project = Project.objects.create(
            name=spec.name,
            kind=spec.kind,
            team=team,
            place=place,
            place_path=place.path,
            boundary=boundary,
            starts_on=start,
            description=spec.description,
            is_demo=True,
        )
        who = self._team(spec, team, community, start, rng)
        written = 1 + self._branch(spec, project, street, start, who)
        households, days = self._households(spec, target, project, community, start, who, rng)
        written += households
        written += self._milestones(spec, project, start, days, rng)
        written += self._front_line(spec, project, start, days, who, rng)
        written += self._problems(spec, project, start, who, rng)
        return written

    def _branch(self, spec, project, street, start, who) -> int:
        """The temporary branch under the street's working committee; its committee: a street
        chief on the team its secretary, the community's party secretary its deputy, the project
        officer and the units' members on site its members."""
        parent = PartyOrg.objects.filter(
            level=PartyOrg.Level.STREET_COMMITTEE, place__code=street.code
        ).first()
        if parent is None:
            return 0
        name = f"{spec.short}临时党支部"
        branch = PartyOrg.objects.filter(parent=parent, name=name).first()
        written = 0
        if branch is None:
            branch = PartyOrg.objects.create(
                name=name,
                level=PartyOrg.Level.BRANCH,
                parent=parent,
                path="",
                place=project.place,
                place_path=project.place_path,
                temporary=True,
                starts_on=start,
                team=project.team,
                is_demo=True,
            )
            branch.path = f"{parent.path}{branch.pk}/"
            branch.save(update_fields=["path"])
            written += 1
        Project.objects.filter(pk=project.pk).update(branch=branch)
        project.branch = branch
        if branch.posts.exists():
            return written
        seats = []
        for post, people in (
            (PartyPost.Post.SECRETARY, who["chief"]),
            (PartyPost.Post.DEPUTY_SECRETARY, who["staff"][:1]),
            (PartyPost.Post.COMMITTEE_MEMBER, [who["officer"]] if who["officer"] else []),
            (PartyPost.Post.COMMITTEE_MEMBER, who["units"][:2] + who["staff"][1:2]),
        ):
            for person_id in people:
                if person_id in self.members and person_id not in {p for p, _post in seats}:
                    seats.append((person_id, post))
        if seats and all(post != PartyPost.Post.SECRETARY for _p, post in seats):
            seats[0] = (seats[0][0], PartyPost.Post.SECRETARY)
        seats = seats[:5]
        PartyPost.objects.bulk_create(
            [PartyPost(org=branch, person_id=p, post=post, since=start) for p, post in seats]
        )
        return written + len(seats)

    # -- households -----------------------------------------------------------------------------
    def _draw(self, window: Window, count: int, last: int, rng) -> list[int]:
        high = max(window.low, min(window.high, last))
        span = high - window.low + 1
        days = [
            window.low + min(span - 1, int(rng.betavariate(window.a, window.b) * span))
            for _n in range(count)
        ]
        return sorted(days)

    def _households(self, spec, target, project, community, start, who, rng):
        """Buildings, households and their steps; {step: sorted days after the start}."""
        last = _days_between(start, self.yesterday)
        counts = _shares(target.households, [c.share for c in spec.compounds])
        grids = dict(
            Place.objects.filter(
                code__in=[g.code for g in self.plan.grids_of(community.code)]
            ).values_list("code", "pk")
        )
        paths = dict(Place.objects.filter(pk__in=list(grids.values())).values_list("pk", "path"))
        buildings = []
        for compound, count in zip(spec.compounds, counts, strict=True):
            grid = _grid_at(self.plan, community, *compound.at)
            lat, lon = community.rect.point(*compound.at)
            buildings.append(
                Building(
                    name=compound.name,
                    place_id=grids[grid.code],
                    place_path=paths[grids[grid.code]],
                    address=f"梧州市万秀区{community.road}{compound.name}",
                    lat=lat,
                    lon=lon,
                    floors=2 if compound.lanes else 6,
                    households=count,
                )
            )
        Building.objects.bulk_create(buildings)
        rows: list[tuple[Household, float]] = []
        for phase, (compound, building, count) in enumerate(
            zip(spec.compounds, buildings, counts, strict=True)
        ):
            labels = _labels(compound, count, random.Random(f"{self.seed}:{compound.name}"))
            for label in labels:
                gender = "male" if rng.random() < 0.62 else "female"
                household = Household(
                    project=project,
                    building=building,
                    label=label,
                    head_name=self.names(rng, gender),
                )
                # Estates and lanes are taken on one after another, overlapping.
                rows.append((household, rng.random() + 0.3 * phase))
        order = [h for h, _key in sorted(rows, key=lambda row: row[1])]
        visits = self._draw(spec.windows[0], target.visited, last, rng)
        signs = self._draw(spec.windows[1], target.signed, last, rng)
        moves = self._draw(spec.windows[2], target.relocated, last, rng)
        for i, household in enumerate(order[: target.visited]):
            signed = signs[i] if i < target.signed else None
            moved = None
            if i < target.relocated:
                moved = min(max(moves[i], signed + rng.randint(0, 12)), last)
                moved = max(moved, signed)
                moves[i] = moved
            visited = min(visits[i], signed) if signed is not None else visits[i]
            visits[i] = visited
            household.visited_on = start + datetime.timedelta(days=visited)
            household.status = Status.VISITED
            if signed is not None:
                household.signed_on = start + datetime.timedelta(days=signed)
                household.status = Status.SIGNED
            if moved is not None:
                household.relocated_on = start + datetime.timedelta(days=moved)
                household.status = Status.RELOCATED
        Household.objects.bulk_create(order, batch_size=BATCH)
        users = list(who["users"].values())
        officer_user = who["users"].get(who["officer"]) if who["officer"] else None
        steps = []
        for household in order:
            for step, field in (
                (Status.VISITED, "visited_on"),
                (Status.SIGNED, "signed_on"),
                (Status.RELOCATED, "relocated_on"),
            ):
                day = getattr(household, field)
                if day is None:
                    continue
                by = officer_user if officer_user and rng.random() < 0.35 else rng.choice(users)
                steps.append(
                    HouseholdStep(
                        household=household,
                        step=step,
                        on=day,
                        officer_id=by,
                        recorded_at=self._moment(day, rng, evening=True),
                    )
                )
        HouseholdStep.objects.bulk_create(steps, batch_size=BATCH)
        days = {
            "visited": sorted(visits[: target.visited]),
            "signed": sorted(signs[: target.signed]),
            "relocated": sorted(moves[: target.relocated]),
            "households": target.households,
        }
        return len(buildings) + len(order) + len(steps), days

    def _moment(self, day: datetime.date, rng, *, evening=False) -> datetime.datetime:
        """A moment of `day` in working hours (evening: when the day's work is written up)."""
        hours = rng.uniform(17.5, 21) if evening else rng.uniform(9, 17.5)
        moment = datetime.datetime.combine(day, datetime.time(), tzinfo=self.zone)
        moment += datetime.timedelta(hours=hours)
        return min(moment, self.now - datetime.timedelta(minutes=rng.uniform(5, 60)))

    # -- milestones -----------------------------------------------------------------------------
    def _milestones(self, spec, project, start, days, rng) -> int:
        last = _days_between(start, self.yesterday)
        rows = []

        def reached_at(step: str, share: float) -> int | None:
            needed = math.ceil(share * days["households"] - 1e-9)
            done = days[step]
            return done[needed - 1] if 0 < needed <= len(done) else None

        for milestone in spec.milestones:
            due = start + datetime.timedelta(days=milestone.due)
            reached = None
            if milestone.rule in ("visited", "signed", "relocated"):
                reached = reached_at(milestone.rule, milestone.share)
            elif milestone.rule == "handover":
                cleared = reached_at("relocated", milestone.share)
                if cleared is not None and cleared + 35 <= last:
                    reached = cleared + rng.randint(20, 35)
            elif milestone.rule == "day":
                moved = days["relocated"]
                if (
                    milestone.due <= last
                    and len(moved) == days["households"]
                    and (not moved or moved[-1] < milestone.due)
                ):
                    reached = milestone.due
            if reached is not None:
                reached_on = start + datetime.timedelta(days=reached)
            else:
                reached_on = None
                if due <= self.today and not milestone.overdue:
                    # Not reached yet at this scale: due ahead, not overdue.
                    due = self.today + datetime.timedelta(days=rng.randint(20, 80))
            rows.append(
                Milestone(project=project, name=milestone.name, due_on=due, reached_on=reached_on)
            )
        Milestone.objects.bulk_create(rows)
        return len(rows)

    # -- the front-line log ---------------------------------------------------------------------
    def _front_line(self, spec, project, start, days, who, rng) -> int:
        users = who["users"]
        by_user = {user_id: person_id for person_id, user_id in users.items()}
        names = dict(Person.objects.filter(pk__in=list(users)).values_list("pk", "real_name"))
        secretary = who["chief"][0] if who["chief"] else None
        busy = days["visited"] + days["signed"] + days["relocated"] or [0]
        last = _days_between(start, self.yesterday)
        kinds = list(KIND_WEIGHTS)
        weights = list(KIND_WEIGHTS.values())
        entries = [
            (
                0,
                FrontLineEntry.Kind.BRANCH,
                f"{spec.short}临时党支部在项目现场成立，支部建在一线，{len(users)}名党员亮身份、"
                "进网格、包楼栋。",
                users.get(secretary) or next(iter(users.values())),
            )
        ]
        for _n in range(spec.entries - 1):
            day = min(last, max(1, rng.choice(busy) + rng.randint(-3, 3)))
            kind = rng.choices(kinds, weights)[0]
            template = rng.choice(ENTRIES[kind])
            author = users.get(secretary) if kind == FrontLineEntry.Kind.BRANCH else None
            author = author or rng.choice(list(users.values()))
            signed = sum(1 for d in days["signed"] if d <= day)
            relocated = sum(1 for d in days["relocated"] if d <= day)
            text = template.format(
                compound=rng.choice(spec.compounds).name,
                n=rng.randint(5, 15),
                name=names.get(by_user.get(author), "") or "张海",
                signed=signed,
                share=round(100 * signed / max(1, days["households"])),
                relocated=relocated,
            )
            entries.append((day, kind, text, author))
        rows = [
            FrontLineEntry(
                project=project,
                on=start + datetime.timedelta(days=day),
                kind=kind,
                text=text,
                author_id=author,
                created_at=self._moment(start + datetime.timedelta(days=day), rng, evening=True),
            )
            for day, kind, text, author in entries
        ]
        FrontLineEntry.objects.bulk_create(rows)
        return len(rows)

    # -- problems raised as grid cases -----------------------------------------------------------
    def _problems(self, spec, project, start, who, rng) -> int:
        """Raised through `problem_raise` as of the day, by a team member with a log-in, and
        taken through the street's dispatch; the officer's project's latest still being
        handled."""
        users = [u for u in who["users"].values() if u is not None]
        if not users:
            return 0
        last = _days_between(start, self.yesterday)
        count = len(spec.problems)
        written = 0
        for k, (code, text) in enumerate(spec.problems):
            if spec.officer and k == count - 1:
                day = last - rng.randint(0, 2)
                until = "start"
            else:
                day = round(last * (k + 1) / (count + 1) * rng.uniform(0.7, 1.0))
                day = min(day, 420)
                until = "close"
            moment = while_awake(self._moment(start + datetime.timedelta(days=day), rng), rng)
            if moment >= self.now:
                continue
            actor = self.steps.user(rng.choice(users))
            with demo_clock(moment):
                problem = project_services.problem_raise(
                    actor=actor, project=project, category_code=code, description=text
                )
            case = problem.case
            type(case).objects.filter(pk=case.pk).update(is_demo=True)
            case.is_demo = True
            self.steps.take(case, filed_at=moment, rng=rng, until=until)
            written += 1
        return written


def _grid_at(plan: Plan, community: PlaceSpec, fx: float, fy: float) -> PlaceSpec:
    """The grid of `community` at fractions fx, fy of its rectangle."""
    rect = community.rect
    x = rect.west + (rect.east - rect.west) * fx
    y = rect.south + (rect.north - rect.south) * fy
    grids = plan.grids_of(community.code)
    for grid, cell in zip(grids, geometry.grid_rects(rect), strict=True):
        if cell.west <= x <= cell.east and cell.south <= y <= cell.north:
            return grid
    return grids[0]


def _labels(compound: Compound, count: int, rng: random.Random) -> list[str]:
    """`count` house numbers of the compound: lanes' houses ("骑楼巷12号"), or an estate's
    flats ("3栋2单元501": six storeys, two units, two flats a landing)."""
    labels: list[str] = []
    if compound.lanes:
        number = dict.fromkeys(compound.lanes, 0)
        while len(labels) < count:
            for lane in compound.lanes:
                number[lane] += 1 if rng.random() < 0.85 else 2
                labels.append(f"{lane}{number[lane]}号")
                if len(labels) == count:
                    break
        return labels
    building = 0
    while len(labels) < count:
        building += 1
        units = rng.choice((1, 2, 2, 3))
        floors = rng.choice((5, 6, 6, 7))
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for flat in (1, 2):
                    labels.append(f"{building}栋{unit}单元{floor}0{flat}")
        del labels[count:]
    return labels
