"""The demo's home care (云家庭 居家养老上门服务): 730 providers of every kind over the district,
their staff with skills and certificates, the district's voucher policies, and a year of orders
in every state.

Providers: the four care organisations of the population (district-wide, their care-provider
staff from the population), six more district-wide organisations, and in each of the 30
communities an elders' canteen, a party members' volunteer squad and 22 merchants and care
points (cleaning, meals, nursing, escorts to the doctor, rehabilitation, day care, bathing,
neighbourhood squads), at a building of the community, serving it. Their staff are residents
of the community with a log-in, aged 22 to 59; a certificate for each skill that needs one,
a few expired or about to.

Orders are placed, taken, served and confirmed through home care's own services as of the
moment each step happened (`demo_clock`): by the elder, a family member or community staff;
taken from the offers (抢单) or assigned (指派); checked in and out at the elder's door, some
late; confirmed and mostly rated; a few cancelled. Each month's allowance is granted when the
elder first orders in it, and community staff record a top-up when the elder's own money runs
short. Orders whose steps are still to come stay where they are: the last days' orders are
waiting, taken, being served or to be confirmed. The demo elder (demo.accounts) has her own
orders — one to confirm, one tomorrow — and the demo care worker has orders to serve.

Idempotent: organisations and providers by name, staff by person, orders by their case's
idempotency key (`care-demo-<n>`).
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.care import services as care
from meihao.care.eligibility import certified, staff_overlapping
from meihao.care.models import (
    CERTIFICATES_FOR_SKILL,
    CareOffer,
    CareOrder,
    CareService,
    Certificate,
    Provider,
    ProviderStaff,
    Settlement,
    Skill,
    VoucherPolicy,
)
from meihao.care.vouchers import allowance_grant, allowances_grant, wallet_balance
from meihao.cases.models import Case
from meihao.cases.services import case_claim, case_rate, case_report_back, case_verify_close
from meihao.core.errors import DomainError
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.cases import demo_clock
from meihao.demo.history import History, while_awake
from meihao.demo.plan import history_scale
from meihao.eldercare.models import Elder, FamilyLink
from meihao.people.models import Organisation, Person, RoleAssignment
from meihao.places.models import Building, Level, Place

KEY_PREFIX = "care-demo-"
PROVIDERS = 730
ORDERS_PER_SCALE = 360  # a year; the real district's 5,704 a month are its 20,000 elders'
DAYS = 365
METRES_PER_DEGREE = 111_320

# Each community's own: (name suffix, provider kind, organisation kind, services, hours, on call)
CANTEEN = ("长者食堂", "merchant", "merchant", ("MEAL-01", "MEAL-02"), (7, 20), False)
SQUAD = (
    "党员志愿服务队",
    "squad",
    "social_organisation",
    ("VISIT-01", "WALK-01", "EMERG-01"),
    (8, 20),
    True,
)
SOCIAL = "social_organisation"
POINTS = [
    ("家政服务部", "merchant", "merchant", ("CLEAN-01", "CLEAN-02"), (8, 19), False),
    ("快餐助餐点", "merchant", "merchant", ("MEAL-01", "MEAL-02"), (9, 20), False),
    ("护理站", "organisation", SOCIAL, ("NURS-01", "NURS-02", "MED-02"), (8, 18), False),
    ("陪诊服务社", "organisation", SOCIAL, ("MED-01", "WALK-01"), (7, 18), False),
    ("康复理疗馆", "merchant", "merchant", ("NURS-01",), (9, 20), False),
    ("日间照料中心", "organisation", SOCIAL, ("DAY-01", "MEAL-01", "VISIT-01"), (7, 19), False),
    ("助浴服务点", "organisation", SOCIAL, ("BATH-01",), (9, 18), False),
    ("邻里互助队", "squad", SOCIAL, ("VISIT-01", "WALK-01", "CLEAN-02"), (8, 20), True),
]
POINTS_PER_COMMUNITY = 22
ORDINALS = "一二三四五六七八九十"
DISTRICT_WIDE = [
    ("梧州市颐养居家护理有限公司", ("NURS-01", "NURS-02", "MED-02", "BATH-01", "EMERG-01")),
    ("万秀区康乐助浴服务中心", ("BATH-01", "CLEAN-02")),
    ("梧州市安心陪诊服务社", ("MED-01", "WALK-01")),
    ("万秀区金秋日间照料中心", ("DAY-01", "MEAL-01", "VISIT-01")),
    ("梧州市家福家政服务有限公司", ("CLEAN-01", "CLEAN-02")),
    ("万秀区红十字应急救护队", ("EMERG-01", "VISIT-01")),
]
ALL_CARE = ("CLEAN-01", "CLEAN-02", "BATH-01", "WALK-01", "EMERG-01", "MED-01", "MED-02",
            "NURS-01", "NURS-02", "VISIT-01", "DAY-01")  # fmt: skip

POLICIES = [
    # (name, from level, low income, monthly cents, share %)
    ("重度失能老人护理补贴", 3, False, 30000, 80),
    ("失能老人居家养老服务补贴", 2, False, 20000, 60),
    ("低保老人养老服务补贴", None, True, 10000, 50),
]
# What elders order (codes and weights); one-tap help comes on its own.
ORDERED = [
    ("MEAL-01", 24), ("MEAL-02", 18), ("CLEAN-01", 10), ("CLEAN-02", 5), ("VISIT-01", 8),
    ("WALK-01", 5), ("MED-01", 6), ("MED-02", 8), ("NURS-01", 5), ("NURS-02", 2),
    ("BATH-01", 5), ("DAY-01", 4),
]  # fmt: skip
HELP_SHARE = 0.015
CANCEL_SHARE = 0.04
ASSIGNED_SHARE = 0.2
RATED_SHARE = 0.7
SCORES = ((5, 60), (4, 25), (3, 10), (2, 4), (1, 1))
# Of the orders taken, the share whose provider never comes (the elder cancels after waiting
# 45 minutes and complains); of those served late (20 minutes or more) or rated poorly, the
# shares that complain.
NO_SHOW_SHARE = 0.02
LATE_COMPLAINT_SHARE = 0.05
POOR_COMPLAINT_SHARE = 0.5
COMPLAINT_ANSWERS = (
    "已约谈服务商负责人，服务人员已向老人道歉，下次服务提前出发。",
    "已核实情况，服务商退还本次费用并调整服务人员。",
    "已电话回访老人和家属，服务商承诺整改，社区将跟踪下月服务。",
)


@dataclass
class OrderPlan:
    key: str
    ordered_at: datetime.datetime
    starts_at: datetime.datetime
    code: str
    rng: random.Random
    fate: str = ""  # "", "cancelled", "help", or a persona's: "to_confirm", "tomorrow"


class CareHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.STREET_CHIEF,)

    def __init__(self, **history):
        super().__init__(**history)
        self.today = timezone.localdate(self.now)
        self.district = Place.objects.get(code=self.plan.district.code)
        self.admin = self.user(
            RoleAssignment.objects.filter(role=Role.DISTRICT_ADMIN, place=self.district)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .first()
        )
        self.services = {s.code: s for s in CareService.objects.all()}
        self.elder_persona = self.residents.accounts.get("elder")
        self.care_persona = self.residents.personas.get(Role.CARE_PROVIDER)

    def run(self) -> tuple[int, int]:
        elders = self._elders()
        with transaction.atomic():
            self._policies()
            # A district without orders to load (the benchmarks' bare district) has no
            # providers either.
            made = self._providers() if elders and self.count else 0
        if not elders:
            return made, 0
        created, existing = self.load(self.plans(elders), lambda plan: self._order(plan, elders))
        with demo_clock(self.now):
            allowances_grant(today=self.today)
        self._settle()
        return made + created, existing

    # -- settlement -----------------------------------------------------------------------------
    def _settle(self) -> None:
        """Settle every provider's ended months in the first days of the month after: the
        sample drawn by the street chief, the call-backs recorded by the community (now and then
        a discrepancy, refunded), then settled. Last month's are still being checked for a
        third of the providers."""
        this_month = self.today.replace(day=1)
        last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
        months = (
            CareOrder.objects.filter(paid_at__isnull=False, month__lt=this_month)
            .values_list("provider_id", "month")
            .distinct()
            .order_by("month", "provider_id")
        )
        providers = Provider.objects.select_related("organisation").in_bulk(
            {pk for pk, _month in months}
        )
        for provider_id, month in months:
            provider = providers[provider_id]
            rng = random.Random(f"{self.seed}:care:settle:{provider_id}:{month}")
            with transaction.atomic():
                self._settle_month(provider, month, last_month, rng)

    def _settle_month(self, provider, month, last_month, rng) -> None:
        settlement = care.settlement_open(provider=provider, month=month)
        if settlement.status == Settlement.Status.SETTLED:
            return
        # Drawn first, so that a second seeding (which finds the call-backs recorded) decides
        # alike.
        still_checking = month == last_month and rng.random() < 1 / 3
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        moment = _local(following, 10, 0) + datetime.timedelta(days=rng.randrange(0, 3))
        community = provider.place_path
        chief = self.street_chief(community, rng)
        if chief is None:
            return
        checks = self._at(moment, care.sample_draw, actor=chief, settlement=settlement) or []
        for check in checks:
            if check.finding != "pending":
                continue
            finding = rng.choices(("confirmed", "unreachable", "discrepancy"), (90, 7, 3))[0]
            note = {
                "confirmed": "老人确认已服务",
                "unreachable": "电话无人接听",
                "discrepancy": "老人说当天没有上门",
            }[finding]
            staff = self._community_staff(check.order.elder, rng)
            called = moment + datetime.timedelta(hours=rng.uniform(1, 30))
            self._at(
                called, care.sample_record, actor=staff, check=check, finding=finding, note=note
            )
            if finding == "discrepancy":
                self._at(
                    called,
                    care.order_refund,
                    actor=staff,
                    order=check.order,
                    reason="回访核实未上门服务，退回费用",
                )
        if still_checking:
            return
        self._at(
            moment + datetime.timedelta(days=2),
            care.settlement_settle,
            actor=chief,
            settlement=settlement,
        )

    # -- configuration --------------------------------------------------------------------------
    def _policies(self) -> None:
        for name, level, low_income, cents, share in POLICIES:
            VoucherPolicy.objects.get_or_create(
                name=name,
                defaults={
                    "min_level": level,
                    "for_low_income": low_income,
                    "monthly_cents": cents,
                    "share_percent": share,
                },
            )

    # -- providers ------------------------------------------------------------------------------
    def _providers(self) -> int:
        if Provider.objects.filter(organisation__is_demo=True).count() >= PROVIDERS:
            return 0
        rng = random.Random(f"{self.seed}:care:providers")
        communities = {
            p.code: p
            for p in Place.objects.filter(
                level=Level.COMMUNITY, code__startswith=self.district.code
            )
        }
        buildings: dict[str, list[tuple[float, float, str]]] = {}
        for path, lat, lon, address in Building.objects.filter(
            place_path__startswith=self.district.path, lat__isnull=False
        ).values_list("place_path", "lat", "lon", "address"):
            buildings.setdefault(path.rsplit("/", 2)[0] + "/", []).append((lat, lon, address))
        specs = []
        first = self.plan.communities[0].code
        for name in data.CARE_ORGANISATIONS:
            # The demo care worker's organisation stands in the demo community.
            where = first if name == data.CARE_ORGANISATIONS[0] else rng.choice(sorted(communities))
            specs.append((name, "organisation", None, ALL_CARE, (7, 21), True, where, True))
        for name, codes in DISTRICT_WIDE:
            where = rng.choice(sorted(communities))
            specs.append(
                (name, "organisation", "social_organisation", codes, (8, 20), True, where, True)
            )
        for code, community in sorted(communities.items()):
            own = [CANTEEN, SQUAD]
            counts: dict[str, int] = {}
            for k in range(POINTS_PER_COMMUNITY):
                point = POINTS[(k + int(code[-3:])) % len(POINTS)]
                counts[point[0]] = counts.get(point[0], 0) + 1
                n = counts[point[0]]
                suffix = point[0] if n == 1 else f"第{ORDINALS[n - 1]}{point[0]}"
                own.append((suffix, *point[1:]))
            for suffix, kind, org_kind, codes, hours, on_call in own:
                name = f"{community.name}{suffix}"
                specs.append((name, kind, org_kind, codes, hours, on_call, code, False))
        made = 0
        for name, kind, org_kind, codes, hours, on_call, where, district_wide in specs[:PROVIDERS]:
            community = communities[where]
            organisation = Organisation.objects.filter(name=name).first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=name,
                    kind=org_kind,
                    place=community,
                    place_path=community.path,
                    is_demo=True,
                )
            if Provider.objects.filter(organisation=organisation).exists():
                continue
            lat, lon, address = rng.choice(buildings[community.path])
            provider = care.provider_register(
                actor=self.admin,
                organisation=organisation,
                kind=kind,
                lat=lat + rng.uniform(-40, 40) / METRES_PER_DEGREE,
                lon=lon + rng.uniform(-40, 40) / METRES_PER_DEGREE,
                address=address,
                services=[self.services[c] for c in codes],
                areas=[self.district] if district_wide else [community],
                opens_at=datetime.time(hours[0]),
                closes_at=datetime.time(hours[1]),
                on_call=on_call,
            )
            self._staff(provider, community.code, codes, rng)
            made += 1
        return made

    def _staff(self, provider: Provider, community_code: str, codes, rng) -> None:
        skills = sorted({self.services[c].skill for c in codes if self.services[c].skill})
        people = list(
            RoleAssignment.objects.filter(
                role=Role.CARE_PROVIDER, organisation=provider.organisation
            ).values_list("user__person", flat=True)
        )
        if not people:
            candidates = [
                r
                for r in self.residents.with_login(community_code)
                if r.born and 22 <= r.age_on(self.today) < 60 and not r.phone.startswith("1390000")
            ]
            taken = set(ProviderStaff.objects.values_list("person_id", flat=True))
            candidates = [r for r in candidates if r.person_id not in taken]
            people = [
                r.person_id
                for r in rng.sample(candidates, min(len(candidates), rng.choice((1, 2, 2, 3))))
            ]
        for person_id in people:
            staff = care.staff_add(
                actor=self.admin,
                provider=provider,
                person=Person.objects.get(pk=person_id),
                skills=skills,
            )
            for skill in skills:
                kinds = sorted(CERTIFICATES_FOR_SKILL.get(Skill(skill), ()))
                if not kinds or staff.certificates.filter(kind__in=kinds).exists():
                    continue
                # Most in date for years; a few expired or running out this month.
                days = rng.choices(
                    [rng.randrange(200, 1100), -rng.randrange(1, 60), rng.randrange(1, 30)],
                    [90, 4, 6],
                )[0]
                Certificate.objects.create(
                    staff=staff,
                    kind=kinds[0],
                    number=f"{kinds[0][:2].upper()}{rng.randrange(10**8):08d}",
                    expires_on=self.today + datetime.timedelta(days=days),
                )

    # -- orders ---------------------------------------------------------------------------------
    def _elders(self) -> list[Elder]:
        return list(
            Elder.objects.filter(person__building__lat__isnull=False)
            .select_related("person__home_place", "person__building", "person__user")
            .order_by("pk")
        )

    def plans(self, elders) -> list[OrderPlan]:
        count = self.count
        plans = []
        codes = [c for c, _w in ORDERED]
        weights = [w for _c, w in ORDERED]
        for n in range(count):
            rng = random.Random(f"{self.seed}:care:{n}")
            ordered_at = while_awake(
                self.now - datetime.timedelta(days=DAYS * (1 - (n + rng.random()) / count)), rng
            )
            if rng.random() < HELP_SHARE:
                plans.append(
                    OrderPlan(f"{KEY_PREFIX}{n}", ordered_at, ordered_at, "EMERG-01", rng, "help")
                )
                continue
            code = rng.choices(codes, weights)[0]
            plans.append(
                OrderPlan(
                    f"{KEY_PREFIX}{n}",
                    ordered_at,
                    _slot(ordered_at, code, rng),
                    code,
                    rng,
                    "cancelled" if rng.random() < CANCEL_SHARE else "",
                )
            )
        # The demo elder's own: one served and waiting for her (or her daughter) to confirm,
        # one for tomorrow's lunch, taken.
        rng = random.Random(f"{self.seed}:care:persona")
        yesterday = self.today - datetime.timedelta(days=1)
        plans.append(
            OrderPlan(
                f"{KEY_PREFIX}elder-confirm",
                _local(yesterday, 8, 0),
                _local(yesterday, 11, 30),
                "MEAL-02",
                rng,
                "to_confirm",
            )
        )
        plans.append(
            OrderPlan(
                f"{KEY_PREFIX}elder-tomorrow",
                self.now - datetime.timedelta(hours=3),
                _local(self.today + datetime.timedelta(days=1), 11, 30),
                "MEAL-01",
                rng,
                "tomorrow",
            )
        )
        # Her past: a few meals and a cleaning, served, confirmed and paid.
        for k, days in enumerate((40, 26, 12, 5)):
            ordered = _local(self.today - datetime.timedelta(days=days), 9, 0)
            code = "CLEAN-01" if k == 1 else "MEAL-02"
            plans.append(
                OrderPlan(
                    f"{KEY_PREFIX}elder-past-{k}",
                    ordered,
                    ordered + datetime.timedelta(hours=2, minutes=30),
                    code,
                    rng,
                    "elder",
                )
            )
        # The demo care worker's: two assigned for tomorrow, one offered, one being served.
        plans.append(
            OrderPlan(
                f"{KEY_PREFIX}worker-on-site",
                _last_daytime(self.now) - datetime.timedelta(hours=3),
                _last_daytime(self.now) - datetime.timedelta(minutes=20),
                "VISIT-01",
                rng,
                "on_site",
            )
        )
        for k, code in enumerate(("CLEAN-01", "BATH-01", "NURS-01")):
            plans.append(
                OrderPlan(
                    f"{KEY_PREFIX}worker-{k}",
                    self.now - datetime.timedelta(hours=4 - k),
                    _local(self.today + datetime.timedelta(days=1), 9 + 2 * k, 0),
                    code,
                    rng,
                    "worker" if k < 2 else "offered",
                )
            )
        return plans

    def _elder_for(self, plan: OrderPlan, elders: list[Elder]) -> Elder:
        if plan.fate in ("to_confirm", "tomorrow", "elder"):
            return next(e for e in elders if e.person_id == self.elder_persona.person_id)
        if plan.fate in ("worker", "offered", "on_site"):
            first = self.plan.communities[0].code
            own = [e for e in elders if e.place_path.split("/")[2] == first] or elders
            return plan.rng.choice(own)
        return plan.rng.choice(elders)

    def _orderer(self, elder: Elder, rng):
        """Who places it: the elder with a log-in, else a family member, else community staff."""
        if elder.person.user_id and rng.random() < 0.6:
            return elder.person.user
        link = FamilyLink.objects.filter(elder=elder, ended_at__isnull=True).first()
        if link is not None and rng.random() < 0.8:
            return self.user(link.user_id)
        return self._community_staff(elder, rng)

    def _community_staff(self, elder: Elder, rng):
        community = elder.place_path.split("/")[2]
        return self.user(rng.choice(self.residents.staff[community]).user_id)

    def _order(self, plan: OrderPlan, elders: list[Elder]) -> bool:
        if plan.fate in ("to_confirm", "tomorrow", "elder") and self.elder_persona is None:
            return False
        rng = plan.rng
        elder = self._elder_for(plan, elders)
        month = timezone.localtime(plan.ordered_at).date().replace(day=1)
        self.at(plan.ordered_at, allowance_grant, elder=elder, month=month)
        service = self.services[plan.code]
        orderer = self._orderer(elder, rng)
        staff_of_community = self._community_staff(elder, rng)
        if service.price_cents and wallet_balance(elder) < service.price_cents:
            self.at(
                plan.ordered_at,
                care.wallet_top_up,
                actor=staff_of_community,
                elder=elder,
                cents=rng.choice((10000, 20000, 30000)),
                receipt=f"demo-{plan.key}",
                paid_by=rng.choice(("本人", "家属")),
            )
        try:
            if plan.fate == "help":
                order = self.at(plan.ordered_at, care.order_help_call, actor=orderer, elder=elder)
            else:
                order = self.at(
                    plan.ordered_at,
                    lambda: care.order_place(
                        actor=orderer,
                        elder=elder,
                        service=service,
                        starts_at=plan.starts_at,
                        idempotency_key=plan.key,
                    ),
                )
        except DomainError:
            return False  # no provider at that hour near that elder: not ordered
        if order is None:
            return False
        Case.objects.filter(pk=order.case_id).update(is_demo=True)
        if plan.fate == "help":
            # A help call carries no key of its own (a second tap returns it): keyed here.
            Case.objects.filter(pk=order.case_id).update(idempotency_key=plan.key)
        if plan.fate == "offered":
            # Offered to the demo care worker's organisation too, whatever the distance.
            provider = self._persona_staff()
            if provider is not None:
                CareOffer.objects.get_or_create(
                    order=order, provider=provider.provider, defaults={"distance_m": 0}
                )
            return True
        if plan.fate == "cancelled":
            t = plan.ordered_at + datetime.timedelta(hours=rng.uniform(0.2, 6))
            self._at(
                min(t, plan.starts_at),
                care.order_cancel,
                actor=orderer,
                order=order,
                reason="老人临时有事，改天再约",
            )
            return True
        staff = self._taker(order, rng, plan)
        if staff is None:
            # Nobody took it: the community calls the elder and cancels it after the hour.
            self._at(
                plan.starts_at + datetime.timedelta(hours=1),
                care.order_cancel,
                actor=staff_of_community,
                order=order,
                reason="无人接单，已电话联系老人改约",
            )
            return True
        taken_at = min(
            plan.ordered_at + datetime.timedelta(hours=rng.uniform(0.1, 3)),
            plan.starts_at - datetime.timedelta(minutes=5),
        )
        if plan.fate in ("worker", "on_site") or rng.random() < ASSIGNED_SHARE:
            done = self._at(
                taken_at, care.order_assign, actor=staff_of_community, order=order, staff=staff
            )
        else:
            done = self._at(
                taken_at, care.order_take, actor=self.user(staff.person.user_id), order=order
            )
        if not done or plan.fate in ("worker", "tomorrow"):
            return True
        # Drawn apart from the plan's own stream, so the rest of the demo stays as it was.
        grievance = random.Random(f"{self.seed}:care-complaint:{plan.key}")
        if not plan.fate and grievance.random() < NO_SHOW_SHARE:
            waited = plan.starts_at + datetime.timedelta(minutes=45)
            if self._at(
                waited, care.order_cancel, actor=orderer, order=order, reason="等了45分钟没人来"
            ):
                self._complain(
                    order, orderer, waited + datetime.timedelta(minutes=10),
                    "约好的服务没人来，老人等了45分钟，电话也没人接。", plan, grievance,
                )  # fmt: skip
            return True
        worker = self.user(staff.person.user_id)
        late = rng.choice((-10, -5, 0, 3, 8, 12, 20, 35))
        arrive = plan.starts_at + datetime.timedelta(minutes=0 if plan.fate == "on_site" else late)
        if not self._at(
            arrive, care.order_check_in, actor=worker, order=order, **self._on_site(order, rng)
        ):
            return True
        leave = arrive + datetime.timedelta(
            minutes=service.duration_minutes + rng.randrange(-10, 15)
        )
        if not self._at(
            leave, care.order_check_out, actor=worker, order=order, **self._on_site(order, rng)
        ):
            return True
        if plan.fate == "to_confirm":
            return True
        confirmer = self._orderer(elder, rng)
        confirmed = leave + datetime.timedelta(hours=rng.uniform(0.2, 8))
        if not self._at(confirmed, care.order_confirm, actor=confirmer, order=order):
            return True
        score = None
        if rng.random() < RATED_SHARE:
            score = rng.choices([s for s, _w in SCORES], [w for _s, w in SCORES])[0]
            self._at(
                confirmed + datetime.timedelta(minutes=rng.randrange(1, 120)),
                case_rate,
                case=order.case,
                actor=confirmer,
                score=score,
            )
        complained = confirmed + datetime.timedelta(hours=grievance.uniform(2, 30))
        if score is not None and score <= 2 and grievance.random() < POOR_COMPLAINT_SHARE:
            self._complain(
                order, confirmer, complained, "服务马虎，说好的内容没做完，希望社区督促改进。",
                plan, grievance,
            )  # fmt: skip
        elif late >= 20 and grievance.random() < LATE_COMPLAINT_SHARE:
            self._complain(
                order, confirmer, complained, f"约好的时间迟到了{late}分钟，老人一直在等。",
                plan, grievance,
            )  # fmt: skip
        return True

    def _complain(self, order, actor, moment, text, plan, rng) -> None:
        """A complaint, then the community's staff take it up within the day, answer within
        three and the complainant accepts the answer — each step only once its time has come."""
        complaint = self._at(
            moment,
            care.order_complain,
            actor=actor,
            order=order,
            text=text,
            idempotency_key=f"{plan.key}-complaint",
        )
        if complaint is None:
            return
        case = complaint.case
        Case.objects.filter(pk=case.pk).update(is_demo=True)
        handler = self._community_staff(order.elder, rng)
        taken = moment + datetime.timedelta(hours=rng.uniform(1, 20))
        if not self._at(taken, case_claim, case=case, actor=handler):
            return
        answered = taken + datetime.timedelta(hours=rng.uniform(4, 60))
        answer = rng.choice(COMPLAINT_ANSWERS)
        if not self._at(answered, case_report_back, case=case, actor=handler, note=answer):
            return
        self._at(
            answered + datetime.timedelta(hours=rng.uniform(1, 30)),
            case_verify_close,
            case=case,
            actor=actor,
        )

    def _at(self, moment, service, **kwargs):
        """`at`, where a refusal (the elder's money short, a clash) leaves the order where it
        is, as it would in life."""
        try:
            with transaction.atomic():
                return self.at(moment, service, **kwargs)
        except DomainError:
            return None

    def _taker(self, order: CareOrder, rng, plan: OrderPlan) -> ProviderStaff | None:
        """A staff member of an offered provider (the demo care worker for hers) who may serve
        it: the skill, a certificate in date, no other order then."""
        offered = [o.provider_id for o in order.offers.all()]
        staff = list(
            ProviderStaff.objects.filter(
                provider_id__in=offered, is_active=True, person__user__isnull=False
            )
            .select_related("person", "provider")
            .order_by("pk")
        )
        if plan.fate in ("worker", "on_site") and self._persona_staff() is not None:
            return self._persona_staff()
        rng.shuffle(staff)
        day = timezone.localtime(order.starts_at).date()
        for member in staff:
            if not member.has_skill(order.service.skill) or not certified(
                member, order.service.skill, day
            ):
                continue
            if staff_overlapping(
                member, order.starts_at, order.ends_at, exclude_case=order.case
            ).exists():
                continue
            return member
        return None

    def _persona_staff(self) -> ProviderStaff | None:
        if self.care_persona is None:
            return None
        return (
            ProviderStaff.objects.filter(person_id=self.care_persona.person_id)
            .select_related("person", "provider")
            .first()
        )

    def _on_site(self, order: CareOrder, rng) -> dict:
        case = order.case
        return {
            "lat": case.lat + rng.uniform(-30, 30) / METRES_PER_DEGREE,
            "lon": case.lon + rng.uniform(-30, 30) / METRES_PER_DEGREE,
        }


def _local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _last_daytime(moment: datetime.datetime) -> datetime.datetime:
    """`moment` if it falls between 9:00 and 20:00 local time, else the last 19:00 before it."""
    local = timezone.localtime(moment)
    if 9 <= local.hour < 20:
        return moment
    day = local.date() - datetime.timedelta(days=1 if local.hour < 9 else 0)
    return _local(day, 19, 0)


def _slot(ordered_at: datetime.datetime, code: str, rng) -> datetime.datetime:
    """When the ordered service starts: lunch or supper for meals, else a daytime half hour,
    from a few hours to two days after ordering."""
    local = timezone.localtime(ordered_at)
    day = local.date() + datetime.timedelta(days=rng.choice((0, 1, 1, 1, 2)))
    if code.startswith("MEAL"):
        hour, minute = rng.choice(((11, 30), (11, 30), (17, 30)))
    else:
        hour, minute = rng.randrange(8, 17), rng.choice((0, 30))
    slot = _local(day, hour, minute)
    if slot <= ordered_at + datetime.timedelta(hours=1):
        slot += datetime.timedelta(days=1)
    return slot


def orders_for_scale(scale: float) -> int:
    return round(ORDERS_PER_SCALE * history_scale(scale))
