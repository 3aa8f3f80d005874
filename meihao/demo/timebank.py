"""The demo's time bank (时间银行, "左邻右里老友记"): members, each community's pool, and three
months of help requests in every state.

Members (about one elder of 60 or more in twenty, chosen among those with a log-in; the demo
volunteer and a few neighbours in the demo community at any scale) are written in bulk as
`member_join` would: at their home's building, in their community, with the kinds of help they
offer. Pools are
funded and requests taken through the time bank's and the case engine's own services, as of
the moment each step happened (`demo_clock`, see demo.cases): `help_request_submit` (by the
elder, or by community staff for an elder without a log-in), `case_claim` by a member,
`case_start` and `case_report_back` on site (the check-in and check-out), and the requester's
`case_verify_close`, whose close effect pays the helper's minutes (from the elder's own or the
pool) and points. Steps still to come are not taken, and the demo community has a request in
each state: open, claimed, in progress, awaiting confirmation, sent back, closed.

Idempotent: members by person, pool funding by its token, requests by their case's
idempotency key (`timebank-demo-<n>`, `timebank-demo-<state>`).
"""

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.cases import services as cases
from meihao.cases import sla
from meihao.cases.models import Case, CaseCategory
from meihao.core.errors import DomainError
from meihao.core.roles import Role
from meihao.demo.cases import demo_clock
from meihao.demo.history import History
from meihao.demo.plan import history_scale
from meihao.demo.residents import Resident
from meihao.demo.rows import RowWriter, datetime_value
from meihao.ledger.models import Transfer
from meihao.people.models import Person
from meihao.places.models import Level, Place
from meihao.timebank import services as timebank
from meihao.timebank.models import TIMEBANK_CODE, FamilyLink, TimeBankMember

KEY_PREFIX = "timebank-demo-"
MEMBER_SHARE = 0.05  # of the elders (60+)
DEMO_COMMUNITY_MEMBERS = 4
REQUESTS_PER_SCALE = 60
DAYS = 90
POOL_MINUTES = 6000
METRES_PER_DEGREE = 111_320
# What elders ask for, by kind of help (category code), and what the helper reports.
NEEDS = {
    "0101": (
        ["老人独居，子女在外地，想有人来陪着聊聊天", "老伴住院了，心里闷，希望有人来坐坐"],
        "陪老人聊了一个多小时，老人精神不错",
    ),
    "0102": (
        ["腿脚不便，请帮忙到菜市场买些菜和米", "请帮忙到社区卫生服务站取降压药"],
        "已代买回来并当面点清",
    ),
    "0103": (
        ["下周要到市红十字会医院复诊，需要有人陪同", "需要陪同去医院做检查"],
        "已陪同就医并送回家",
    ),
    "0104": (
        ["家里窗户和风扇要清洗，一个人做不了", "厨房下水道堵了，想请人帮忙疏通"],
        "已打扫干净",
    ),
    "0105": (["行动不便，希望有人上门理发", "想请人上门帮忙剪头发"], "已上门理发"),
    "0106": (["手机不会用微信视频，请帮忙教一下", "想学用手机挂号"], "已教会老人使用"),
}
# Of the requests of the last three months: how their story ends, if time has come for it.
FATES = [("closed", 70), ("sent_back", 6), ("stalled_open", 8), ("stalled_claimed", 8)]
# The demo community's request in each state, as (state, hours ago it was filed).
DEMO_STATES = [
    ("open", 3),
    ("claimed", 20),
    ("in_progress", 26),
    ("awaiting_confirmation", 30),
    ("sent_back", 50),
    ("closed", 75),
]


@dataclass
class RequestPlan:
    key: str
    filed_at: datetime.datetime
    community: str
    fate: str
    rng: random.Random
    # The demo community's requests happen within hours, so each reaches its state by now.
    quick: bool = False

    def gap(self, low_hours: float, high_hours: float) -> datetime.timedelta:
        if self.quick:
            return datetime.timedelta(hours=1)
        return datetime.timedelta(hours=self.rng.uniform(low_hours, high_hours))


