"""门前三包 in the demo district (`frontage`): the pledges shops and households along the streets
signed over the past two years, and a year of the grid workers' checks.

In the grids of every community: the demo's merchants (their pledge names the `merchant`), other
street shops ("阿强五金店", "骑楼老字号糖水铺") and households along the community's road, a
bit over 900 at scale 1 (the article's 900+ in force), fewer at smaller scales (at least one a
community). Most signed in the campaign of about two years ago, the rest since, a few in the
last weeks; a few shops closed and withdrew.

The checks: the grid's grid worker (the demo one in his grid) checks each frontage every few
months, a shop more often than a household, within his patrol when he walked one that day
(demo.patrols: the last two weeks); some pledges were never checked. About 6 % of the checks
fail: those go through `frontage.services.check_record` as of the moment (it files the grid
case and links it), the case is taken through the street's dispatch (demo.handling) and, once
closed, a re-check a few days later finds the frontage kept. The pledges keep the latest result
(`last_checked_on`, `last_passed`). The demo grid worker's grid has pledges signed in the last
weeks, never checked, and one whose check two days ago failed, its case under way.

Written in bulk (the passed checks) and through the services (the failed ones). Idempotent:
pledges by (grid, name), the candidates of each community the same at every scale (a larger
scale adds the next ones); checks only for the pledges written in this run."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.cases import sla
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import PERSONAS
from meihao.demo.cases import demo_clock
from meihao.demo.handling import CaseSteps
from meihao.demo.plan import PlaceSpec, Plan
from meihao.demo.population import Names
from meihao.demo.projects import _shares
from meihao.frontage import services as frontage_services
from meihao.frontage.models import Check, Pledge
from meihao.patrols.models import PatrolSession
from meihao.people.models import Organisation, RoleAssignment, User
from meihao.places.models import Place

PLEDGES_PER_SCALE = 948  # at scale 1, about 925 in force
OLD_TOWN_STREETS = 2  # the first two streets' communities have more shops
CANDIDATES = 48  # per community, in a fixed order: a larger scale takes more of them
DEMO_GRID_PLEDGES = 6  # at least, in the demo grid worker's grid, at any scale
HOUSEHOLD_SHARE = 0.25
WITHDRAWN_SHARE = 0.03  # of the shops: closed since
CAMPAIGN_DAYS = (540, 700)  # days ago: the district's 门前三包 campaign
CAMPAIGN_SHARE = 0.55
RECENT_SHARE = 0.05  # signed in the last weeks
NEVER_CHECKED = 0.06  # of the others
CHECKS_A_YEAR = {"shop": 4.5, "household": 2.2}
FAIL_SHARE = 0.072  # about 6 % of all, with the re-checks
PERSONA_CHECKS = 0.8  # of the demo grid's checks, his

EXTRA_KINDS = (
    "糖水铺",
    "五金店",
    "烧腊店",
    "粥铺",
    "修车铺",
    "裁缝店",
    "杂货店",
    "手机维修店",
    "药材行",
    "茶叶店",
    "面包店",
    "服装店",
    "花店",
    "粮油店",
    "肠粉店",
)
OWNERS = (
    "阿强",
    "阿英",
    "阿明",
    "阿芳",
    "阿华",
    "陈记",
    "李记",
    "黄记",
    "梁记",
    "何记",
    "老周",
    "骑楼老字号",
    "老街",
    "街坊",
    "福记",
    "同心",
    "利民",
    "诚信",
    "顺发",
    "平价",
)
FAILED_NOTES = {
    Check.Item.CLEAN: ("门前堆放纸箱杂物", "门前地面油污未清理", "垃圾桶满溢未及时清运"),
    Check.Item.ORDERLY: ("货架摆出店外约1米", "店外摆放桌椅经营", "门前乱停电动车"),
    Check.Item.GREEN: ("门前绿化带被踩踏", "花池内堆放杂物，绿植枯死"),
}
PASSED_NOTES = ("", "", "", "", "门前整洁，物品摆放有序", "门前干净，无占道")
RECHECK_NOTE = "复查：已整改到位"
# (item, weight) of the first failed item; a second one sometimes.
ITEMS = ((Check.Item.CLEAN, 50), (Check.Item.ORDERLY, 40), (Check.Item.GREEN, 10))


@dataclass
class Candidate:
    index: int
    community: str
    grid: str
    name: str
    address: str
    signer: str
    kind: str  # "shop" or "household"
    merchant: int | None = None
    role: str = ""  # the demo grid's: "failed" (last check failed), "new" (never checked)


@dataclass
class CheckPlan:
    pledge: Pledge
    at: datetime.datetime
    checker: int  # user
    passed: bool
    failed: tuple[str, ...] = ()
    note: str = ""
    patrol: int | None = None
    rng: random.Random | None = None
    last: bool = False  # the demo grid's failed one: no re-check


class FrontagePledges:
    def __init__(self, *, plan: Plan, seed: int, scale: float, now=None):
        self.plan = plan
        self.seed = seed
        self.scale = min(scale, 1.0)
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now)
        self.yesterday = self.today - datetime.timedelta(days=1)

    def run(self) -> tuple[int, int]:
        if self.scale <= 0:
            return 0, 0
        self._load()
        existing = set(Pledge.objects.filter(is_demo=True).values_list("grid_id", "name"))
        wanted = []
        for community, count in zip(self.plan.communities, self.counts(), strict=True):
            wanted += self._candidates(community)[:count]
        new = [c for c in wanted if (self.grids[c.grid][0], c.name) not in existing]
        if not new:
            return 0, len(wanted)
        with transaction.atomic():
            pledges = self._pledges(new)
            plans = self._plan_checks(new, pledges)
            written = self._write(plans, pledges)
        if any(not p.passed for p in plans):
            sla.sla_sweep(self.now)
        return len(pledges) + written, len(wanted) - len(new)

    def counts(self) -> list[int]:
        """Pledges of each community at this scale: PLEDGES_PER_SCALE at scale 1, the old town's
        streets more; at least one a community, DEMO_GRID_PLEDGES in the demo community."""
        weights = [
            1.25
            if k < OLD_TOWN_STREETS * len(self.plan.communities) // len(self.plan.streets)
            else 0.9
            for k in range(len(self.plan.communities))
        ]
        full = _shares(PLEDGES_PER_SCALE, weights)
        counts = [max(1, round(n * self.scale)) for n in full]
        counts[0] = max(counts[0], DEMO_GRID_PLEDGES)
        return counts

    # -- who ------------------------------------------------------------------------------------
    def _load(self):
        self.names = Names()
        self.steps = CaseSteps(now=self.now)
        self.grids = {
            code: (pk, path)
            for code, pk, path in Place.objects.filter(
                code__in=[g.code for g in self.plan.grids]
            ).values_list("code", "pk", "path")
        }
        persona = next(p.phone for p in PERSONAS if p.role == Role.GRID_WORKER and not p.account)
        self.persona = User.objects.filter(phone=persona).values_list("pk", flat=True).first()
        self.workers: dict[str, list[int]] = {}
        self.staff: dict[str, list[int]] = {}
        for role, code, user_id in (
            RoleAssignment.objects.filter(role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF])
            .order_by("user_id")
            .values_list("role", "place__code", "user_id")
        ):
            holders = self.workers if role == Role.GRID_WORKER else self.staff
            holders.setdefault(code, []).append(user_id)
        for workers in self.workers.values():
            workers.sort(key=lambda pk: pk != self.persona)
        self.merchants = {
            name: (pk, address, place_code)
            for pk, name, address, place_code in Organisation.objects.filter(
                kind=Organisation.Kind.MERCHANT, is_demo=True, care_provider__isnull=True
            ).values_list("pk", "name", "address", "place__code")
        }
        self.merchant_staff = dict(
            RoleAssignment.objects.filter(role=Role.MERCHANT_STAFF)
            .order_by("-user_id")
            .values_list("organisation_id", "user__name")
        )
        first = self.yesterday - datetime.timedelta(days=366)
        self.patrols: dict[tuple[int, datetime.date], list[tuple]] = {}
        for pk, worker, started, ended in (
            PatrolSession.objects.filter(
                status=PatrolSession.Status.ENDED, started_at__date__gte=first
            )
            .exclude(ended_at=None)
            .order_by("started_at")
            .values_list("pk", "worker_id", "started_at", "ended_at")
        ):
            day = timezone.localdate(started)
            self.patrols.setdefault((worker, day), []).append((pk, started, ended))

    # -- the pledges ----------------------------------------------------------------------------
    def _candidates(self, community: PlaceSpec) -> list[Candidate]:
        """The community's pledges in a fixed order, the same at every scale: its merchants,
        then other shops and households along its road (the demo community's first ones in
        the demo grid worker's grid)."""
        rng = random.Random(f"{self.seed}:frontage:{community.code}")
        grids = [g.code for g in self.plan.grids_of(community.code)]
        numbers = rng.sample(range(1, 300), CANDIDATES)
        kinds = list(data.SHOP_KINDS) + list(EXTRA_KINDS)
        taken: set[str] = set()
        demo = community.code == self.plan.communities[0].code
        merchants = [
            (name, *self.merchants[name])
            for name in self.plan.merchants_by_community[community.code]
            if name in self.merchants
        ]
        invented = []
        for k in range(CANDIDATES - len(merchants)):
            number = numbers[k]
            grid = grids[0] if demo and k < DEMO_GRID_PLEDGES - 1 else rng.choice(grids)
            gender = "male" if rng.random() < 0.55 else "female"
            signer = self.names(rng, gender)
            if rng.random() < HOUSEHOLD_SHARE:
                name = f"{community.road}{number}号住户"
                kind = "household"
            else:
                name = f"{rng.choice(OWNERS)}{rng.choice(kinds)}"
                while name in taken:
                    name = f"{rng.choice(OWNERS)}{rng.choice(kinds)}"
                kind = "shop"
            taken.add(name)
            invented.append((name, f"梧州市万秀区{community.road}{number}号", grid, signer, kind))
        result: list[Candidate] = []

        def add(name, address, grid, signer, kind, merchant=None):
            result.append(
                Candidate(len(result), community.code, grid, name, address, signer, kind, merchant)
            )

        ordered_merchants = list(merchants)
        if demo and ordered_merchants:
            name, pk, address, grid = ordered_merchants.pop(0)
            add(name, address, grid, self._shopkeeper(pk, rng), "shop", pk)
            for item in invented[: DEMO_GRID_PLEDGES - 1]:
                add(*item)
            invented = invented[DEMO_GRID_PLEDGES - 1 :]
            # The demo grid's: two signed in the last weeks, never checked; one whose latest
            # check failed.
            result[2].role = "failed"
            result[4].role = result[5].role = "new"
        for name, pk, address, grid in ordered_merchants:
            add(name, address, grid, self._shopkeeper(pk, rng), "shop", pk)
        for item in invented:
            add(*item)
        return result

    def _shopkeeper(self, merchant: int, rng: random.Random) -> str:
        return self.merchant_staff.get(merchant) or self.names(rng, rng.choice(["male", "female"]))

    def _pledges(self, candidates: list[Candidate]) -> list[Pledge]:
        rows = []
        for candidate in candidates:
            rng = random.Random(f"{self.seed}:frontage:{candidate.community}:{candidate.index}")
            draw = rng.random()
            if candidate.role == "new":
                days = rng.randint(4, 20)
            elif candidate.role == "failed" or draw < CAMPAIGN_SHARE:
                days = rng.randint(*CAMPAIGN_DAYS)
            elif draw < 1 - RECENT_SHARE:
                days = rng.randint(30, CAMPAIGN_DAYS[0])
            else:
                days = rng.randint(3, 29)
            signed = self.today - datetime.timedelta(days=days)
            withdrawn = None
            if (
                candidate.kind == "shop"
                and candidate.merchant is None
                and not candidate.role
                and days > 90
                and rng.random() < WITHDRAWN_SHARE
            ):
                withdrawn = signed + datetime.timedelta(days=rng.randint(60, days - 7))
            grid_id, path = self.grids[candidate.grid]
            workers = self.workers.get(candidate.grid) or []
            staff = self.staff.get(candidate.community) or []
            entered = workers[0] if workers and (rng.random() < 0.7 or not staff) else None
            entered = entered or (rng.choice(staff) if staff else self.persona)
            rows.append(
                Pledge(
                    name=candidate.name,
                    merchant_id=candidate.merchant,
                    grid_id=grid_id,
                    place_path=path,
                    address=candidate.address,
                    signer=candidate.signer,
                    signed_on=signed,
                    withdrawn_on=withdrawn,
                    created_by_id=entered,
                    is_demo=True,
                )
            )
        return Pledge.objects.bulk_create(rows, batch_size=1000)

    # -- the checks -----------------------------------------------------------------------------
    def _plan_checks(self, candidates: list[Candidate], pledges: list[Pledge]) -> list[CheckPlan]:
        plans: list[CheckPlan] = []
        for candidate, pledge in zip(candidates, pledges, strict=True):
            rng = random.Random(f"{self.seed}:frontage:checks:{candidate.community}:{pledge.name}")
            workers = self.workers.get(candidate.grid) or []
            if not workers or candidate.role == "new":
                continue
            first = max(
                pledge.signed_on + datetime.timedelta(days=7),
                self.today - datetime.timedelta(days=365),
            )
            last = self.yesterday
            if pledge.withdrawn_on is not None:
                last = min(last, pledge.withdrawn_on - datetime.timedelta(days=1))
            if first > last or (not candidate.role and rng.random() < NEVER_CHECKED):
                continue
            span = (last - first).days + 1
            expected = CHECKS_A_YEAR[candidate.kind] * span / 365 * rng.uniform(0.6, 1.4)
            count = min(span, max(1, round(expected)))
            days = sorted(
                first + datetime.timedelta(days=d) for d in rng.sample(range(span), count)
            )
            days = [d - datetime.timedelta(days=2) if d.weekday() == 6 else d for d in days]
            days = sorted({max(first, d) for d in days})
            if candidate.role == "failed":
                days = [d for d in days if d < self.today - datetime.timedelta(days=6)]
                days.append(self.today - datetime.timedelta(days=2))
            for day in days:
                worker = workers[0]
                failing = candidate.role == "failed" and day == days[-1]
                if (
                    len(workers) > 1
                    and not failing
                    and not (workers[0] == self.persona and rng.random() < PERSONA_CHECKS)
                ):
                    worker = rng.choice(workers)
                at, patrol = self._when(worker, day, rng)
                fails = pledge.withdrawn_on is None and (rng.random() < FAIL_SHARE or failing)
                plan = CheckPlan(pledge, at, worker, not fails, patrol=patrol, rng=rng)
                if fails:
                    items = [rng.choices([i for i, _w in ITEMS], [w for _i, w in ITEMS])[0]]
                    if rng.random() < 0.2:
                        items.append(rng.choice([i for i, _w in ITEMS if i != items[0]]))
                    plan.failed = tuple(items)
                    plan.note = rng.choice(FAILED_NOTES[items[0]])
                    plan.last = failing
                else:
                    plan.note = rng.choice(PASSED_NOTES)
                plans.append(plan)
        return plans

    def _when(self, worker: int, day: datetime.date, rng) -> tuple[datetime.datetime, int | None]:
        """A moment of `day`: within the worker's patrol when he walked one, else in working
        hours."""
        sessions = self.patrols.get((worker, day))
        if sessions:
            pk, started, ended = rng.choice(sessions)
            moment = started + (ended - started) * rng.uniform(0.1, 0.9)
            return moment.replace(microsecond=0), pk
        moment = datetime.datetime.combine(day, datetime.time(), tzinfo=self.zone)
        moment += datetime.timedelta(seconds=rng.randrange(int(8.5 * 3600), int(17.5 * 3600)))
        return min(moment, self.now - datetime.timedelta(minutes=30)), None

    def _write(self, plans: list[CheckPlan], pledges: list[Pledge]) -> int:
        """The failed checks through `check_record` (the case filed and taken on), a re-check
        once the case is closed; the passed ones in bulk; the pledges' latest result."""
        passed = [p for p in plans if p.passed]
        failed = sorted((p for p in plans if not p.passed), key=lambda p: p.at)
        users: dict[int, User] = {}
        for plan in failed:
            actor = users.setdefault(plan.checker, User.objects.get(pk=plan.checker))
            with demo_clock(plan.at):
                check = frontage_services.check_record(
                    actor=actor,
                    pledge=plan.pledge,
                    passed=False,
                    failed=plan.failed,
                    note=plan.note,
                )
            Check.objects.filter(pk=check.pk).update(patrol_id=plan.patrol)
            case = check.case
            type(case).objects.filter(pk=case.pk).update(is_demo=True)
            until = "start" if plan.last else "close"
            self.steps.take(case, filed_at=plan.at, rng=plan.rng, verifier=actor, until=until)
            closed = self.steps.closed_by(case)
            if closed is None:
                continue
            again = timezone.localdate(closed) + datetime.timedelta(days=plan.rng.randint(1, 5))
            if again > self.yesterday:
                continue
            at, patrol = self._when(plan.checker, again, plan.rng)
            passed.append(
                CheckPlan(
                    plan.pledge, max(at, closed), plan.checker, True, (), RECHECK_NOTE, patrol
                )
            )
        Check.objects.bulk_create(
            [
                Check(
                    pledge=plan.pledge,
                    checked_at=plan.at,
                    checker_id=plan.checker,
                    patrol_id=plan.patrol,
                    passed=True,
                    note=plan.note,
                    place_path=plan.pledge.place_path,
                )
                for plan in passed
            ],
            batch_size=1000,
        )
        latest: dict[int, CheckPlan] = {}
        for plan in passed + failed:
            current = latest.get(plan.pledge.pk)
            if current is None or plan.at > current.at:
                latest[plan.pledge.pk] = plan
        for pledge in pledges:
            plan = latest.get(pledge.pk)
            pledge.last_checked_on = timezone.localdate(plan.at) if plan else None
            pledge.last_passed = plan.passed if plan else None
        Pledge.objects.bulk_update(pledges, ["last_checked_on", "last_passed"], batch_size=1000)
        return len(passed) + len(failed)
