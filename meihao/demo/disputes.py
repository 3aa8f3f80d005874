"""The demo's disputes (矛盾纠纷调解): a year of neighbours', families' and tenants' disputes
taken in by each community's staff and mediated by its legal advisor, each taken through
legal.disputes and the case engine as of the moment it happened (`demo_clock`). The advisor
takes a dispute within a day, sits with the parties once to three times (each sitting counting
toward their hours), and most end in an agreement (人民调解协议书); some are referred to the
court or to legal aid; the staff visit the parties a week or two later. A few are major and
escalated to the street. The most recent wait for the advisor, are under mediation or wait for
the follow-up visit.

The demo community's first disputes are the log-ins' work: one waiting for its advisor, one
under mediation with the demo resident as a party, one concluded and waiting for the demo
community staff's follow-up visit.

Idempotent: by the case's idempotency key (`dispute-demo-<n>`).
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from meihao.cases.models import Case
from meihao.cases.services import case_claim, case_verify_close, case_void
from meihao.core.roles import Role
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.demo.residents import Resident
from meihao.legal import disputes
from meihao.places.models import Level, Place

KEY_PREFIX = "dispute-demo-"
# The seed's figure for the demo year: 47 disputes mediated (docs/product.md).
DISPUTES_PER_CONSULTATION = 47 / 394
DAYS = 365

# (kind, facts, terms, how it is carried out): what the old town's mediators settle.
MATTERS = [
    (
        "0102",
        "楼上住户装修漏水，浸坏楼下天花板和衣柜，双方就维修费用分担争执不下。",
        "楼上住户承担天花板和衣柜维修费用共计2800元，并负责修复漏水的防水层。",
        "维修费于签订协议后七日内一次付清；防水层于本月底前修复完毕。",
    ),
    (
        "0102",
        "邻居在楼道长期堆放杂物和电动车，影响通行，双方多次争吵。",
        "堆放方清理楼道杂物，电动车停放到小区集中充电点；双方互不再就此事争吵。",
        "三日内清理完毕，由网格员现场查看。",
    ),
    (
        "0101",
        "兄妹三人就父母留下的骑楼老房子如何分配发生争执。",
        "房屋由长兄继承，长兄分别补偿弟妹各六万元；赡养母亲的费用三人平均分担。",
        "补偿款于协议签订后三个月内付清；赡养费每月5日前各自转给母亲。",
    ),
    (
        "0101",
        "老人与儿子就赡养费数额和看护安排发生矛盾。",
        "儿子每月给付赡养费1200元，每周至少探望一次；老人生病住院时由子女轮流陪护。",
        "赡养费每月10日前转账支付，社区每季度回访一次。",
    ),
    (
        "0103",
        "业主因电梯长期故障拒交物业费，物业公司上门催缴引发冲突。",
        "物业公司一个月内完成电梯维修并公示维修记录；业主补交物业费，减免故障期间两个月费用。",
        "电梯修复后业主十日内补交；减免部分由物业公司在账单中直接扣除。",
    ),
    (
        "0104",
        "餐馆拖欠两名帮工三个月工资共计1.5万元。",
        "餐馆老板支付拖欠工资1.5万元，双方解除劳动关系，互不追究其他责任。",
        "分两期支付：本月底前付8000元，下月底前付7000元。",
    ),
    (
        "0105",
        "电动车与行人在巷口相撞，行人腿部受伤，双方就医疗费赔偿争执。",
        "电动车车主赔偿医疗费、误工费、营养费共计4600元，行人不再追究其他责任。",
        "于协议签订当日一次付清。",
    ),
    (
        "0106",
        "租客提前退租，房东以违约为由扣留全部押金3000元。",
        "房东退还押金2000元，余下1000元作为提前退租的补偿。",
        "三日内通过转账退还。",
    ),
    (
        "0107",
        "两户人家就院墙边界和滴水檐占用发生争执，多次阻挠对方施工。",
        "双方按1998年房屋测绘图确认边界，滴水檐向内收回20厘米，施工期间互相配合。",
        "滴水檐改造于一个月内完成，由社区派人现场见证。",
    ),
]
REFERRALS = [
    ("万秀区人民法院", "双方对赔偿数额分歧过大，经三次调解未能达成协议，引导当事人依法起诉。"),
    ("万秀区法律援助中心", "申请人经济困难且涉及工伤认定，引导其申请法律援助。"),
    ("区劳动人事争议仲裁委员会", "涉及劳动关系确认，引导当事人申请劳动仲裁。"),
]
SESSION_NOTES = [
    "分别听取双方陈述，核实现场情况，向双方讲解相关法律规定。",
    "双方当面协商，就主要分歧逐项沟通，初步形成解决方案。",
    "确认协议条款和履行方式，双方同意签订调解协议。",
]
FOLLOW_UPS = [
    "电话回访，双方表示协议已履行，关系和睦。",
    "上门回访，协议约定事项已完成，双方满意。",
    "回访时当事人反映已按协议履行，无新的矛盾。",
]
MAJOR_REASONS = ["涉及多户居民，情绪激烈，有激化风险。", "涉及老城改造补偿，需街道协调相关部门。"]
FATES = [
    ("followed_up", 72),
    ("referred", 10),
    ("concluded", 6),
    ("mediating", 6),
    ("waiting", 3),
    ("withdrawn", 3),
]
OPEN_DAYS = {"concluded": 10, "mediating": 6, "waiting": 1}
MAJOR_SHARE = 0.08
# The demo community's first disputes: for its advisor, resident and staff log-ins.
SHOWN = ("waiting", "mediating", "concluded", "followed_up")
DEMO_RESIDENT_PARTY = 1
RESPONDENTS = ["黄", "李", "陈", "梁", "莫", "周", "覃", "吴", "何", "苏"]


@dataclass(frozen=True)
class DisputePlan:
    key: str
    filed_at: datetime.datetime
    community: str
    matter: tuple[str, str, str, str]
    fate: str
    major: bool
    shown: bool
    rng: random.Random


class DisputeHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.LEGAL_ADVISOR, Role.COMMUNITY_STAFF)

    def __init__(self, **history):
        super().__init__(**history)
        self.paths = dict(Place.objects.filter(level=Level.COMMUNITY).values_list("code", "path"))

    def run(self) -> tuple[int, int]:
        return self.load(self.plans(), self._dispute)

    def _staffed(self, code: str) -> bool:
        path = self.paths.get(code)
        return (Role.LEGAL_ADVISOR, path) in self.holders and bool(self.residents.staff.get(code))

    def plans(self) -> list[DisputePlan]:
        rng = random.Random(f"{self.seed}:disputes")
        fates, weights = zip(*FATES, strict=True)
        communities = [c.code for c in self.plan.communities if self._staffed(c.code)]
        plans = []
        for index in range(self.count if communities else 0):
            fate = SHOWN[index] if index < len(SHOWN) else rng.choices(fates, weights)[0]
            days = rng.uniform(0.2, OPEN_DAYS[fate]) if fate in OPEN_DAYS else rng.uniform(20, DAYS)
            plans.append(
                DisputePlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    filed_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    community=communities[0] if index < len(SHOWN) else rng.choice(communities),
                    matter=rng.choice(MATTERS),
                    fate=fate,
                    major=index >= len(SHOWN) and rng.random() < MAJOR_SHARE,
                    shown=index < len(SHOWN),
                    rng=random.Random(f"{self.seed}:disputes:{index}"),
                )
            )
        return plans

    def _parties(self, plan: DisputePlan) -> list[dict]:
        """An applicant who is a resident of the community (by name and number: they follow it
        on their phone) and a respondent who is not registered."""
        rng = plan.rng
        resident: Resident | None = self.residents.personas.get(Role.RESIDENT)
        if plan.key != f"{KEY_PREFIX}{DEMO_RESIDENT_PARTY:05d}" or resident is None:
            people = self.residents.with_login(plan.community)
            resident = people[rng.randrange(len(people))]
        respondent = rng.choice(RESPONDENTS) + rng.choice(["伟", "芳", "强", "梅", "军", "华"])
        return [
            {"side": "applicant", "name": resident.name, "phone": resident.phone, "address": ""},
            {
                "side": "respondent",
                "name": respondent,
                "phone": f"137{rng.randrange(10**8):08d}",
                "address": "",
            },
        ]

    def _dispute(self, plan: DisputePlan) -> bool:
        rng = plan.rng
        # The demo community's staff log-in takes the shown ones in (she is first in hers).
        offices = self.residents.staff[plan.community]
        staff = self.user((offices[0] if plan.shown else rng.choice(offices)).user_id)
        kind, facts, terms, performance = plan.matter
        dispute = self.file(
            plan.filed_at,
            disputes.dispute_open,
            actor=staff,
            place_code=plan.community,
            kind=kind,
            facts=facts,
            parties=self._parties(plan),
            major=plan.major,
            major_reason=rng.choice(MAJOR_REASONS) if plan.major else "",
            idempotency_key=plan.key,
        )
        if dispute is None:
            return False
        if plan.fate == "waiting":
            return True
        advisor = self.holder(Role.LEGAL_ADVISOR, self.paths[plan.community], rng)
        timeline = Timeline(plan.filed_at, rng, pace=0.3 if plan.fate in OPEN_DAYS else 1.0)

        def step(actor, service, **kwargs):
            case = Case.objects.select_related("dispute").get(pk=dispute.case_id)
            return self.at(timeline.moment, service, actor=actor, case=case, **kwargs)

        if plan.fate == "withdrawn":
            timeline.later(2, 48)
            step(staff, case_void, reason="双方已自行和解，申请撤回。")
            return True
        timeline.later(1, 20)
        step(advisor, case_claim)
        sittings = 1 if plan.fate == "mediating" else rng.randint(1, 3)
        for sitting in range(sittings):
            if plan.fate in OPEN_DAYS:  # recent: the sittings came quickly
                timeline.later(2, 20)
            else:
                timeline.days_later(1, 6)
            held = timezone.localtime(timeline.moment)
            step(
                advisor,
                disputes.mediation_session_record,
                held_at=held.strftime("%Y-%m-%dT%H:%M"),
                minutes=rng.choice([45, 60, 90, 120]),
                note=SESSION_NOTES[min(sitting, len(SESSION_NOTES) - 1)],
            )
        if plan.fate == "mediating":
            return True
        timeline.later(1, 24)
        if plan.fate == "referred":
            where, why = rng.choice(REFERRALS)
            step(
                advisor, disputes.dispute_conclude, outcome="referral", terms=why, referred_to=where
            )
            return True
        step(
            advisor,
            disputes.dispute_conclude,
            outcome="agreement",
            terms=terms,
            performance=performance,
        )
        if plan.fate == "concluded":
            return True
        timeline.days_later(7, 15)
        step(staff, case_verify_close, note=rng.choice(FOLLOW_UPS))
        return True


def disputes_for(consultations: int) -> int:
    """The year's disputes follow its consultations (47 to 394); a small demo still shows the
    log-ins' own."""
    if not consultations:
        return 0
    return max(len(SHOWN), round(consultations * DISPUTES_PER_CONSULTATION))
