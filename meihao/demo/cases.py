"""The demo's case history: a few hundred grid reports over the last 90 days, each taken through
the real case services (meihao.cases.services) by the people who would act on it.

Why a clock: the services stamp every change with `django.utils.timezone.now()` and take no
explicit time. History is written by running each step under `demo_clock(moment)`, a
demo-only context manager that makes `timezone.now()` return that moment while the service
runs. Everything the services derive from the time — case numbers (date + sequence), SLA
deadlines in working hours, colours, timeline events, audit entries — is then what it would
have been on that day, and no field is rewritten afterwards. It is never used outside this
loader (a management command, one thread); tests use time_machine.

A case's plan is drawn from its own seed (`random.Random(seed + index)`) and the cases are
filed in time order. Steps that would lie in the future are not taken, so recent cases are
still open; some cases are left stalled on purpose (never started, overdue, awaiting
verification, reopened). Idempotent: every case carries the idempotency key
`demo-<index>`; cases already there are skipped, so a second run adds nothing.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from meihao.cases import services as s
from meihao.cases import sla
from meihao.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseRating,
    CaseType,
    SlaState,
    Status,
)
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import PERSONAS
from meihao.demo.photos import street_scene, upload
from meihao.demo.plan import Plan, history_scale
from meihao.people.models import Organisation, RoleAssignment, Team, TeamMember, User
from meihao.places.models import Level, Place

CASES_PER_SCALE = 600
DAYS = 90
# Reports filed this many days back come with the photo the reporter took (demo.photos): the
# ones the board and the reporters' pages show; a photo costs about 20 ms to draw and encode.
PHOTO_DAYS = 14
PHOTO_CHANNELS = (Case.Channel.GRID_PATROL, Case.Channel.RESIDENT)
KEY_PREFIX = "demo-"

# The everyday cases of an old town weigh most; every other minor class gets weight 1.
CLASS_WEIGHTS = {
    "乱摆卖": 14,
    "占道经营": 12,
    "机动车乱停放": 11,
    "噪音扰民": 9,
    "非法小广告": 9,
    "乱堆杂物": 9,
    "暴露垃圾": 9,
    "非机动车乱停放": 6,
    "积存垃圾渣土": 5,
    "店外经营": 4,
    "道路不洁": 3,
}
# Street order and litter are reported from patrols; residents (随手拍, with a log-in) and the
# 12345 hotline (a name and a number, no log-in) add the rest.
CHANNELS = [
    (Case.Channel.GRID_PATROL, 70),
    (Case.Channel.RESIDENT, 20),
    (Case.Channel.HOTLINE, 10),
]
# Reports come in daytime, more in the morning patrol and the evening market hours.
HOUR_WEIGHTS = {
    7: 2,
    8: 6,
    9: 9,
    10: 9,
    11: 7,
    12: 3,
    13: 3,
    14: 6,
    15: 8,
    16: 8,
    17: 6,
    18: 5,
    19: 5,
    20: 4,
    21: 2,
}
REPORTER_SURNAMES = "陈李黄梁何林吴莫覃韦蒙周"
# A resident's report (随手拍) is filed by a resident with a log-in living in the grid; in the
# demo resident's own street, often by her, so that her "my cases" page has a history.
PERSONA_RESIDENT_SHARE = 0.4
REJECT_REASONS = ["经核实不属实", "不属于本街道职责范围", "已自行消除"]
REPORT_NOTES = ["已到场处置，现场已恢复", "已责令当事人整改完毕", "已清理完毕"]
# The cases planned to be due soon and late now (CaseHistory._shape): filed at one of these
# hours, accepted and dispatched within about an hour (less than the margin).
SHAPE_HOURS = (9, 9.5, 10, 10.5, 14.5, 15, 15.5)
SHAPE_MARGIN = timedelta(hours=2)
SHAPE_DELAY = timedelta(minutes=65)  # filing minutes, accepting and dispatching at most
LATE_BY, LATE_WITHIN = timedelta(days=2), timedelta(hours=40)  # late by 8 hours to 4 days
# A handler whose case is past its warning now works on it up to the deadline this often.
SLOW_HANDLERS = 0.6
# Stalled cases: where a case's work stops short. Its clock still running (left waiting to be
# dispatched, started, re-dispatched after a return, redone after a reopening), it becomes late,
# so only recent cases stall that way: the board shows a few cases days late, not weeks. Parked
# cases (挂账) stop the clock and may be weeks old; a report back awaits verification a few days.
RUNNING_STALLS = ("accept", "dispatch", "start", "return", "reopen")
# stall: (filed at most this many days ago, share of those cases)
STALL_WINDOWS = {"running": (6, 0.02), "report_back": (4, 0.08), "park": (30, 0.02)}
# A late response or report back happened only if it was over (this long after the filing or
# the deadline) before now.
LATE_STEP_OVER = timedelta(hours=40)


def cases_for_scale(scale: float) -> int:
    return round(CASES_PER_SCALE * history_scale(scale))


@contextmanager
def demo_clock(moment: datetime) -> Iterator[None]:
    """Demo only: `timezone.now()` returns `moment` inside the block (see the module notes).
    Swaps the module attribute as `mock.patch` would, at a tenth of its cost (thousands of
    steps per seed)."""
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real_now


@dataclass
class CasePlan:
    index: int
    filed_at: datetime
    grid_code: str
    category_code: str
    channel: str
    fx: float
    fy: float
    rng: random.Random
    # "due_soon": taken through quickly and handled up to its deadline (amber now); "late":
    # taken through quickly, started and not reported back (overdue now). See CaseHistory._shape.
    shape: str = ""

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.index:05d}"


class Actors:
    """The users who act on the demo's cases, loaded in a handful of queries."""

    def __init__(self, plan: Plan):
        persona_phones = {p.role: p.phone for p in PERSONAS}
        rows = RoleAssignment.objects.filter(
            role__in=[Role.GRID_WORKER, Role.STREET_CHIEF, Role.DEPARTMENT_STAFF]
        ).values_list("role", "user_id", "place__code", "organisation_id")
        grid_workers: dict[str, list[int]] = {}
        chiefs: dict[str, list[int]] = {}
        staff: dict[int, list[int]] = {}
        users: set[int] = set()
        for role, user_id, code, org_id in rows:
            users.add(user_id)
            if role == Role.GRID_WORKER and code:
                grid_workers.setdefault(code, []).append(user_id)
            elif role == Role.STREET_CHIEF and code:
                chiefs.setdefault(code, []).append(user_id)
            elif role == Role.DEPARTMENT_STAFF and org_id:
                staff.setdefault(org_id, []).append(user_id)
        residents: dict[str, list[int]] = {}
        for user_id, code in RoleAssignment.objects.filter(
            role=Role.RESIDENT, place__level=Level.GRID, place__code__startswith=plan.district.code
        ).values_list("user_id", "place__code"):
            residents.setdefault(code, []).append(user_id)
            users.add(user_id)
        loaded = {u.pk: u for u in User.objects.filter(pk__in=list(users))}
        by_phone = {u.phone: u for u in loaded.values()}
        self.residents = {c: [loaded[i] for i in sorted(ids)] for c, ids in residents.items()}
        self.persona_resident = by_phone.get(persona_phones[Role.RESIDENT])
        self.persona_street = plan.streets[0].code
        # The demo log-ins act first in their own places, so their pages show history.
        self.persona_chief = by_phone.get(persona_phones[Role.STREET_CHIEF])
        self.persona_grid_worker = by_phone.get(persona_phones[Role.GRID_WORKER])
        self.persona_handler = by_phone.get(persona_phones[Role.DEPARTMENT_STAFF])
        self.grid_workers = {c: [loaded[i] for i in ids] for c, ids in grid_workers.items()}
        self.chiefs = {c: [loaded[i] for i in sorted(ids)] for c, ids in chiefs.items()}
        self.staff = {o: [loaded[i] for i in sorted(ids)] for o, ids in staff.items()}
        departments = Organisation.objects.filter(
            kind=Organisation.Kind.DEPARTMENT, place__code=plan.district.code
        )
        self.departments = {o.short_name: o for o in departments}
        self.teams = {
            (t.organisation_id, t.place.code): t
            for t in Team.objects.filter(kind="department", organisation__isnull=False)
            .select_related("place")
            .order_by("pk")
        }
        members = TeamMember.objects.filter(
            team__in=list(self.teams.values()), person__user__isnull=False
        ).values_list("team_id", "person__user_id")
        self.team_members: dict[int, list[User]] = {}
        for team_id, user_id in members:
            if user_id in loaded:
                self.team_members.setdefault(team_id, []).append(loaded[user_id])

    def resident(self, grid_code: str, rng: random.Random) -> User | None:
        """Who files a resident's report in the grid: a resident with a log-in (None if none)."""
        in_her_street = self.persona_resident and grid_code.startswith(self.persona_street)
        if in_her_street and rng.random() < PERSONA_RESIDENT_SHARE:
            return self.persona_resident
        residents = self.residents.get(grid_code) or []
        return rng.choice(residents) if residents else None

    def grid_worker(self, grid_code: str) -> User | None:
        workers = self.grid_workers.get(grid_code) or []
        if self.persona_grid_worker in workers:
            return self.persona_grid_worker
        return workers[0] if workers else None

    def chief(self, street_code: str, rng: random.Random) -> User | None:
        chiefs = self.chiefs.get(street_code) or []
        if self.persona_chief in chiefs and rng.random() < 0.7:
            return self.persona_chief
        return rng.choice(chiefs) if chiefs else None

    def handler(self, organisation, team, rng: random.Random) -> User | None:
        people = self.team_members.get(team.pk, []) if team else []
        if self.persona_handler in self.staff.get(organisation.pk, []) and (
            not people or self.persona_handler in people or rng.random() < 0.3
        ):
            return self.persona_handler
        people = people or self.staff.get(organisation.pk, [])
        return rng.choice(people) if people else None


