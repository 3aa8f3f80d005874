"""The demo's micro-wishes (微心愿): four months of wishes in every state, each taken through
the wishes app's and the case engine's services as of the moment it happened (`demo_clock`,
see demo.cases): ordered by a resident (`wish_order`), published by the community's staff
(`wish_publish`) or given to a named party member (`wish_dispatch`) or declined
(`case_reject`); claimed by a party member (`wish_claim`), in person or for their unit, often
joined by others (`wish_join`); fulfilled with a photo (`wish_fulfil`) and confirmed by the
resident (`case_verify_close`), whose close effect credits every claimant person the WISH
points. Published wishes nobody claims are escalated by the hourly sweep
(`wishes_escalate_unclaimed`), run as of the hour it would have found them.

The demo community has a wish in each state, most with the demo party member: ordered (by the
demo resident), published, dispatched to him, claimed by a neighbour and joined by him for his
unit, fulfilled by him and awaiting confirmation, closed with points, rejected, escalated.

Idempotent: wishes by their case's idempotency key (`wish-demo-<n>`, `wish-demo-<state>`).
"""

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from meihao.cases import services as cases
from meihao.cases.models import CaseCategory
from meihao.core.roles import Role
from meihao.demo.cases import demo_clock
from meihao.demo.dual import PARTY_MEMBER_UNIT
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.demo.photos import room_scene, upload
from meihao.demo.plan import history_scale
from meihao.demo.residents import Resident
from meihao.people.models import Organisation, PersonTag, RoleAssignment
from meihao.wishes import services as wishes
from meihao.wishes.models import WISH_CODE

KEY_PREFIX = "wish-demo-"
WISHES_PER_SCALE = 40
DAYS = 120
# What residents wish for, by kind (category code), and what the lead reports.
WISHES = {
    "0101": (
        ["想要一台电风扇度夏", "冬天到了，希望有一床厚棉被", "想要一个电饭煲"],
        "已把物品送到老人家中",
    ),
    "0102": (["孩子上初中，想要一个书包和一套文具", "希望有人辅导孩子数学"], "已送上学习用品"),
    "0103": (["希望有人帮忙预约医院体检", "想要一个电子血压计"], "已陪同体检"),
    "0104": (["老伴去世后一个人住，希望逢年过节有人来看看", "想和志愿者一起过生日"], "已上门陪伴"),
    "0105": (["家里的旧电视坏了，想修一修", "想学习用智能手机和孙子视频"], "已帮忙解决"),
}
FATES = [
    ("closed", 55),
    ("closed_joint", 15),
    ("fulfilled", 6),
    ("claimed", 6),
    ("dispatched", 5),
    ("published", 4),
    ("escalated", 3),
    ("ordered", 3),
    ("rejected", 3),
]
# The demo community's wish in each state, as (fate, days ago it was ordered).
# Long enough that every step of the state is taken before now, each step's delay pushed into
# waking hours (up to 14 hours more).
DEMO_STATES = [
    ("ordered", 0.2),
    ("published", 3),
    ("dispatched", 3),
    ("claimed_joint", 6),
    ("fulfilled", 8),
    ("closed_joint", 12),
    ("rejected", 8),
    ("escalated", 10),
]
REJECT_REASON = "该心愿属于社会救助范围，已转民政部门按政策办理"


@dataclass
class WishPlan:
    key: str
    ordered_at: datetime.datetime
    community: str
    fate: str
    rng: random.Random
    demo: bool = False


def fulfilment_photo(rng: random.Random) -> SimpleUploadedFile:
    """The photo of the fulfilled wish: the gift in the resident's room (demo.photos)."""
    return upload(room_scene(rng), "wish.jpg")


