"""The demo's community police (一街区一片警): every community's grids split into two blocks, each
under one of its two officers; two police groups per block (the seed's 115 groups for the
district) that the block's residents with a log-in join, with the officers' notices of the
year; and a year of tips and hazards (the seed's 530 hazards) sent to the officers, each taken
through police.services and the case engine as of the moment it happened (`demo_clock`).

The demo officer's block holds the demo resident's home, so she finds him on her police page;
two of the tips sent to him are still open (one just arrived, one being looked into) and one of
hers was handled. She is in none of his groups: joining by the QR code is hers to try.

Idempotent: blocks by street and name, groups by team name and street, tips by the case's
idempotency key (`tip-demo-<n>`).
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.cases.models import Case
from meihao.cases.services import case_void
from meihao.core.roles import Role
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.demo.plan import history_scale
from meihao.people.models import RoleAssignment, Team, TeamMember
from meihao.places.models import Place
from meihao.police import services as police
from meihao.police.models import Block, GroupNotice, PoliceGroup

KEY_PREFIX = "tip-demo-"
# The seed's figures for the demo year (docs/product.md): 530 hazards reported.
TIPS_PER_SCALE = 530
DAYS = 365
BLOCK_NAMES = ("东片", "西片")
GROUP_NAMES = ("警民联防群", "平安守护群")
# 四队一中心: the four teams of each street (the centre is the command view).
POLICE_TEAMS = ("巡防队", "治安管理队", "侦查队", "社区警务队")
# The share of a block's residents with a log-in who are in one of its groups.
MEMBER_SHARE = 0.45
NOTICES = [
    "【防诈提醒】近期有人冒充快递客服以“理赔退款”为由诱导转账，请勿点击陌生链接、勿透露验证码。",
    "【安全提示】电动车请到集中充电点充电，严禁在楼道、室内充电，发现请及时报告。",
    "【协查通报】昨晚骑楼街一带发生电动车被盗，如有线索请私信片警，我们为您保密。",
    "【温馨提示】春节将至，外出请锁好门窗，贵重物品妥善保管，独居老人家属多加照看。",
    "【防诈提醒】“保健品讲座送鸡蛋”多为推销陷阱，请提醒家中老人谨慎购买。",
    "【平安巡逻】本周六晚八点红袖章与民警联合巡逻，欢迎居民志愿者报名参加。",
]
MATTERS = [
    ("0202", "3栋1单元楼道里有人给电动车充电，电线从窗户拉出来。"),
    ("0201", "巷子里的消防通道被杂物和摩托车堵住了，消防车进不来。"),
    ("0203", "小区北门门禁坏了好几天，陌生人随便进出。"),
    ("0101", "最近晚上总有陌生人在车棚附近转悠，看车锁。"),
    ("0103", "有人在群里发“刷单返利”广告，好几个老人被拉进去了。"),
    ("0102", "路边停了一辆没有牌照的面包车，好几天没动过。"),
    ("0204", "学校门口的斑马线褪色了，早上接送孩子车很多，容易出事。"),
    ("0201", "老楼电线老化，楼道里的电表箱经常冒火花。"),
]
NOTES = {
    "acted": "已到场处置，责令整改并登记，后续回访。",
    "unfounded": "经现场核查，未发现异常情况。",
    "passed_on": "已移交相关职能部门处理。",
}
FATES = [("acted", 62), ("unfounded", 22), ("passed_on", 8), ("open", 5), ("withdrawn", 3)]
OPEN_DAYS = 2
# The demo officer's own: one just sent, one being looked into; the demo resident's handled.
SHOWN = ("arrived", "looking", "acted")


def tips_for_scale(scale: float) -> int:
    return round(TIPS_PER_SCALE * history_scale(scale))


class PoliceDistrict:
    """The blocks, groups, memberships and notices, written in bulk (no messages: they are the
    past). Returns (rows written, blocks there before)."""

    def __init__(self, *, plan, residents, seed: int, now=None):
        self.plan = plan
        self.residents = residents
        self.rng = random.Random(f"{seed}:police")
        self.now = now or timezone.now()

    def run(self) -> tuple[int, int]:
        before = Block.objects.filter(is_demo=True).count()
        if before:
            return 0, before
        written = 0
        with transaction.atomic():
            for community in self.plan.communities:
                written += self._community(community)
            written += self._teams()
        return written, before

    def _teams(self) -> int:
        """四队: each street's four police teams, the officers of its communities in them."""
        written = 0
        for street_spec in self.plan.streets:
            street = Place.objects.get(code=street_spec.code)
            officers = list(
                RoleAssignment.objects.filter(
                    role=Role.POLICE_OFFICER, place__path__startswith=street.path
                )
                .order_by("user_id")
                .values_list("user__person", flat=True)
            )
            for k, duty in enumerate(POLICE_TEAMS):
                team = Team.objects.create(
                    name=f"{street.name}{duty}",
                    kind=Team.Kind.POLICE_TEAM,
                    place=street,
                    place_path=street.path,
                    is_demo=True,
                )
                members = [p for p in officers[k::4] if p is not None]
                TeamMember.objects.bulk_create(
                    TeamMember(team=team, person_id=person_id) for person_id in members
                )
                written += 1 + len(members)
        return written

    def _officers(self, community_code: str) -> list[int]:
        officers = sorted(
            RoleAssignment.objects.filter(
                role=Role.POLICE_OFFICER, place__code=community_code
            ).values_list("user_id", flat=True)
        )
        persona = self.residents.personas.get(Role.POLICE_OFFICER)
        if persona is not None and persona.user_id in officers:
            officers.remove(persona.user_id)
            officers.insert(0, persona.user_id)
        return officers

    def _community(self, community) -> int:
        officers = self._officers(community.code)
        if not officers:
            return 0
        grids = sorted(g.code for g in self.plan.grids_of(community.code))
        half = (len(grids) + 1) // 2
        halves = [grids[:half], grids[half:]]
        resident = self.residents.personas.get(Role.RESIDENT)
        home = resident.path.rstrip("/").rsplit("/", 1)[-1] if resident else ""
        if home in halves[1]:  # the demo officer's block holds the demo resident's home
            halves.reverse()
        street = Place.objects.get(code=community.parent_code)
        places = {p.code: p for p in Place.objects.filter(code__in=grids)}
        written = 0
        for k, codes in enumerate(halves):
            if not codes:
                continue
            officer = officers[min(k, len(officers) - 1)]
            block = Block.objects.create(
                name=f"{community.name}{BLOCK_NAMES[k]}",
                street=street,
                officer_id=officer,
                phone=f"0774-38{self.rng.randrange(10**5):05d}",
                station=f"{street.name}派出所",
                is_demo=True,
            )
            block.grids.set([places[code] for code in codes])
            written += 1 + self._groups(block, officer, codes)
        return written

    def _groups(self, block: Block, officer: int, grid_codes: list[str]) -> int:
        rng = self.rng
        people = [
            r
            for r in self.residents.by_community.get(grid_codes[0][:12], [])
            if r.user_id is not None and r.path.rstrip("/").rsplit("/", 1)[-1] in grid_codes
        ]
        demo_resident = self.residents.personas.get(Role.RESIDENT)
        people = [r for r in people if demo_resident is None or r.user_id != demo_resident.user_id]
        joined = rng.sample(people, round(len(people) * MEMBER_SHARE))
        written = 0
        for k, name in enumerate(GROUP_NAMES):
            team = Team.objects.create(
                name=f"{block.name}{name}",
                kind=Team.Kind.POLICE_GROUP,
                place=block.street,
                place_path=block.street.path,
                is_demo=True,
            )
            set_up = self.now - datetime.timedelta(days=rng.randint(200, 700))
            group = PoliceGroup.objects.create(
                team=team, block=block, officer_id=officer, created_at=set_up
            )
            mine = joined[k::2]
            TeamMember.objects.bulk_create(
                TeamMember(
                    team=team,
                    person_id=r.person_id,
                    joined_on=(set_up + datetime.timedelta(days=rng.randint(0, 180))).date(),
                )
                for r in mine
            )
            GroupNotice.objects.bulk_create(
                GroupNotice(
                    group=group,
                    author_id=officer,
                    body=body,
                    posted_at=self.now - datetime.timedelta(days=rng.randint(1, 330)),
                )
                for body in rng.sample(NOTICES, 3)
            )
            written += 1 + len(mine)
        return written