class CaseHistory:
    """Files the demo's cases. `run()` returns (created, already there)."""

    def __init__(self, *, plan: Plan, count: int, seed: int, now: datetime | None = None):
        self.plan = plan
        self.count = count
        self.seed = seed
        self.now = now or timezone.now()
        self.grid_type = CaseType.objects.get(code="GRID")
        self.categories = {
            c.code: c
            for c in CaseCategory.objects.filter(
                case_type=self.grid_type, parent__isnull=False, is_active=True
            ).select_related("case_type")
        }
        self.grids = {g.code: g for g in plan.grids}
        self.open_by_street: dict[str, list[Case]] = {}
        self.places = {
            p.code: p
            for p in Place.objects.filter(level=Level.GRID, code__in=list(self.grids)).only(
                "id", "code", "path"
            )
        }

    # -- planning ----------------------------------------------------------------------------
    def plans(self) -> list[CasePlan]:
        rng = random.Random(self.seed)
        codes = sorted(self.categories)
        weights = [CLASS_WEIGHTS.get(self.categories[c].name_zh, 1) for c in codes]
        grid_codes = [g.code for g in self.plan.grids]
        # Streets differ: the old-town streets (the first two) report more.
        grid_weights = [
            3 if code[:9] <= f"{self.plan.district.code}002" else 2 for code in grid_codes
        ]
        hours, hour_weights = zip(*HOUR_WEIGHTS.items(), strict=True)
        channels, channel_weights = zip(*CHANNELS, strict=True)
        today = timezone.localtime(self.now).replace(hour=0, minute=0, second=0, microsecond=0)
        result = []
        for index in range(self.count):
            day = today - timedelta(days=rng.randrange(DAYS))
            if day.weekday() >= 5 and rng.random() < 0.3:
                day -= timedelta(days=2)  # fewer patrol reports at weekends
            filed_at = day.replace(
                hour=rng.choices(hours, hour_weights)[0], minute=rng.randrange(60)
            )
            if filed_at >= self.now:
                filed_at -= timedelta(days=1)
            result.append(
                CasePlan(
                    index=index,
                    filed_at=filed_at,
                    grid_code=rng.choices(grid_codes, grid_weights)[0],
                    category_code=rng.choices(codes, weights)[0],
                    channel=rng.choices(channels, channel_weights)[0],
                    fx=rng.uniform(0.1, 0.9),
                    fy=rng.uniform(0.1, 0.9),
                    rng=random.Random(self.seed * 1000 + index),
                )
            )
        self._shape(result)
        result.sort(key=lambda p: (p.filed_at, p.index))
        return result

    def _shape(self, plans: list[CasePlan]) -> None:
        """Give the board its mix whatever the date: the last planned case is due soon (amber),
        the one before it a day or two late. The rest of the history lands where its dice fall.

        Due soon: a class with the longest limit in working days, filed on the working morning
        or afternoon from which the limit's warning has passed and its deadline has not, as far
        from both as can be. Late: the commonest class with a limit in hours, filed so that its
        deadline passed about two days ago, and started but not reported back."""
        by_weight = sorted(self.categories.values(), key=lambda c: -CLASS_WEIGHTS.get(c.name_zh, 1))
        long = sorted(
            (c for c in by_weight if c.time_unit == "work_days" and c.time_limit),
            key=lambda c: -c.time_limit,
        )
        short = [c for c in by_weight if c.time_unit in ("hours", "work_hours") and c.time_limit]
        if long and plans:
            self._pin(
                plans[-1],
                long[0],
                "due_soon",
                lambda limits: min(self.now - limits.warn_at, limits.due_at - self.now),
            )
        if short and len(plans) > 1:
            self._pin(
                plans[-2],
                short[0],
                "late",
                lambda limits: -abs(self.now - limits.due_at - LATE_BY),
            )

    def _pin(self, plan: CasePlan, category, shape: str, score: Callable) -> None:
        """File `plan` as a `category` case at the working hour of the last weeks where
        `score(its SLA thresholds)` is highest (and above its margin); left as planned if none."""
        today = timezone.localtime(self.now).replace(hour=0, minute=0, second=0, microsecond=0)
        limit, unit = category.time_limit, category.time_unit
        span_days = limit * (1.5 if unit == "work_days" else 1 / 8)
        best, margin = None, -LATE_WITHIN if shape == "late" else SHAPE_MARGIN
        days = range(1, round(span_days * 1.3) + 10)
        calendar = sla.WorkCalendar.load(timezone.localdate(self.now) - timedelta(days=days[-1]))
        for days_back in days:
            for hour in SHAPE_HOURS:
                filed = today - timedelta(days=days_back) + timedelta(hours=hour)
                # The clock starts at dispatch, within SHAPE_DELAY of the filing.
                room = min(
                    score(sla.thresholds(moment, limit, unit, calendar=calendar))
                    for moment in (filed, filed + SHAPE_DELAY)
                )
                if room > margin:
                    best, margin = filed, room
        if best is not None:
            plan.filed_at = best + timedelta(minutes=plan.rng.randrange(5))
            plan.category_code = category.code
            plan.channel = Case.Channel.GRID_PATROL
            plan.shape = shape

    # -- running -----------------------------------------------------------------------------
    def run(self) -> tuple[int, int]:
        existing = set(
            Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list(
                "idempotency_key", flat=True
            )
        )
        self.actors = Actors(self.plan)
        created = 0
        for plan in self.plans():
            if plan.key in existing:
                continue
            with transaction.atomic():
                self.file(plan)
            created += 1
        if created:
            sla.sla_sweep(self.now)
        return created, len(existing)

    def at(self, moment: datetime, service: Callable, **kwargs):
        """Run `service` as of `moment`; None (and nothing done) if `moment` is still to come."""
        if moment >= self.now:
            return None
        with demo_clock(moment):
            return service(**kwargs)

    def file(self, plan: CasePlan) -> Case | None:
        rng = plan.rng
        grid = self.grids[plan.grid_code]
        street_code = plan.grid_code[:9]
        category = self.categories[plan.category_code]
        grid_worker = self.actors.grid_worker(plan.grid_code)
        lat, lon = grid.rect.point(plan.fx, plan.fy)
        place = self.places[plan.grid_code]
        reporter = {}
        if plan.channel == Case.Channel.GRID_PATROL:
            actor = grid_worker
        elif plan.channel == Case.Channel.RESIDENT:
            actor = self.actors.resident(plan.grid_code, rng)
        else:  # the 12345 hotline passes on the caller's name and number
            actor = None
        if actor is None:
            reporter = {
                "reporter_name": rng.choice(REPORTER_SURNAMES)
                + rng.choice(["先生", "女士", "阿姨", "师傅"]),
                "reporter_phone": f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
            }
        description = category.example or category.name_zh
        photos = []
        recent = self.now - plan.filed_at <= timedelta(days=PHOTO_DAYS)
        if actor is not None and plan.channel in PHOTO_CHANNELS and recent:
            scene = street_scene(category.code, random.Random(f"{self.seed}:photo:{plan.key}"))
            photos.append(upload(scene, f"{plan.key}.jpg"))
        case = self.at(
            plan.filed_at,
            s.case_submit,
            actor=actor,
            case_type=self.grid_type,
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            place=place,
            address=f"梧州市万秀区{grid.road}{rng.randint(1, 199)}号附近",
            channel=plan.channel,
            idempotency_key=plan.key,
            photos=photos,
            **reporter,
        )
        Case.objects.filter(pk=case.pk).update(is_demo=True)
        case.is_demo = True
        self._lifecycle(case, plan, street_code, grid_worker)
        if case.status not in (Status.REJECTED, Status.DUPLICATE, Status.VOID):
            recent = self.open_by_street.setdefault(street_code, [])
            recent.append(case)
            del recent[:-10]
        return case

    def _lifecycle(self, case: Case, plan: CasePlan, street_code: str, grid_worker) -> None:
        rng = plan.rng
        chief = self.actors.chief(street_code, rng)
        verifier = grid_worker or chief
        if chief is None:
            return
        stall = {"due_soon": None, "late": "start"}.get(plan.shape, self._stall(plan))
        roll = 0.5 if plan.shape else rng.random()
        t = plan.filed_at

        def later(low_hours: float, high_hours: float) -> datetime:
            nonlocal t
            t = t + timedelta(hours=rng.uniform(low_hours, high_hours))
            return t

        # 立案 or not: rejected 5 %, merged as a duplicate 4 %, voided after acceptance 1 %.
        if roll < 0.05:
            self.at(
                later(0.3, 5),
                s.case_reject,
                case=case,
                actor=chief,
                reason=rng.choice(REJECT_REASONS),
            )
            return
        originals = [
            c for c in self.open_by_street.get(street_code, []) if c.category_id == case.category_id
        ]
        if roll < 0.09 and originals:
            self.at(
                later(0.3, 4),
                s.case_merge_duplicate,
                case=case,
                actor=chief,
                original=originals[-1],
                note="同一问题已有工单",
            )
            return
        # Late steps are history: a step that would still be late now is taken in time (the
        # board's late cases are the stalled ones and the one planned late).
        late_response = (
            rng.random() < 0.08 and not plan.shape and plan.filed_at + LATE_STEP_OVER < self.now
        )
        if plan.shape:
            accept_at = later(0.1, 0.5)
        else:
            accept_at = later(25, 40) if late_response else later(0.2, 6)
        if not self.at(accept_at, s.case_accept, case=case, actor=chief):
            return
        if roll > 0.99:
            self.at(later(1, 8), s.case_void, case=case, actor=chief, reason="重复录入，作废")
            return
        if stall == "accept":
            return
        organisation = self._department(category_short=case.category.department)
        team = self.actors.teams.get((organisation.pk, street_code))
        if not self.at(
            later(0.1, 0.4) if plan.shape else later(0.1, 1.5),
            s.case_dispatch,
            case=case,
            actor=chief,
            organisation=organisation,
            team=team,
        ):
            return
        handler = self.actors.handler(organisation, team, rng)
        if handler is None or stall == "dispatch":
            return
        if stall == "park":  # 挂账: needs funds or planning
            self.at(
                later(2, 48), s.case_park, case=case, actor=chief, reason="需列入改造计划，暂时挂账"
            )
            return
        misrouted = rng.random() < 0.02 and not plan.shape  # returned and dispatched again
        if stall == "return" or misrouted:
            if not self.at(
                later(0.5, 3),
                s.case_return,
                case=case,
                actor=handler,
                reason="不属于本部门职责，请重新派遣",
            ):
                return
            if stall == "return":
                return
            if not self.at(
                later(0.5, 3),
                s.case_dispatch,
                case=case,
                actor=chief,
                organisation=organisation,
                team=team,
            ):
                return
        if not self.at(later(0.1, 2), s.case_start, case=case, actor=handler):
            return
        if stall == "start":
            return
        slow = plan.shape == "due_soon" or (
            case.resolve_warn_at is not None
            and case.resolve_warn_at <= self.now < case.resolve_by
            and rng.random() < SLOW_HANDLERS
        )
        late = rng.random() < 0.12 and not plan.shape
        self._report_back(case, handler, rng, late=late, slow=slow, start=t)
        t = max(t, case.reported_back_at or t)
        if case.status != Status.REPORTED_BACK or stall == "report_back":
            return
        if stall == "reopen" or rng.random() < 0.08:  # 返工
            if not self.at(
                later(1, 12),
                s.case_reopen,
                case=case,
                actor=verifier,
                reason="现场复查仍未整改到位",
            ):
                return
            if stall == "reopen":
                return
            if not self.at(later(0.5, 3), s.case_start, case=case, actor=handler):
                return
            if not self.at(
                later(2, 24),
                s.case_report_back,
                case=case,
                actor=handler,
                note="已再次整改，现场恢复正常",
            ):
                return
        self.at(
            later(0.3, 6), s.case_verify_close, case=case, actor=verifier, note="现场核查已整改"
        )

    def _stall(self, plan: CasePlan) -> str | None:
        """Where this case's work stops (None: it goes as far as the clock allows)."""
        age_days = (self.now - plan.filed_at) / timedelta(days=1)
        draw, running = plan.rng.random(), plan.rng.choice(RUNNING_STALLS)
        floor = 0.0
        for stall, (days, share) in STALL_WINDOWS.items():
            if floor <= draw < floor + share and age_days <= days:
                return running if stall == "running" else stall
            floor += share
        return None

    def _report_back(self, case, handler, rng, *, late: bool, slow: bool, start: datetime):
        due = case.resolve_by or start + timedelta(hours=8)
        if slow and due > self.now:  # still at it now, reporting back just in time
            moment = self.now + (due - self.now) * rng.uniform(0.5, 0.95)
        elif late and due + LATE_STEP_OVER < self.now:
            moment = due + timedelta(hours=rng.uniform(1, 36))
        else:
            # Most handlers report back in the last days before the deadline, so the board
            # shows cases past their warning (amber) as well as fresh ones.
            moment = start + (due - start) * rng.triangular(0.2, 0.98, 0.85)
        moment = max(moment, start + timedelta(minutes=10))
        self.at(moment, s.case_report_back, case=case, actor=handler, note=rng.choice(REPORT_NOTES))

    def _department(self, *, category_short: str):
        departments = self.actors.departments
        return departments.get(category_short) or departments[data.DEPARTMENTS[0][1]]


