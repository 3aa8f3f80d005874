"""Taking a grid case another demo stage filed (a failed 门前三包 check, demo.frontage; a problem
found on a project's site, demo.projects) through the street's dispatch and the department's
handling, as of the moment each step happened (`demo_clock`, see demo.cases): the street chief
accepts and dispatches it to the department of its class (its team in the street), a member of
the team starts it and reports back within the class's limit, and the one who verifies closes
it. A step whose moment is still to come is not taken, so a recent case is still open; `until`
stops a case short on purpose."""

import datetime
import random

from meihao.cases import services as s
from meihao.cases.models import Case
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import PERSONAS
from meihao.demo.cases import demo_clock
from meihao.demo.history import while_awake
from meihao.people.models import Organisation, RoleAssignment, Team, TeamMember, User

# The steps, in order; `until` names the last one taken.
STEPS = ("accept", "dispatch", "start", "report_back", "close")
REPORT_NOTES = ("已到场处置，现场已恢复", "已责令当事人整改完毕", "已清理完毕，现场整洁")
CLOSE_NOTES = ("现场核查已整改", "复查合格", "")
PERSONA_CHIEF_SHARE = 0.7  # of the cases in his street: the demo street chief's pages


class CaseSteps:
    """The offices that act on the cases, loaded once: the street chiefs, the departments and
    their teams in each street."""

    def __init__(self, *, now: datetime.datetime):
        self.now = now
        chief_phone = next(p.phone for p in PERSONAS if p.role == Role.STREET_CHIEF)
        self.chiefs: dict[str, list[int]] = {}
        for user_id, code in (
            RoleAssignment.objects.filter(role=Role.STREET_CHIEF)
            .order_by("user_id")
            .values_list("user_id", "place__code")
        ):
            self.chiefs.setdefault(code, []).append(user_id)
        chief = User.objects.filter(phone=chief_phone)
        self.persona_chief = chief.values_list("pk", flat=True).first()
        self.departments = {
            o.short_name: o
            for o in Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT, is_demo=True)
        }
        self.teams = {
            (t.organisation_id, t.place.code): t
            for t in Team.objects.filter(kind=Team.Kind.DEPARTMENT, organisation__isnull=False)
            .select_related("place")
            .order_by("pk")
        }
        self.handlers: dict[int, list[int]] = {}
        for team_id, user_id in (
            TeamMember.objects.filter(
                team__in=list(self.teams.values()), person__user__isnull=False
            )
            .order_by("person__user_id")
            .values_list("team_id", "person__user_id")
        ):
            self.handlers.setdefault(team_id, []).append(user_id)
        self.staff: dict[int, list[int]] = {}
        for org_id, user_id in (
            RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF)
            .order_by("user_id")
            .values_list("organisation_id", "user_id")
        ):
            self.staff.setdefault(org_id, []).append(user_id)
        self.users: dict[int, User] = {}

    def user(self, pk: int) -> User:
        """One object per user: its role scopes are loaded once."""
        if pk not in self.users:
            self.users[pk] = User.objects.get(pk=pk)
        return self.users[pk]

    def chief(self, street_code: str, rng: random.Random) -> User | None:
        chiefs = self.chiefs.get(street_code) or []
        if self.persona_chief in chiefs and rng.random() < PERSONA_CHIEF_SHARE:
            return self.user(self.persona_chief)
        return self.user(rng.choice(chiefs)) if chiefs else None

    def at(self, moment: datetime.datetime, service, **kwargs):
        """Run `service` as of `moment`; None (and nothing done) if `moment` is still to come."""
        if moment >= self.now:
            return None
        with demo_clock(moment):
            return service(**kwargs)

    def take(
        self,
        case: Case,
        *,
        filed_at: datetime.datetime,
        rng: random.Random,
        verifier: User | None = None,
        until: str = "close",
    ) -> Case:
        """Take `case` through its steps up to `until` (or as far as `now` allows)."""
        street_code = case.place_path.split("/")[1]
        chief = self.chief(street_code, rng)
        if chief is None:
            return case
        moment = filed_at

        def later(low_hours: float, high_hours: float) -> datetime.datetime:
            nonlocal moment
            moment = while_awake(
                moment + datetime.timedelta(hours=rng.uniform(low_hours, high_hours)), rng
            )
            return moment

        last = STEPS.index(until)
        taken = self.at(later(0.2, 3), s.case_accept, case=case, actor=chief)
        if taken is None or last < STEPS.index("dispatch"):
            return case
        case = taken
        organisation = self.departments.get(case.category.department) or self.departments.get(
            data.DEPARTMENTS[0][1]
        )
        team = self.teams.get((organisation.pk, street_code))
        taken = self.at(
            later(0.1, 1.5),
            s.case_dispatch,
            case=case,
            actor=chief,
            organisation=organisation,
            team=team,
        )
        if taken is None or last < STEPS.index("start"):
            return case
        case = taken
        people = (self.handlers.get(team.pk) if team else None) or self.staff.get(
            organisation.pk, []
        )
        if not people:
            return case
        handler = self.user(rng.choice(people))
        taken = self.at(later(0.2, 3), s.case_start, case=case, actor=handler)
        if taken is None or last < STEPS.index("report_back"):
            return case
        case = taken
        due = case.resolve_by or moment + datetime.timedelta(hours=8)
        report_at = moment + max(
            (due - moment) * rng.uniform(0.2, 0.85), datetime.timedelta(minutes=20)
        )
        moment = report_at
        taken = self.at(
            report_at, s.case_report_back, case=case, actor=handler, note=rng.choice(REPORT_NOTES)
        )
        if taken is None or last < STEPS.index("close"):
            return case
        case = taken
        self.at(
            later(0.5, 6),
            s.case_verify_close,
            case=case,
            actor=verifier or chief,
            note=rng.choice(CLOSE_NOTES),
        )
        return case

    def closed_by(self, case: Case) -> datetime.datetime | None:
        """When `case` was closed (None: still open)."""
        case.refresh_from_db(fields=["status", "closed_at"])
        return case.closed_at