class WishHistory(History):
    key_prefix = KEY_PREFIX

    def __init__(self, **history):
        super().__init__(**history)
        self.now_local = timezone.localtime(self.now)
        self.categories = {
            c.code: c
            for c in CaseCategory.objects.filter(
                case_type__code=WISH_CODE, parent__isnull=False, is_active=True
            )
        }
        members = set(
            RoleAssignment.objects.filter(role=Role.PARTY_MEMBER).values_list(
                "user_id", "place__code"
            )
        )
        self.party: dict[str, list[Resident]] = {}
        self.wishers: dict[str, list[Resident]] = {}
        in_need = {PersonTag.Tag.ELDER, PersonTag.Tag.LOW_INCOME, PersonTag.Tag.DISABLED}
        for community in self.plan.communities:
            people = self.residents.with_login(community.code)
            self.party[community.code] = [
                r for r in people if (r.user_id, community.code) in members
            ]
            self.wishers[community.code] = [
                r for r in people if r.tags & in_need and not r.party_member
            ]
        self.persona = self.residents.personas.get(Role.PARTY_MEMBER)
        self.resident = self.residents.personas.get(Role.RESIDENT)
        self.persona_unit = Organisation.objects.filter(name=PARTY_MEMBER_UNIT).first()

    def run(self) -> tuple[int, int]:
        if not self.categories:
            return 0, 0
        escalations = []

        def take(wish: WishPlan) -> bool:
            moment = self._wish(wish)
            if moment is not None and wish.fate == "escalated":
                escalations.append(moment)
            return moment is not None

        loaded = self.load(self.plans(), take)
        # The hourly sweep, as of the hour after each wish fell due.
        for moment in sorted(m for m in escalations if m < self.now):
            with transaction.atomic(), demo_clock(moment):
                wishes.wishes_escalate_unclaimed(now=moment)
        return loaded

    def plans(self) -> list[WishPlan]:
        served = [code for code in self.party if len(self.party[code]) >= 2 and self.wishers[code]]
        rng = random.Random(f"{self.seed}:wishes")
        fates, weights = zip(*FATES, strict=True)
        plans = []
        for index in range(self.count if served else 0):
            ordered = self.now - datetime.timedelta(days=rng.uniform(0.5, DAYS))
            plans.append(
                WishPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    ordered_at=filed_while_awake(ordered, rng),
                    community=rng.choice(served),
                    fate=rng.choices(fates, weights)[0],
                    rng=random.Random(f"{self.seed}:wish:{index}"),
                )
            )
        demo = self.plan.communities[0].code
        for fate, days in DEMO_STATES:
            rng = random.Random(f"{self.seed}:wish:{fate}")
            plans.append(
                WishPlan(
                    key=f"{KEY_PREFIX}{fate.replace('_', '-')}",
                    ordered_at=filed_while_awake(
                        self.now - datetime.timedelta(days=days),
                        random.Random(f"{self.seed}:wish-time:{fate}"),
                    ),
                    community=demo,
                    fate=fate,
                    rng=rng,
                    demo=True,
                )
            )
        return sorted(
            (p for p in plans if p.ordered_at < self.now), key=lambda p: (p.ordered_at, p.key)
        )

    # -- one wish --------------------------------------------------------------------------------
    def _wish(self, wish: WishPlan) -> datetime.datetime | None:
        """File and take the wish as far as its fate and the clock allow; the moment its
        escalation falls due (for an escalated wish), else when it was ordered; None if not
        filed."""
        rng = wish.rng
        code = wish.community
        party = self.party[code]
        wisher = self.resident if wish.demo and wish.fate in ("ordered", "closed_joint") else None
        wisher = wisher or (rng.choice(self.wishers[code]) if self.wishers[code] else None)
        staff = self.residents.staff.get(code)
        if wisher is None or not staff or len(party) < 2:
            return None
        category = rng.choice(sorted(self.categories))
        asks, done = WISHES.get(category, WISHES["0105"])
        case = self.file(
            wish.ordered_at,
            wishes.wish_order,
            actor=self.user(wisher),
            category=self.categories[category],
            description=rng.choice(asks),
            idempotency_key=wish.key,
        )
        if case is None:
            return None
        if wish.fate == "ordered":
            return wish.ordered_at
        reviewer = self.user(staff[0].user_id)
        timeline = Timeline(wish.ordered_at, rng)
        t = timeline.later(2, 40)
        if wish.fate == "rejected":
            self.at(t, cases.case_reject, case=case, actor=reviewer, reason=REJECT_REASON)
            return wish.ordered_at
        lead, joiner = self._claimants(wish, party)
        if wish.fate == "dispatched":
            self.at(t, wishes.wish_dispatch, case=case, actor=reviewer, member=self.user(lead))
            return wish.ordered_at
        if not self.at(t, wishes.wish_publish, case=case, actor=reviewer):
            return wish.ordered_at
        if wish.fate == "escalated":
            return t + datetime.timedelta(days=settings.WISH_UNCLAIMED_DAYS, hours=1)
        if wish.fate == "published":
            return wish.ordered_at
        t = timeline.later(1, 24 if wish.demo else 120)
        if not self.at(t, wishes.wish_claim, case=case, actor=self.user(lead)):
            return wish.ordered_at
        if joiner is not None:
            t = timeline.later(1, 24)
            unit = self.persona_unit if joiner is self.persona and wish.demo else None
            if unit is not None and timezone.localdate(t).year != self.now_local.year:
                # Dual registration is per year: in the first days of January the joint wish
                # still waiting is joined for the unit in the new year; one that went on to be
                # fulfilled was joined in person last December.
                if wish.fate == "claimed_joint":
                    new_year = self.now_local.replace(
                        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
                    )
                    t = timeline.moment = max(t, new_year + (self.now - new_year) / 2)
                else:
                    unit = None
            self.at(t, wishes.wish_join, case=case, actor=self.user(joiner), unit=unit)
        if wish.fate in ("claimed", "claimed_joint"):
            return wish.ordered_at
        t = timeline.days_later(0.5, 2 if wish.demo else 6)
        if not self.at(
            t,
            wishes.wish_fulfil,
            case=case,
            actor=self.user(lead),
            note=done,
            photos=[fulfilment_photo(rng)],
        ):
            return wish.ordered_at
        if wish.fate == "fulfilled":
            return wish.ordered_at
        t = timeline.later(2, 48)
        self.at(t, cases.case_verify_close, case=case, actor=self.user(wisher), note="感谢党员同志")
        return wish.ordered_at

    def _claimants(self, wish: WishPlan, party: list[Resident]):
        """(lead, joiner or None): in the demo community the demo party member leads, or joins
        the wish a neighbour claimed."""
        rng = wish.rng
        others = [r for r in party if r is not self.persona]
        joint = wish.fate in ("closed_joint", "claimed_joint")
        if wish.demo and self.persona in party and others:
            if wish.fate == "claimed_joint":
                return rng.choice(others), self.persona
            return self.persona, (rng.choice(others) if joint else None)
        lead = rng.choice(party)
        rest = [r for r in party if r is not lead]
        return lead, (rng.choice(rest) if joint and rest else None)


def wishes_for_scale(scale: float) -> int:
    return round(WISHES_PER_SCALE * history_scale(scale))
