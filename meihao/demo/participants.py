"""Who signs up for the demo's activities (demo.activities writes them): registered volunteers
of the activity's community, the more engaged more often, in the roles it needs; residents in
the audience of lectures, clinics and cultural events; party members at branch meetings. The
demo volunteer serves in most of her community's patrols and now and then elsewhere in it, and
is signed up for her next two patrols and the walk that was called off.

Sign-ups come in over the days the activity was open; a few are cancelled; a sign-up is
confirmed while its role's places last, in the order they came, and the rest wait.
"""

import datetime
import random
from dataclasses import dataclass

from meihao.activities.attendance import SERVICE_KINDS
from meihao.demo.activity_plan import ActivityPlan
from meihao.demo.plan import PlaceSpec
from meihao.demo.residents import Resident, Residents

CANCELLED_SIGNUP = 0.04
# The demo volunteer's share of her own patrols, and of other service in her community.
PERSONA_PATROLS = 0.85
PERSONA_OTHER = 0.15


@dataclass
class Participant:
    resident: Resident
    role: str
    status: str  # confirmed | waitlisted | cancelled
    signed_up_at: datetime.datetime
    cancelled_at: datetime.datetime | None = None


class Pools:
    """Who may take part in a community's activities, with cumulative weights for drawing."""

    def __init__(self, residents: Residents, persona: Resident | None):
        self.residents = residents
        self.persona = persona
        self.cache: dict[tuple[str, str], tuple[list[Resident], list[float]]] = {}

    def pool(self, community: str, audience: str) -> tuple[list[Resident], list[float]]:
        key = (community, audience)
        if key not in self.cache:
            people = self.residents.with_login(community)
            if audience == "volunteers":
                chosen = [(r, r.engagement) for r in people if r.volunteer and r.engagement]
            elif audience == "party":
                chosen = [(r, 1.0) for r in people if r.party_member]
            else:
                chosen = [(r, 2.0 if r.elder else 1.0) for r in people]
            chosen = [(r, w) for r, w in chosen if r is not self.persona]
            total, cumulative = 0.0, []
            for _r, weight in chosen:
                total += weight
                cumulative.append(total)
            self.cache[key] = ([r for r, _w in chosen], cumulative)
        return self.cache[key]

    def draw(self, rng, community: str, audience: str, count: int, taken: set[int]):
        people, cumulative = self.pool(community, audience)
        if count <= 0 or not people:
            return []
        picked = []
        for _attempt in range(3):
            for resident in rng.choices(people, cum_weights=cumulative, k=count * 2):
                if resident.person_id not in taken:
                    taken.add(resident.person_id)
                    picked.append(resident)
                    if len(picked) == count:
                        return picked
        return picked


class SigningUp:
    def __init__(
        self, *, pools: Pools, persona: Resident | None, demo: PlaceSpec, now: datetime.datetime
    ):
        self.pools = pools
        self.persona = persona
        self.demo = demo
        self.now = now

    def participants(self, plan: ActivityPlan, *, opened: datetime.datetime) -> list[Participant]:
        """Who signed up for `plan` (the activity open since `opened`), when, and how it ended:
        confirmed, cancelled, or left on the waiting list."""
        rng = plan.rng
        code = plan.community.code
        taken: set[int] = set()
        chosen: list[tuple[Resident, str]] = []
        if self._persona_joins(plan, rng):
            taken.add(self.persona.person_id)
            chosen.append((self.persona, ""))
        for role, count in plan.roles:
            for resident in self.pools.draw(rng, code, "volunteers", count, taken):
                chosen.append((resident, role))
        general = plan.capacity - sum(n for _r, n in plan.roles)
        share = rng.uniform(*plan.spec.fill)
        if plan.state == "upcoming":
            share *= rng.uniform(0.3, 0.8)  # still filling up
        wanted = round(general * share) - sum(1 for _r, role in chosen if role == "")
        for resident in self.pools.draw(rng, code, plan.spec.audience, wanted, taken):
            chosen.append((resident, ""))
        deadline = min(plan.starts_at, self.now)
        participants = []
        for resident, role in chosen:
            moment = opened + (deadline - opened) * rng.uniform(0.05, 0.95)
            moment = moment.replace(microsecond=0)
            if rng.random() < CANCELLED_SIGNUP and resident is not self.persona:
                cancelled = moment + (deadline - moment) * rng.uniform(0.2, 0.9)
                participants.append(Participant(resident, role, "cancelled", moment, cancelled))
            else:
                participants.append(Participant(resident, role, "confirmed", moment))
        # A sign-up is confirmed while its role's places last, in the order they came; the
        # rest wait (and, the activity over, stay on the waiting list).
        participants.sort(key=lambda p: p.signed_up_at)
        places = dict(plan.roles)
        places[""] = general
        confirmed: dict[str, int] = {}
        for p in participants:
            if p.status == "cancelled":
                continue
            if confirmed.get(p.role, 0) >= places[p.role]:
                p.status = "waitlisted"
            confirmed[p.role] = confirmed.get(p.role, 0) + (p.status == "confirmed")
        return participants

    def _persona_joins(self, plan: ActivityPlan, rng: random.Random) -> bool:
        if self.persona is None or plan.community is not self.demo:
            return False
        if plan.state == "cancelled":
            return True
        if plan.persona_patrol:
            if plan.state == "upcoming":
                # Signed up for her next two patrols; the rest of the fortnight is open to her.
                return plan.starts_at - self.now < datetime.timedelta(days=5)
            return rng.random() < PERSONA_PATROLS
        return (
            plan.kind in SERVICE_KINDS and plan.state != "upcoming" and rng.random() < PERSONA_OTHER
        )
