"""The demo's counter visits (窗口服务): a year of residents served at their community's
counter and recorded there (egov.services.counter_visit_record) as of the moment it happened —
a question about an item answered, its materials explained, a form handed over — about half
of them rated by the resident within days. Counter staff are rated well here; the 差评 and
their rectifications are the petitions' and applications' (demo.petitions, demo.applications).

Idempotent: visits by their case's idempotency key (`counter-demo-<n>`).
"""

import datetime
import random
from dataclasses import dataclass

from meihao.cases import services as case_services
from meihao.catalogue.models import ServiceItem
from meihao.core.roles import Role
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.egov import services as egov
from meihao.people.models import Person
from meihao.places.models import community_path

KEY_PREFIX = "counter-demo-"
DAYS = 365
# What the counter did, beyond filing an application.
NOTES = (
    "讲解了申请条件和所需材料，居民准备齐全后再来办理。",
    "发放申请表并指导填写。",
    "查询了办理进度并当面告知。",
    "解答了办理地点和时间，告知可在网上申请。",
    "核对材料后告知还缺少的证明，已列出清单。",
)
RATE_SHARE = 0.5
SCORES = {5: 70, 4: 24, 3: 6}


@dataclass
class VisitPlan:
    key: str
    at: datetime.datetime
    community: str
    rng: random.Random


class CounterVisitHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.COMMUNITY_STAFF,)

    def __init__(self, **history):
        super().__init__(**history)
        self.items = list(ServiceItem.objects.published().order_by("code"))
        self.people: dict[int, Person] = {}

    def run(self) -> tuple[int, int]:
        if not self.items:
            return 0, 0
        return self.load(self.plans(), self._visit)

    def plans(self) -> list[VisitPlan]:
        rng = random.Random(f"{self.seed}:counter")
        communities = [c.code for c in self.plan.communities if self.residents.with_login(c.code)]
        plans = [
            VisitPlan(
                key=f"{KEY_PREFIX}{index:05d}",
                at=filed_while_awake(self.now - datetime.timedelta(days=rng.uniform(1, DAYS)), rng),
                community=rng.choice(communities),
                rng=random.Random(f"{self.seed}:counter:{index}"),
            )
            for index in range(self.count if communities else 0)
        ]
        return sorted((p for p in plans if p.at < self.now), key=lambda p: (p.at, p.key))

    def _visit(self, plan: VisitPlan) -> bool:
        rng = plan.rng
        resident = rng.choice(self.residents.with_login(plan.community))
        staff = self.holder(Role.COMMUNITY_STAFF, community_path(resident.path), rng)
        if staff is None:
            return False
        if resident.person_id not in self.people:
            self.people[resident.person_id] = Person.objects.get(pk=resident.person_id)
        case = self.file(
            plan.at,
            egov.counter_visit_record,
            actor=staff,
            item=rng.choice(self.items),
            visitor=self.people[resident.person_id],
            note=rng.choice(NOTES),
            idempotency_key=plan.key,
        )
        if case is None:
            return False
        if rng.random() < RATE_SHARE:
            score = rng.choices(list(SCORES), list(SCORES.values()))[0]
            self.at(
                Timeline(plan.at, rng).later(1, 72),
                case_services.case_rate,
                case=case,
                actor=self.user(resident),
                score=score,
            )
        return True
