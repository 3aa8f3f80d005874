"""The demo's 心灵驿站 (a pilot in the first street's communities): a year of residents asking
their community's counsellor for an appointment, each taken through counselling.services and
the case engine as of the moment it happened (`demo_clock`): the counsellor sets a time within
a day or two, in the community's counselling room or else the first of its street's (the pilot
has two, `plan`), holds the session, keeps a note; most residents confirm it, some ask for
another.
The demo counsellor has one request waiting and one appointment still to come.

Idempotent: by the case's idempotency key (`counsel-demo-<n>`)."""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from meihao.cases.models import Case
from meihao.cases.services import case_reopen, case_verify_close
from meihao.core.roles import Role
from meihao.counselling import services as counselling
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.demo.plan import history_scale
from meihao.places.models import Level, Place, Venue

KEY_PREFIX = "counsel-demo-"
REQUESTS_PER_SCALE = 60
DAYS = 365
TOPICS = [
    ("0101", "最近工作压力很大，总是心烦。周末有空。"),
    ("0102", "和爱人经常吵架，想找人聊聊。"),
    ("0103", "孩子上初中后不愿和我们说话，很担心。"),
    ("0104", "老伴走后一个人在家，心里空落落的。"),
    ("0105", "晚上睡不着，越想越焦虑。工作日晚上方便。"),
]
NOTE = "倾听为主，做了放松练习，约定下次见面前每天散步。"
FATES = [("confirmed", 80), ("again", 12), ("held", 8)]
# The demo counsellor's: one waiting, one appointment to come, then the rest of the year.
SHOWN = ("waiting", "scheduled")


@dataclass(frozen=True)
class RequestPlan:
    key: str
    asked_at: datetime.datetime
    community: str
    topic: tuple[str, str]
    fate: str
    rng: random.Random


def requests_for_scale(scale: float) -> int:
    return max(len(SHOWN), round(REQUESTS_PER_SCALE * history_scale(scale)))


class CounsellingHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.COUNSELLOR,)

    def __init__(self, **history):
        super().__init__(**history)
        self.paths = dict(Place.objects.filter(level=Level.COMMUNITY).values_list("code", "path"))
        self.rooms = dict(
            Venue.objects.filter(kind=Venue.Kind.COUNSELLING)
            .order_by("place__code")
            .values_list("place__code", "name")
        )

    def run(self) -> tuple[int, int]:
        return self.load(self.plans(), self._request)

    def plans(self) -> list[RequestPlan]:
        rng = random.Random(f"{self.seed}:counselling")
        fates, weights = zip(*FATES, strict=True)
        communities = [
            c.code
            for c in self.plan.communities
            if (Role.COUNSELLOR, self.paths.get(c.code)) in self.holders
            and self.residents.with_login(c.code)
        ]
        plans = []
        for index in range(self.count if communities else 0):
            shown = index < len(SHOWN)
            fate = SHOWN[index] if shown else rng.choices(fates, weights)[0]
            days = rng.uniform(0.1, 1.5) if shown else rng.uniform(10, DAYS)
            plans.append(
                RequestPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    asked_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    community=communities[0] if shown else rng.choice(communities),
                    topic=rng.choice(TOPICS),
                    fate=fate,
                    rng=random.Random(f"{self.seed}:counselling:{index}"),
                )
            )
        return plans

    def room(self, community: str) -> str:
        """The community's counselling room, or else the first of its street's."""
        street = self.plan.street_of(community).code
        return self.rooms.get(community) or next(
            name for code, name in self.rooms.items() if code.startswith(street)
        )

    def _request(self, plan: RequestPlan) -> bool:
        rng = plan.rng
        people = self.residents.with_login(plan.community)
        resident = self.residents.personas.get(Role.RESIDENT)
        asker = self.user(
            next(
                r.user_id
                for r in people[rng.randrange(len(people)) :] + people
                if resident is None or r.user_id != resident.user_id
            )
        )
        topic, words = plan.topic
        found = self.file(
            plan.asked_at,
            counselling.counselling_ask,
            actor=asker,
            topic=topic,
            words=words,
            idempotency_key=plan.key,
        )
        if found is None:
            return False
        if plan.fate == "waiting":
            return True
        counsellor = self.holder(Role.COUNSELLOR, self.paths[plan.community], rng)
        timeline = Timeline(plan.asked_at, rng, pace=0.3 if plan.fate == "scheduled" else 1.0)

        def step(actor, service, **kwargs):
            case = Case.objects.get(pk=found.case_id)
            return self.at(timeline.moment, service, actor=actor, case=case, **kwargs)

        timeline.later(1, 24)
        meeting = timezone.localtime(timeline.moment) + datetime.timedelta(days=rng.randint(1, 3))
        if plan.fate == "scheduled":  # the appointment is still to come
            meeting = timezone.localtime(self.now) + datetime.timedelta(days=1)
        meeting = meeting.replace(hour=rng.choice([9, 10, 15, 16, 19]), minute=0)
        step(
            counsellor,
            counselling.counselling_schedule,
            at=meeting.strftime("%Y-%m-%dT%H:%M"),
            room=self.room(plan.community),
        )
        if plan.fate == "scheduled":
            return True
        timeline.moment = meeting + datetime.timedelta(minutes=rng.randint(50, 70))
        step(
            counsellor, counselling.counselling_record, minutes=rng.choice([45, 50, 60]), notes=NOTE
        )
        if plan.fate == "held":
            return True
        timeline.later(4, 48)
        if plan.fate == "again":
            step(asker, case_reopen, reason="想再约一次，下周同一时间可以吗？")
            return True
        step(asker, case_verify_close)
        return True