@dataclass(frozen=True)
class TipPlan:
    key: str
    sent_at: datetime.datetime
    block_id: int
    matter: tuple[str, str]
    fate: str
    shown: bool
    rng: random.Random


class TipHistory(History):
    key_prefix = KEY_PREFIX

    def __init__(self, **history):
        super().__init__(**history)
        self.blocks = {
            b.pk: b for b in Block.objects.filter(is_demo=True).select_related("officer")
        }
        self.grids: dict[int, set[str]] = {}
        for block_id, path in Block.grids.through.objects.filter(block__is_demo=True).values_list(
            "block_id", "place__path"
        ):
            self.grids.setdefault(block_id, set()).add(path)
        # (block, person) → a group of the block the person is in: their tips may come from it.
        self.group_of = {
            (block_id, person_id): group_id
            for group_id, block_id, person_id in TeamMember.objects.filter(
                team__police_group__block__is_demo=True
            ).values_list("team__police_group", "team__police_group__block_id", "person_id")
        }
        self.reporters: dict[int, list] = {}

    def run(self) -> tuple[int, int]:
        return self.load(self.plans(), self._tip)

    def _reporters(self, block_id: int) -> list:
        """The residents with a log-in living in the block's grids."""
        if block_id not in self.reporters:
            paths = self.grids.get(block_id, set())
            community = next(iter(paths)).split("/")[2] if paths else ""
            self.reporters[block_id] = [
                r
                for r in self.residents.by_community.get(community, [])
                if r.user_id is not None and r.path in paths
            ]
        return self.reporters[block_id]

    def plans(self) -> list[TipPlan]:
        rng = random.Random(f"{self.seed}:tips")
        fates, weights = zip(*FATES, strict=True)
        blocks = sorted(self.blocks)
        officer = self.residents.personas.get(Role.POLICE_OFFICER)
        own = [pk for pk in blocks if officer and self.blocks[pk].officer_id == officer.user_id]
        plans = []
        for index in range(self.count if blocks else 0):
            shown = index < len(SHOWN) and bool(own)
            fate = SHOWN[index] if shown else rng.choices(fates, weights)[0]
            recent = fate in ("arrived", "looking", "open")
            days = rng.uniform(0.05, OPEN_DAYS) if recent else rng.uniform(3, DAYS)
            plans.append(
                TipPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    sent_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    block_id=own[0] if shown else rng.choice(blocks),
                    matter=rng.choice(MATTERS),
                    fate=fate,
                    shown=shown,
                    rng=random.Random(f"{self.seed}:tips:{index}"),
                )
            )
        return plans

    def _tip(self, plan: TipPlan) -> bool:
        rng = plan.rng
        block = self.blocks[plan.block_id]
        resident = self.residents.personas.get(Role.RESIDENT)
        if plan.shown and plan.fate == "acted" and resident is not None:
            reporter = resident
        else:
            people = self._reporters(block.pk)
            if not people:
                return False
            reporter = people[rng.randrange(len(people))]
        kind, words = plan.matter
        group_id = self.group_of.get((block.pk, reporter.person_id))
        from_group = group_id is not None and rng.random() < 0.4
        tip = self.file(
            plan.sent_at,
            police.tip_send,
            actor=self.user(reporter.user_id),
            kind=kind,
            description=words,
            share_identity=rng.random() < 0.3,
            group=PoliceGroup.objects.get(pk=group_id) if from_group else None,
            idempotency_key=plan.key,
        )
        if tip is None:
            return False
        if plan.fate in ("arrived", "open"):
            return True
        officer = self.user(block.officer_id)
        timeline = Timeline(plan.sent_at, rng, pace=0.2 if plan.shown else 1.0)

        def step(actor, service, **kwargs):
            case = Case.objects.get(pk=tip.case_id)
            return self.at(timeline.moment, service, actor=actor, case=case, **kwargs)

        timeline.later(0.2, 6)
        if plan.fate == "withdrawn":
            step(self.user(reporter.user_id), case_void, reason="已经解决了，撤回。")
            return True
        step(officer, police.tip_start)
        if plan.fate == "looking":
            return True
        timeline.later(1, 30)
        outcome = plan.fate if plan.fate in NOTES else "acted"
        step(officer, police.tip_close, outcome=outcome, note=NOTES[outcome])
        return True