class TimeBankHistory(History):
    key_prefix = KEY_PREFIX

    def __init__(self, **history):
        super().__init__(**history)
        self._requesters_by_community: dict[str, list[Resident]] = {}
        self.persona = self.residents.personas.get(Role.VOLUNTEER)
        self.communities = {
            p.code: p
            for p in Place.objects.filter(
                level=Level.COMMUNITY, code__startswith=self.plan.district.code
            )
        }
        self.categories = {
            c.code: c
            for c in CaseCategory.objects.filter(
                case_type__code=TIMEBANK_CODE, parent__isnull=False, is_active=True
            )
        }

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            members = self._members()
            self._family_links(members)
        if not self.categories:
            return 0, 0
        self._pools()
        created, existing = self.load(
            self.plans(members), lambda request: self._file(request, members)
        )
        if created:
            sla.sla_sweep(self.now)
        return created, existing

    # -- members -------------------------------------------------------------------------------
    def _members(self) -> dict[str, list[Resident]]:
        """The members by community code, written if missing."""
        today = timezone.localdate(self.now)
        demo = self.plan.communities[0].code
        chosen: dict[str, list[Resident]] = {}
        for code in self.communities:
            everyone = [
                r for r in self.residents.by_community.get(code, []) if r.age_on(today) >= 60
            ]
            elders = [r for r in everyone if r.user_id is not None]
            # One elder in twenty of all, drawn from those with a log-in (members claim online).
            share = MEMBER_SHARE * len(everyone) / max(len(elders), 1)
            picked = [
                r
                for r in elders
                if random.Random(f"{self.seed}:timebank:{r.phone}").random() < share
            ]
            if code == demo:
                # The demo volunteer and her neighbours, whatever the scale.
                rest = [r for r in elders if r not in picked and r is not self.persona]
                picked += rest[: max(0, DEMO_COMMUNITY_MEMBERS - len(picked))]
                if self.persona is not None and self.persona not in picked:
                    picked.insert(0, self.persona)
            chosen[code] = sorted(picked, key=lambda r: r.person_id)
        existing = set(TimeBankMember.objects.values_list("person_id", flat=True))
        new = [r for people in chosen.values() for r in people if r.person_id not in existing]
        homes = {
            pk: (lat, lon)
            for pk, lat, lon in Person.objects.filter(
                pk__in=[r.person_id for r in new]
            ).values_list("pk", "building__lat", "building__lon")
        }
        rows, skills = [], []
        for resident in new:
            rng = random.Random(f"{self.seed}:member:{resident.phone}")
            community = self.communities[resident.community_code]
            lat, lon = homes.get(resident.person_id, (None, None))
            if lat is None:
                lat, lon = community.centroid_lat, community.centroid_lon
            joined = self.now - datetime.timedelta(days=rng.uniform(DAYS + 30, 700))
            stamp = datetime_value(joined.replace(microsecond=0))
            rows.append(
                (
                    resident.person_id,
                    community.pk,
                    community.path,
                    lat + rng.uniform(-8, 8) / METRES_PER_DEGREE,
                    lon + rng.uniform(-8, 8) / METRES_PER_DEGREE,
                    True,
                    stamp,
                    stamp,
                    stamp,
                )
            )
            offered = rng.sample(sorted(self.categories), rng.randint(0, 3))
            skills.append((resident.person_id, offered))
        RowWriter(
            TimeBankMember,
            [
                "person_id",
                "community_id",
                "community_path",
                "lat",
                "lon",
                "available",
                "joined_at",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        ids = dict(
            TimeBankMember.objects.filter(person_id__in=[r.person_id for r in new]).values_list(
                "person_id", "pk"
            )
        )
        RowWriter(TimeBankMember.skills.through, ["timebankmember_id", "casecategory_id"]).insert(
            (ids[person_id], self.categories[code].pk)
            for person_id, codes in skills
            for code in codes
        )
        return chosen

    def _family_links(self, members: dict[str, list[Resident]]):
        """One member in ten registers an elder of 80 or more in the community as family."""
        today = timezone.localdate(self.now)
        ids = dict(TimeBankMember.objects.values_list("person_id", "pk"))
        linked = set(FamilyLink.objects.values_list("member_id", flat=True))
        rows = []
        for code, people in members.items():
            old = [r for r in self.residents.by_community.get(code, []) if r.age_on(today) >= 80]
            for resident in people:
                rng = random.Random(f"{self.seed}:family:{resident.phone}")
                if ids[resident.person_id] in linked or not old or rng.random() >= 0.1:
                    continue
                relative = rng.choice(old)
                relation = "母亲" if "elder" in relative.tags else "亲属"
                rows.append(
                    (
                        ids[resident.person_id],
                        relative.person_id,
                        relation,
                        datetime_value(self.now),
                    )
                )
        RowWriter(FamilyLink, ["member_id", "relative_id", "relation", "created_at"]).insert(rows)

    # -- pools ---------------------------------------------------------------------------------
    def _pools(self):
        """Each community's pool funded by its staff, before the three months began."""
        moment = self.now - datetime.timedelta(days=DAYS + 10)
        funded = set(
            Transfer.objects.filter(
                idempotency_key__startswith="pool-funding:demo-pool-"
            ).values_list("idempotency_key", flat=True)
        )
        for code, community in self.communities.items():
            staff = self.residents.staff.get(code)
            if not staff or f"pool-funding:demo-pool-{code}" in funded:
                continue
            with transaction.atomic(), demo_clock(moment):
                timebank.pool_fund(
                    actor=self.user(staff[0].user_id),
                    community=community,
                    minutes=POOL_MINUTES,
                    token=f"demo-pool-{code}",
                    memo="时间银行互助池年度注入",
                )

    # -- requests ------------------------------------------------------------------------------
    def plans(self, members) -> list[RequestPlan]:
        served = [code for code, people in members.items() if len(people) >= 2]
        if not served:
            return []
        rng = random.Random(f"{self.seed}:timebank")
        fates, weights = zip(*FATES, strict=True)
        plans = []
        for index in range(self.count):
            filed = self.now - datetime.timedelta(days=rng.uniform(0.2, DAYS))
            plans.append(
                RequestPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    filed_at=_daytime(filed, rng),
                    community=rng.choice(served),
                    fate=rng.choices(fates, weights)[0],
                    rng=random.Random(f"{self.seed}:timebank:{index}"),
                )
            )
        demo = self.plan.communities[0].code
        for state, hours in DEMO_STATES:
            plans.append(
                RequestPlan(
                    key=f"{KEY_PREFIX}{state.replace('_', '-')}",
                    filed_at=self.now - datetime.timedelta(hours=hours),
                    community=demo,
                    fate=state,
                    rng=random.Random(f"{self.seed}:timebank:{state}"),
                    quick=True,
                )
            )
        return sorted(plans, key=lambda p: (p.filed_at, p.key))

    def _requesters(self, community: str, helpers: list[Resident]) -> list[Resident]:
        """The community's residents of 70 and over who are not its helpers (once per community:
        at scale 10 a community has thousands of residents)."""
        cached = self._requesters_by_community.get(community)
        if cached is None:
            today = timezone.localdate(self.now)
            helper_ids = {h.person_id for h in helpers}
            cached = [
                r
                for r in self.residents.by_community.get(community, [])
                if r.person_id not in helper_ids and r.age_on(today) >= 70
            ]
            self._requesters_by_community[community] = cached
        return cached

    def _file(self, request: RequestPlan, members) -> bool:
        rng = request.rng
        helpers = members[request.community]
        requesters = self._requesters(request.community, helpers)
        if not requesters:
            return False
        requester = rng.choice(requesters)
        person = Person.objects.select_related("home_place", "building").get(pk=requester.person_id)
        staff = self.residents.staff[request.community][0]
        filer = self.user(requester.user_id if requester.user_id else staff.user_id)
        code = rng.choice(sorted(self.categories))
        asks, done = NEEDS.get(code, NEEDS["0106"])
        case = self.file(
            request.filed_at,
            timebank.help_request_submit,
            actor=filer,
            requester=person,
            category=self.categories[code],
            description=rng.choice(asks),
            idempotency_key=request.key,
        )
        if case is None:
            return False
        if request.fate in ("open", "stalled_open"):
            return True
        helper = self._helper(helpers, request)
        t = request.filed_at + request.gap(0.3, 8)
        if not self.at(t, cases.case_claim, case=case, actor=self.user(helper.user_id)):
            return True
        if request.fate in ("claimed", "stalled_claimed"):
            return True
        confirmer = self.user(requester.user_id if requester.user_id else staff.user_id)
        visits = 2 if request.fate == "sent_back" else 1
        for visit in range(visits):
            t = t + request.gap(2, 30)
            if not request.quick:
                t = _next_daytime(t, rng)
            if request.fate == "in_progress":
                t = self.now - datetime.timedelta(minutes=40)
            elif request.fate == "awaiting_confirmation":
                t = self.now - datetime.timedelta(hours=7)
            if not self.at(
                t,
                cases.case_start,
                case=case,
                actor=self.user(helper.user_id),
                **self._on_site(case, rng),
            ):
                return True
            if request.fate == "in_progress":
                return True
            t += datetime.timedelta(minutes=rng.randint(40, 100))
            note = done if visit == 0 else "已再次上门，问题解决"
            if not self.at(
                t,
                cases.case_report_back,
                case=case,
                actor=self.user(helper.user_id),
                note=note,
                **self._on_site(case, rng),
            ):
                return True
            if request.fate == "awaiting_confirmation":
                return True
            t += request.gap(1, 20)
            if visit < visits - 1:
                if not self.at(
                    t,
                    cases.case_reopen,
                    case=case,
                    actor=confirmer,
                    reason="还没有弄好，请再来一次",
                ):
                    return True
                if request.key.endswith("sent-back"):
                    return True  # the demo community's request stays sent back
        # Should the pool have run dry, the request stays awaiting confirmation.
        with contextlib.suppress(DomainError):
            self.at(t, cases.case_verify_close, case=case, actor=confirmer, note="谢谢热心的邻居")
        return True

    def _helper(self, helpers: list[Resident], request: RequestPlan) -> Resident:
        """A member who takes it on: in the demo community, the demo volunteer often."""
        if self.persona in helpers and (request.fate == "claimed" or request.rng.random() < 0.4):
            return self.persona
        others = [h for h in helpers if h is not self.persona] or helpers
        return request.rng.choice(others)

    def _on_site(self, case: Case, rng: random.Random) -> dict:
        return {
            "lat": case.lat + rng.uniform(-30, 30) / METRES_PER_DEGREE,
            "lon": case.lon + rng.uniform(-30, 30) / METRES_PER_DEGREE,
        }


def _daytime(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """The same day between 8:00 and 18:00, local time."""
    local = timezone.localtime(moment)
    return local.replace(hour=rng.randint(8, 17), minute=rng.randrange(60), second=0, microsecond=0)


def _next_daytime(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """`moment`, or if it falls outside 8:00–18:00 the next morning's 8 to 10 o'clock."""
    local = timezone.localtime(moment)
    if 8 <= local.hour < 18:
        return local
    day = local.date() + datetime.timedelta(days=1 if local.hour >= 18 else 0)
    start = datetime.datetime.combine(day, datetime.time(8), tzinfo=local.tzinfo)
    return start + datetime.timedelta(minutes=rng.randrange(120))


def help_requests_for_scale(scale: float) -> int:
    return round(REQUESTS_PER_SCALE * history_scale(scale))
