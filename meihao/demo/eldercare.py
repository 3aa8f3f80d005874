"""The demo's elders in the community's care (云家庭): every resident of 80 or more and a share of
those from 60, registered by their community's staff with how they live, a few emergency
contacts and, for some, a son or daughter with a log-in who acts for them; most assessed once in
the past year (eldercare.services.assessment_record), and some assessed again since. Those
living alone at 80 or more have this week's visit (探访关爱) waiting to be claimed.

The abilities follow age: the older, the lower the score, with a few in a coma or with dementia
so that the overrides show. Idempotent: an elder is registered once, and assessed only if not
assessed before.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from meihao.core.roles import Role
from meihao.demo.plan import Plan
from meihao.demo.residents import Residents
from meihao.eldercare import scoring, services
from meihao.eldercare.models import Elder
from meihao.eldercare.visits import visits_schedule
from meihao.people.models import Person, RoleAssignment, User

VISITED_AGE = 80
YOUNGER_SHARE = 0.35  # of residents aged 60 to 79, the share the community cares for
LIVING = {80: (("alone", 35), ("empty_nest", 30), ("with_family", 35))}
LIVING_YOUNGER = (("alone", 15), ("empty_nest", 45), ("with_family", 40))
LOW_INCOME_SHARE = 0.12
FAMILY_SHARE = 0.25
ASSESSED_SHARE = 0.8
REASSESSED_SHARE = 0.2
RELATIONS = ("女儿", "儿子", "儿媳", "女婿", "孙女", "孙子")
NOTES = (
    "高血压，每日服药。",
    "糖尿病，饮食需控制。",
    "膝关节退变，行走需拐杖。",
    "轻度听力下降，说话需大声。",
    "冠心病，备有速效救心丸。",
    "",
    "",
)


class ElderHistory:
    def __init__(self, *, plan: Plan, residents: Residents, seed: int, now=None):
        self.plan = plan
        self.residents = residents
        self.seed = seed
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.staff: dict[str, list[int]] = {}
        for path, user_id in RoleAssignment.objects.filter(
            role=Role.COMMUNITY_STAFF, user__is_active=True
        ).values_list("place__path", "user_id"):
            self.staff.setdefault(path, []).append(user_id)
        self.users: dict[int, User] = {}
        self.elder_persona = residents.accounts.get("elder")

    def _user(self, pk: int) -> User:
        if pk not in self.users:
            self.users[pk] = User.objects.get(pk=pk)
        return self.users[pk]

    def run(self) -> tuple[int, int]:
        registered = set(Elder.objects.values_list("person_id", flat=True))
        created = existing = 0
        for resident in sorted(self.residents.by_id.values(), key=lambda r: r.person_id):
            if resident.born is None:
                continue
            age = resident.age_on(self.today)
            rng = random.Random(f"{self.seed}:elder:{resident.person_id}")
            if age < 60 or (age < VISITED_AGE and rng.random() >= YOUNGER_SHARE):
                continue
            if resident.person_id in registered:
                existing += 1
                continue
            community = resident.path.rsplit("/", 2)[0] + "/"
            staff = self.staff.get(community)
            if not staff:
                continue
            actor = self._user(rng.choice(sorted(staff)))
            with transaction.atomic():
                if resident is self.elder_persona:
                    self._persona(resident, age, actor, rng)
                    created += 1
                    continue
                elder = self._register(resident, age, actor, rng)
                if rng.random() < FAMILY_SHARE:
                    self._family(elder, resident, actor, rng)
                if rng.random() < ASSESSED_SHARE:
                    self._assess(elder, age, actor, rng)
            created += 1
        # This week's visits to those living alone at 80 or more, for the squads to claim.
        visits_schedule(today=self.today)
        return created, existing

    def _persona(self, resident, age, actor, rng) -> None:
        """The demo elder (demo.accounts): 82, living alone on a low income, assessed, her
        daughter's log-in acting for her, large text on her phone."""
        elder = self._register(resident, age, actor, rng, living="alone", low_income=True)
        # Mildly impaired (轻度), no diagnosis or falls: the low-income subsidy is hers,
        # vouchers paying half.
        findings = self._findings(services.scale_current().definition, age, rng, loss=6)
        findings.update(conditions=[], risk_events=0)
        services.assessment_record(
            actor=actor,
            elder=elder,
            reason="first",
            assessed_on=self.today - datetime.timedelta(days=90),
            **findings,
        )
        daughter = self.residents.accounts.get("family")
        if daughter is not None:
            services.family_link_record(
                actor=actor, elder=elder, phone=daughter.phone, relation="女儿"
            )
        User.objects.filter(pk=resident.user_id).update(large_text=True)

    def _register(self, resident, age, actor, rng, living=None, low_income=None) -> Elder:
        shares = LIVING[80] if age >= VISITED_AGE else LIVING_YOUNGER
        drawn = rng.choices([v for v, _w in shares], [w for _v, w in shares])[0]
        living = living or drawn
        contacts = [
            {
                "name": f"{resident.name[0]}{rng.choice('小晓建志丽红')}{rng.choice('华英明芳军')}",
                "relation": rng.choice(RELATIONS),
                "phone": f"139{rng.randrange(10**8):08d}",
            }
        ]
        return services.elder_register(
            actor=actor,
            person=Person.objects.get(pk=resident.person_id),
            living=living,
            low_income=(rng.random() < LOW_INCOME_SHARE) if low_income is None else low_income,
            health_notes=rng.choice(NOTES),
            contacts=contacts,
            today=self.today,
        )

    def _family(self, elder, resident, actor, rng) -> None:
        """A younger resident of the same community with a log-in, as a son or daughter."""
        younger = [
            r
            for r in self.residents.with_login(resident.community_code)
            if r.born and r.age_on(self.today) < 55 and r.person_id != resident.person_id
        ]
        if not younger:
            return
        member = rng.choice(younger)
        if Elder.objects.filter(family__user_id=member.user_id).exists():
            return
        services.family_link_record(
            actor=actor, elder=elder, phone=member.phone, relation=rng.choice(RELATIONS[:4])
        )

    def _assess(self, elder, age, actor, rng) -> None:
        definition = services.scale_current().definition
        first_on = self.today - datetime.timedelta(days=rng.randrange(30, 365))
        services.assessment_record(
            actor=actor,
            elder=elder,
            reason="first",
            assessed_on=first_on,
            **self._findings(definition, age, rng),
        )
        if rng.random() < REASSESSED_SHARE:
            services.assessment_record(
                actor=actor,
                elder=elder,
                reason=rng.choice(["routine", "immediate"]),
                assessed_on=first_on + datetime.timedelta(days=rng.randrange(1, 30)),
                **self._findings(definition, age + 1, rng),
            )

    @staticmethod
    def _findings(definition, age, rng, loss=None) -> dict:
        """Answers whose total falls with age (or by `loss` points), each item lowered at
        random; a few elders with dementia, falls or (rarely) in a coma."""
        items = scoring.items_of(definition)
        answers = {item["code"]: max(o["score"] for o in item["options"]) for item in items}
        drawn = max(0, int(rng.gauss((age - 62) * 1.6, 12)))
        loss = drawn if loss is None else loss
        for _ in range(min(loss, scoring.maximum(definition))):
            item = rng.choice(items)
            scores = sorted(o["score"] for o in item["options"])
            lower = [s for s in scores if s < answers[item["code"]]]
            if lower:
                answers[item["code"]] = lower[-1]
        conditions = []
        if age >= 75 and rng.random() < 0.08:
            conditions.append("dementia")
        if loss > 60 and rng.random() < 0.05:
            conditions.append("coma")
        risk_events = rng.choices([0, 1, 2, 3], [80, 12, 6, 2])[0]
        return {"answers": answers, "conditions": conditions, "risk_events": risk_events}