# The register of people under community supervision, kept by the justice bureau: a handful in
# each street (the demo community's among them, for the demo officer to read), visited monthly,
# one of them overdue. Written in bulk; idempotent by the bureau's authority.
SUPERVISION_AUTHORITY = "万秀区司法局"
SUPERVISED_PER_STREET = 3


class SupervisionRegister:
    def __init__(self, *, plan, residents, seed: int, now=None):
        self.plan = plan
        self.residents = residents
        self.rng = random.Random(f"{seed}:supervision")
        self.today = timezone.localdate(now or timezone.now())

    def run(self) -> tuple[int, int]:
        from meihao.people.models import Organisation
        from meihao.people.selectors import department_staff
        from meihao.supervision.models import Authority, Supervisee, SupervisionVisit

        organisation = Organisation.objects.filter(name=SUPERVISION_AUTHORITY).first()
        if organisation is None:
            return 0, 0
        authority, created = Authority.objects.get_or_create(organisation=organisation)
        if not created:
            return 0, authority.register.count()
        keepers = list(
            department_staff(organisation.pk).order_by("pk").values_list("pk", flat=True)
        )
        if not keepers:
            return 0, 0
        officer = self.residents.personas.get(Role.POLICE_OFFICER)
        resident = self.residents.personas.get(Role.RESIDENT)
        taken = {officer.person_id if officer else None, resident.person_id if resident else None}
        written = 0
        with transaction.atomic():
            for n, street in enumerate(self.plan.streets):
                communities = [c for c in self.plan.communities if c.parent_code == street.code]
                # The first street's are the demo community's: the demo officer reads them.
                people = [
                    r
                    for c in communities[: 1 if n == 0 else 2]
                    for r in self.residents.with_login(c.code)[:40]
                    if r.person_id not in taken
                ]
                for k, person in enumerate(
                    self.rng.sample(people, min(len(people), SUPERVISED_PER_STREET))
                ):
                    start = self.today - datetime.timedelta(days=self.rng.randint(60, 300))
                    every = 30
                    entry = Supervisee.objects.create(
                        person_id=person.person_id,
                        authority=authority,
                        kind=(Supervisee.Kind.CORRECTION, Supervisee.Kind.RELEASED)[k % 2],
                        place_path=person.path,
                        starts_on=start,
                        ends_on=start + datetime.timedelta(days=365),
                        visit_every_days=every,
                        officer_id=keepers[k % len(keepers)],
                    )
                    # Monthly visits up to now; the first street's last one skips the latest.
                    day, visits = start + datetime.timedelta(days=7), []
                    stop = self.today - datetime.timedelta(days=45 if k == 0 else 3)
                    while day <= stop:
                        visits.append(
                            SupervisionVisit(
                                supervisee=entry,
                                visited_on=day,
                                by_id=entry.officer_id,
                                note="上门走访，本人在家，情绪稳定，按时报到。",
                            )
                        )
                        day += datetime.timedelta(days=every - self.rng.randint(0, 5))
                    SupervisionVisit.objects.bulk_create(visits)
                    Supervisee.objects.filter(pk=entry.pk).update(
                        last_visit_on=visits[-1].visited_on if visits else None
                    )
                    written += 1 + len(visits)
        return written, 0
