"""What the demo's histories of the cases residents file share (the online applications, the
petitions, the micro-wishes and the time bank's help requests): each plans its cases from its
seed, then takes each case not loaded before (by its idempotency key) through the services as
of the moment each step happened (`demo_clock`, see demo.cases), in a transaction of its own,
so that seeding again adds only what is missing. The offices that act on the cases are found
once per history. Applications, petitions and wishes are filed and taken on in waking hours
(`filed_while_awake`, `Timeline`).
"""

import datetime
import random
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from django.db import transaction
from django.utils import timezone

from meihao.cases.models import Case
from meihao.core.roles import Role
from meihao.demo.cases import demo_clock
from meihao.demo.plan import Plan
from meihao.demo.residents import Resident, Residents
from meihao.people.models import RoleAssignment, User

WAKING_HOURS = (8, 21)  # local hours in which residents file and cases are acted on


def filed_while_awake(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """A moment in waking hours (WAKING_HOURS, local time) on the day of `moment`, never after
    it: the day before if `moment` is too early in the morning. Seconds too, so that two cases
    are never stamped alike."""
    local = timezone.localtime(moment)
    first, last = WAKING_HOURS
    awake = local.replace(
        hour=rng.randrange(first, last),
        minute=rng.randrange(60),
        second=rng.randrange(60),
        microsecond=0,
    )
    return awake if awake <= moment else awake - datetime.timedelta(days=1)


def while_awake(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """`moment`, or if it falls at night the next morning's first hours: offices, party members
    and residents act by day."""
    local = timezone.localtime(moment)
    first, last = WAKING_HOURS
    if first <= local.hour < last:
        return moment
    morning = local.replace(hour=first, minute=0, second=0, microsecond=0)
    if local.hour >= last:
        morning += datetime.timedelta(days=1)
    return morning + datetime.timedelta(seconds=rng.randrange(2 * 3600))


def street_of(community_path: str) -> str:
    """The path of the street a community (by its path) belongs to."""
    return community_path.rsplit("/", 2)[0] + "/"


class Timeline:
    """Where one case's story has got to: each step some time after the one before, drawn from
    the case's own generator, and pushed into waking hours. `pace` scales the delays: a case
    that must reach its state by now moves faster than the usual."""

    def __init__(self, moment: datetime.datetime, rng: random.Random, pace: float = 1.0):
        self.moment = moment
        self.rng = rng
        self.pace = pace

    def later(self, hours_low: float, hours_high: float) -> datetime.datetime:
        hours = self.rng.uniform(hours_low, hours_high) * self.pace
        return self._move(datetime.timedelta(hours=hours))

    def days_later(self, days_low: float, days_high: float) -> datetime.datetime:
        days = self.rng.uniform(days_low, days_high) * self.pace
        return self._move(datetime.timedelta(days=days))

    def _move(self, delay: datetime.timedelta) -> datetime.datetime:
        self.moment = while_awake(self.moment + delay, self.rng)
        return self.moment


class CasePlan(Protocol):
    key: str  # the case's idempotency key


P = TypeVar("P", bound=CasePlan)


class History:
    """A history of cases of one kind, loaded idempotently: their idempotency keys begin with
    `key_prefix`. `office_roles`: the offices whose holders act on its cases (`holder`)."""

    key_prefix: str
    office_roles: tuple[str, ...] = ()

    def __init__(
        self, *, plan: Plan, residents: Residents, seed: int, count: int, now=None
    ) -> None:
        self.plan = plan
        self.residents = residents
        self.seed = seed
        self.count = count
        self.now = now or timezone.now()
        # One object per user: its role scopes are loaded once.
        self.users: dict[int, User] = {}
        # Who holds each office, by (role, the organisation's id or else the place's path).
        self.holders: dict[tuple, list[int]] = {}
        if self.office_roles:
            for role, place_path, organisation_id, user in RoleAssignment.objects.filter(
                role__in=self.office_roles, user__is_active=True
            ).values_list("role", "place__path", "organisation_id", "user"):
                self.holders.setdefault((role, organisation_id or place_path), []).append(user)

    def user(self, who: int | Resident) -> User:
        """The user of `who`: a user's id, or a resident with a log-in."""
        user_id = getattr(who, "user_id", who)
        if user_id not in self.users:
            self.users[user_id] = User.objects.get(pk=user_id)
        return self.users[user_id]

    def holder(self, role: str, where, rng: random.Random) -> User | None:
        """One of the holders of `role` at `where` (an organisation's id or a place's path),
        drawn with `rng`; None if the office is vacant."""
        users = self.holders.get((role, where))
        return self.user(rng.choice(sorted(users))) if users else None

    def street_chief(self, community_path: str, rng: random.Random) -> User | None:
        return self.holder(Role.STREET_CHIEF, street_of(community_path), rng)

    def department_staff(self, organisation_id, rng: random.Random) -> User | None:
        return self.holder(Role.DEPARTMENT_STAFF, organisation_id, rng)

    def at(self, moment: datetime.datetime, service, **kwargs):
        """Run `service` as of `moment`; None (nothing done) if `moment` is still to come."""
        if moment >= self.now:
            return None
        with demo_clock(moment):
            return service(**kwargs)

    def file(self, moment: datetime.datetime, service, **kwargs):
        """File a case with `service` as of `moment` (as `at` does), marked as the demo's: what
        the service returned (the case, or the application or petition around it), or None."""
        filed = self.at(moment, service, **kwargs)
        if filed is not None:
            case_id = filed.pk if isinstance(filed, Case) else filed.case_id
            Case.objects.filter(pk=case_id).update(is_demo=True)
        return filed

    def load(self, plans: Iterable[P], take: Callable[[P], bool]) -> tuple[int, int]:
        """`take` each plan whose case is not there yet, each in a transaction of its own (true:
        it filed the case): (cases filed, cases there before)."""
        existing = set(
            Case.objects.filter(idempotency_key__startswith=self.key_prefix).values_list(
                "idempotency_key", flat=True
            )
        )
        created = 0
        for plan in plans:
            if plan.key in existing:
                continue
            with transaction.atomic():
                if take(plan):
                    created += 1
        return created, len(existing)