# -- ratings: the reporters' satisfaction with their closed cases -------------------------------

RATE_SHARE = 0.8  # most residents rate; some never open the case again
# Scores (5 非常满意 … 1 非常不满意): mostly satisfied; less so after a late or reworked case.
SCORE_WEIGHTS = {5: 62, 4: 26, 3: 8, 2: 3, 1: 1}
SCORE_WEIGHTS_TROUBLED = {5: 22, 4: 32, 3: 28, 2: 11, 1: 7}
COMMENTS = {
    5: ["处理很及时，点赞！", "网格员很负责，谢谢", "当天就处理好了，满意", "街道办事效率高"],
    4: ["处理得不错，希望保持", "问题解决了，就是等得有点久", "整体满意"],
    3: ["解决了，但拖了几天", "处理一般，希望加强巡查", "过几天又有了，希望常来看看"],
    2: ["处理太慢了", "只是临时处理，没有根治"],
    1: ["反映多次都没彻底解决", "处理结果不满意"],
}
NO_COMMENT = 0.3


class CaseRatings:
    """The reporters with a log-in rate their closed demo cases through `case_rate`, mostly
    within hours of the closure, some up to three days later, as of that moment. Each case's
    rating is drawn from its own seed; a case that is rated already, or whose rating time is
    still to come, is skipped, so a second run adds nothing. Returns (created, already there)."""

    def __init__(self, *, seed: int, now: datetime | None = None):
        self.seed = seed
        self.now = now or timezone.now()

    def run(self) -> tuple[int, int]:
        closed = (
            Case.objects.filter(
                idempotency_key__startswith=KEY_PREFIX,
                status=Status.CLOSED,
                channel=Case.Channel.RESIDENT,
                submitted_by__isnull=False,
                closed_at__isnull=False,
            )
            .select_related("case_type", "submitted_by")
            .order_by("closed_at", "pk")
        )
        rated = set(
            CaseRating.objects.filter(case__idempotency_key__startswith=KEY_PREFIX).values_list(
                "case_id", "rater_id"
            )
        )
        troubled = set(
            CaseEvent.objects.filter(
                case__idempotency_key__startswith=KEY_PREFIX, action="reopen"
            ).values_list("case_id", flat=True)
        )
        users: dict[int, User] = {}  # one object per user: its role scopes are loaded once
        created = 0
        for case in closed:
            if (case.pk, case.submitted_by_id) in rated:
                continue
            rng = random.Random(f"{self.seed}:rate:{case.idempotency_key}")
            if rng.random() >= RATE_SHARE:
                continue
            late = case.handling_sla == SlaState.RED or case.pk in troubled
            weights = SCORE_WEIGHTS_TROUBLED if late else SCORE_WEIGHTS
            score = rng.choices(list(weights), list(weights.values()))[0]
            comment = "" if rng.random() < NO_COMMENT else rng.choice(COMMENTS[score])
            hours = min(max(rng.expovariate(1 / 10), 0.3), 72)  # mostly the same day
            moment = case.closed_at + timedelta(hours=hours)
            if moment >= self.now:
                continue
            actor = users.setdefault(case.submitted_by_id, case.submitted_by)
            with transaction.atomic(), demo_clock(moment):
                s.case_rate(case=case, actor=actor, score=score, comment=comment)
            created += 1
        return created, len(rated)
