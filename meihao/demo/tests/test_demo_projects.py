"""The responsibility teams' projects (demo.projects) and the 门前三包 pledges and checks
(demo.frontage), seeded once for the module at a small scale (200 residents: scale 0.02) on a
pinned day, 1 March 2027 at half past midnight. The article's figures at scale 1 are checked on
the rule that sets each project's households (`project_targets`), without seeding scale 1."""

import datetime
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone
from shapely.geometry import shape

from meihao.cases.models import Case, Status
from meihao.core.roles import OFFICIALS, Role
from meihao.demo.accounts import DEMO_PASSWORD
from meihao.demo.frontage import DEMO_GRID_PLEDGES, FrontagePledges
from meihao.demo.loader import DEFAULT_SEED, row_counts
from meihao.demo.plan import build_plan
from meihao.demo.projects import (
    OFFICER_IN_SCOPE,
    OFFICER_VISITED,
    PROJECTS,
    RELOCATED_AT_SCALE_1,
    SIGNED_AT_SCALE_1,
    project_targets,
)
from meihao.frontage.models import Check, Pledge
from meihao.frontage.services import CASE_CLASS
from meihao.party.models import MeetingType, PartyMeeting, PartyMember, PartyOrg, PartyPost
from meihao.people.models import Organisation, RoleAssignment, Team, TeamMember, User
from meihao.projects import services as project_services
from meihao.projects.models import (
    STEP_FIELDS,
    FrontLineEntry,
    Household,
    HouseholdStep,
    Milestone,
    Project,
)
from meihao.projects.selectors import projects_of

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2027, 3, 1, 0, 30, tzinfo=TZ)
TODAY = NOW.date()
RESIDENTS = 200
SCALE = RESIDENTS / 10_000
OFFICER, GRID_WORKER = "13900000017", "13900000002"
DEMO_GRID = "450403001001001"


def seed() -> str:
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "seed_demo",
            residents=RESIDENTS,
            cases=0,
            patrols=1,  # the demo grid worker's two weeks: checks on patrol
            activities=0,
            stdout=out,
            stderr=err,
        )
    return err.getvalue()


def seed_for_module():
    return seed()


@pytest.fixture
def seeded(seeded_module, db):
    with time_machine.travel(NOW, tick=False):
        yield seeded_module


# -- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1, 0.5, 0.37, 0.1, 0.05, 0.02, 0.001, 3])
def test_the_households_follow_the_scale_and_the_articles_figures_at_1(scale):
    targets = project_targets(scale)
    capped = min(scale, 1)
    assert sum(t.signed for t in targets) == round(SIGNED_AT_SCALE_1 * capped)
    assert sum(t.relocated for t in targets) == round(RELOCATED_AT_SCALE_1 * capped)
    for spec, target in zip(PROJECTS, targets, strict=True):
        assert target.relocated <= target.signed <= target.visited <= target.households
        if spec.kind == Project.Kind.LAND:
            assert target.relocated == target.households
        if spec.officer:
            assert target.visited - target.signed >= OFFICER_VISITED
            assert target.households - target.visited >= OFFICER_IN_SCOPE


def test_at_scale_1_the_projects_are_as_planned():
    targets = project_targets(1)
    assert sum(t.signed for t in targets) == 10_221
    assert sum(t.relocated for t in targets) == 9_269
    for spec, target in zip(PROJECTS, targets, strict=True):
        planned = (spec.households, spec.visited, spec.signed, spec.relocated)
        assert (target.households, target.visited, target.signed, target.relocated) == planned
        assert 1_700 <= spec.households <= 2_600
    assert 10_500 <= sum(t.households for t in targets) <= 11_000
    assert Counter(p.kind for p in PROJECTS) == {"shantytown": 4, "land": 1}


# -- the projects -------------------------------------------------------------------------------


def test_each_team_has_its_project_in_a_community_of_its_street(seeded):
    assert "responsibility projects:" in seeded
    projects = list(Project.objects.select_related("team", "place"))
    assert len(projects) == 5
    assert {p.team.name for p in projects} == {f"{p.area}承责团队" for p in PROJECTS}
    for project in projects:
        assert project.is_demo and project.team.kind == Team.Kind.RESPONSIBILITY
        assert project.place.level == "community"
        assert project.place in project.team.covered_places.all()
        assert project.place_path == project.place.path
        site = shape(project.boundary)
        assert site.is_valid and shape(project.place.boundary).contains(site)
        days = (TODAY - project.starts_on).days
        assert 240 <= days <= 3 * 366 + 10
        assert project.description
    # The officer's is the latest.
    latest = Project.objects.order_by("-starts_on").first()
    assert latest.name == next(p.name for p in PROJECTS if p.officer)


def test_households_at_this_scale_follow_the_rule(seeded):
    targets = dict(zip([p.name for p in PROJECTS], project_targets(SCALE), strict=True))
    totals = Household.objects.aggregate(
        signed=Count("pk", filter=Q(signed_on__isnull=False)),
        relocated=Count("pk", filter=Q(relocated_on__isnull=False)),
    )
    assert totals == {
        "signed": round(SIGNED_AT_SCALE_1 * SCALE),
        "relocated": round(RELOCATED_AT_SCALE_1 * SCALE),
    }
    for project in Project.objects.all():
        target = targets[project.name]
        households = project.households
        assert households.count() == target.households
        assert households.filter(visited_on__isnull=False).count() == target.visited
        assert households.filter(signed_on__isnull=False).count() == target.signed
        assert households.filter(relocated_on__isnull=False).count() == target.relocated
        # In the site's estates and lanes, in grids of the project's community.
        assert not households.filter(building=None).exists()
        for household in households.select_related("building"):
            assert household.building.place_path.startswith(project.place_path)
            assert household.building.place.level == "grid"
            assert household.label and household.head_name
        labels = list(households.values_list("building", "label"))
        assert len(labels) == len(set(labels))


def test_steps_are_in_order_and_none_in_the_future(seeded):
    officers = {}
    for project in Project.objects.select_related("team"):
        members = TeamMember.objects.filter(team=project.team, person__user__isnull=False)
        officers[project.pk] = set(members.values_list("person__user_id", flat=True))
    steps: dict[int, dict[str, tuple]] = {}
    for household_id, step, on, officer in HouseholdStep.objects.values_list(
        "household_id", "step", "on", "officer_id"
    ):
        assert step not in steps.setdefault(household_id, {})
        steps[household_id][step] = (on, officer)
    for household in Household.objects.select_related("project"):
        days = [household.visited_on, household.signed_on, household.relocated_on]
        reached = [d for d in days if d is not None]
        assert days[: len(reached)] == reached  # visited ⊇ signed ⊇ relocated
        assert reached == sorted(reached)
        assert all(household.project.starts_on <= d < TODAY for d in reached)
        status = ["in_scope", "visited", "signed", "relocated"][len(reached)]
        assert household.status == status
        recorded = steps.get(household.pk, {})
        assert {s: on for s, (on, _o) in recorded.items()} == {
            step: getattr(household, field)
            for step, field in STEP_FIELDS.items()
            if getattr(household, field)
        }
        assert all(o in officers[household.project_id] for _on, o in recorded.values())
    assert HouseholdStep.objects.filter(recorded_at__gte=NOW).count() == 0


def test_the_land_was_cleared_in_100_days_and_one_milestone_is_overdue(seeded):
    land = Project.objects.get(kind=Project.Kind.LAND)
    handover = land.milestones.get(name="土地交付")
    assert handover.reached_on == land.starts_on + datetime.timedelta(days=100)
    assert not land.households.filter(relocated_on=None).exists()
    last = land.households.order_by("-relocated_on").first().relocated_on
    assert last < handover.reached_on
    milestones = Milestone.objects.select_related("project")
    for milestone in milestones.exclude(reached_on=None):
        assert milestone.project.starts_on <= milestone.reached_on < TODAY
    (overdue,) = milestones.filter(reached_on=None, due_on__lt=TODAY)
    assert overdue.project.name == next(p.name for p in PROJECTS if p.officer)
    assert milestones.filter(reached_on=None, due_on__gt=TODAY).count() >= 4
    assert milestones.exclude(reached_on=None).count() >= 10
    for project in Project.objects.all():
        assert project.milestones.count() >= 4


def test_teams_on_site_and_temporary_branches(seeded):
    committee = MeetingType.objects.get(code="committee")
    for project in Project.objects.select_related("team", "branch", "place"):
        members = TeamMember.objects.filter(team=project.team)
        assert 6 <= members.count() <= 12, project.team.name
        assert members.filter(position="leader").count() == 1
        assert members.filter(person__user__isnull=False).count() >= 3
        branch = project.branch
        assert branch.temporary and branch.level == PartyOrg.Level.BRANCH and branch.is_demo
        assert branch.starts_on == project.starts_on
        assert branch.ends_on is None or branch.ends_on > TODAY
        assert branch.team_id == project.team_id and branch.place_id == project.place_id
        assert branch.name.endswith("临时党支部")
        parent = branch.parent
        assert parent.level == PartyOrg.Level.STREET_COMMITTEE
        assert parent.place_id == project.place.parent_id
        assert branch.path == f"{parent.path}{branch.pk}/"
        # Its committee: party members of the team, whose home branches are elsewhere.
        posts = list(branch.posts.all())
        assert 3 <= len(posts) <= 5
        assert [p.post for p in posts].count(PartyPost.Post.SECRETARY) == 1
        holders = {p.person_id for p in posts}
        assert holders <= set(members.values_list("person_id", flat=True))
        homes = PartyMember.objects.filter(person_id__in=holders)
        assert homes.count() == len(holders)
        assert not homes.filter(branch=branch).exists()
        assert not branch.members.exists()
        # It holds its 支部委员会 every month since it was set up (within the year).
        meetings = PartyMeeting.objects.filter(org=branch)
        assert set(meetings.values_list("meeting_type", flat=True)) == {committee.pk}
        first = max(project.starts_on, datetime.date(TODAY.year - 1, TODAY.month, 1))
        months = (TODAY.year - first.year) * 12 + TODAY.month - first.month
        assert months - 1 <= meetings.count() <= months
        assert not meetings.filter(held_on__lt=project.starts_on).exists()
        assert not meetings.filter(held_on__gte=TODAY).exists()
    # The article's 32 units, each in one of the five teams.
    teams = Team.objects.filter(kind=Team.Kind.RESPONSIBILITY)
    assert teams.count() == 5
    units = Team.units.through.objects.filter(team__in=teams)
    assert units.count() == units.values("organisation").distinct().count() == 32
    assert all(6 <= team.units.count() <= 7 for team in teams)


def test_the_front_line_log_and_problems_raised_as_cases(seeded):
    for project in Project.objects.select_related("team"):
        users = set(
            TeamMember.objects.filter(team=project.team).values_list("person__user_id", flat=True)
        )
        entries = FrontLineEntry.objects.filter(project=project)
        assert 20 <= entries.count() <= 60
        assert set(entries.values_list("kind", flat=True)) == set(FrontLineEntry.Kind.values)
        assert set(entries.values_list("author_id", flat=True)) <= users
        assert not entries.filter(on__lt=project.starts_on).exists()
        assert not entries.filter(on__gte=TODAY).exists()
        problems = project.problems.select_related("case")
        assert 2 <= problems.count() <= 3
        for problem in problems:
            case = problem.case
            assert case.channel == Case.Channel.PROJECT and case.case_type.code == "GRID"
            assert case.place_id == project.place_id and case.is_demo
            assert case.submitted_by_id in users
            assert project.name in case.description
    officers = Project.objects.get(name=next(p.name for p in PROJECTS if p.officer))
    assert officers.problems.exclude(case__status=Status.CLOSED).exists()
    assert Case.objects.filter(project_problem__isnull=False, status=Status.CLOSED).count() >= 8


def test_the_project_officer_sees_his_project_and_records_a_signing(seeded, client):
    officer = User.objects.get(phone=OFFICER)
    assert not officer.role_assignments.filter(role__in=OFFICIALS).exists()
    projects = list(projects_of(officer))
    assert [p.name for p in projects] == [next(p.name for p in PROJECTS if p.officer)]
    project = projects[0]
    assert project.place.code == "450403001001"  # the demo community, where he lives
    assert officer.person.home_place.path.startswith(project.place_path)
    assert TeamMember.objects.filter(team=project.team, person=officer.person).exists()
    visited = project.households.filter(status=Household.Status.VISITED)
    assert visited.count() >= OFFICER_VISITED and project.households.count() >= 40
    assert project.households.filter(status=Household.Status.IN_SCOPE).exists()
    # He sits on the temporary branch's committee; he is a member of his unit's branch.
    assert PartyPost.objects.filter(org=project.branch, person=officer.person).exists()
    assert officer.person.party_membership.branch.unit.name == "万秀区住房和城乡建设局"

    assert client.login(username=OFFICER, password=DEMO_PASSWORD)
    page = client.get("/projects/")
    assert page.status_code == 200 and project.name in page.content.decode()
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    listed = client.get(f"/projects/{project.pk}/households/?status=visited").content.decode()
    assert 'data-status="visited"' in listed
    assert client.get(f"/party/orgs/{project.branch_id}/").status_code == 200
    team = client.get(f"/projects/teams/{project.team_id}/").content.decode()
    assert project.team.name in team and project.branch.name in team and "万秀区" in team
    household = visited.first()
    project_services.household_step(
        actor=officer, household=household, step="signed", on=TODAY.isoformat()
    )
    household.refresh_from_db()
    assert household.status == Household.Status.SIGNED and household.signed_on == TODAY


# -- 门前三包 ------------------------------------------------------------------------------------


def test_pledges_in_every_community_at_this_scale(seeded):
    assert "frontage pledges:" in seeded
    plan = build_plan(DEFAULT_SEED)
    counts = FrontagePledges(plan=plan, seed=DEFAULT_SEED, scale=SCALE).counts()
    full = FrontagePledges(plan=plan, seed=DEFAULT_SEED, scale=1).counts()
    assert 900 < sum(full) < 1000  # the article's 900+ at scale 1
    pledges = Pledge.objects.select_related("grid")
    assert pledges.count() == sum(counts)
    per_community = Counter(p.place_path.split("/")[3] for p in pledges)
    assert len(per_community) == 30
    assert not pledges.filter(is_demo=False).exists()
    merchants = pledges.exclude(merchant=None)
    assert merchants.count() >= 30
    for pledge in merchants.select_related("merchant"):
        assert pledge.merchant.kind == Organisation.Kind.MERCHANT
        assert pledge.name == pledge.merchant.name and pledge.grid_id == pledge.merchant.place_id
    for pledge in pledges:
        assert pledge.grid.level == "grid" and pledge.place_path == pledge.grid.path
        assert TODAY - datetime.timedelta(days=2 * 366) <= pledge.signed_on < TODAY
        assert pledge.withdrawn_on is None or pledge.signed_on < pledge.withdrawn_on < TODAY
        assert RoleAssignment.objects.filter(
            user=pledge.created_by_id,
            role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF],
            place__path__in=[pledge.place_path, pledge.place_path.rsplit("/", 2)[0] + "/"],
        ).exists()


def test_checks_over_the_year_failed_ones_filed_cases(seeded):
    checks = Check.objects.select_related("pledge", "case", "patrol", "case__category")
    assert checks.count() > 2 * Pledge.objects.count()
    for check in checks:
        pledge = check.pledge
        assert NOW - datetime.timedelta(days=366) <= check.checked_at < NOW
        assert check.place_path == pledge.place_path
        assert timezone.localdate(check.checked_at) > pledge.signed_on
        if pledge.withdrawn_on:
            assert timezone.localdate(check.checked_at) < pledge.withdrawn_on
        assert RoleAssignment.objects.filter(
            user=check.checker_id, role=Role.GRID_WORKER, place=pledge.grid_id
        ).exists()
        if check.passed:
            assert check.case is None and not check.failed
        else:
            case = check.case
            assert check.failed and case.channel == Case.Channel.GRID_PATROL
            assert case.place_id == pledge.grid_id and case.submitted_by_id == check.checker_id
            assert case.category.code == CASE_CLASS[check.failed.split(",")[0]]
            assert case.created_at == check.checked_at and case.is_demo
        if check.patrol:
            assert check.patrol.worker_id == check.checker_id
            assert check.patrol.started_at <= check.checked_at <= check.patrol.ended_at
    failed = checks.filter(passed=False)
    assert 0 < failed.count() <= 0.15 * checks.count()
    assert failed.filter(case__status=Status.CLOSED).exists()
    # A closed case's frontage was checked again and found kept.
    for check in failed.filter(case__status=Status.CLOSED)[:20]:
        later = check.pledge.checks.filter(checked_at__gt=check.case.closed_at)
        assert not later.exists() or later.order_by("checked_at").first().passed


def test_each_pledge_keeps_its_latest_result(seeded):
    latest = {}
    for pledge_id, at, passed in Check.objects.order_by("checked_at").values_list(
        "pledge_id", "checked_at", "passed"
    ):
        latest[pledge_id] = (timezone.localdate(at), passed)
    for pledge in Pledge.objects.all():
        assert (pledge.last_checked_on, pledge.last_passed) == latest.get(pledge.pk, (None, None))
    assert Pledge.objects.filter(last_checked_on=None).exists()


def test_the_grid_worker_finds_pledges_never_checked_and_one_failed(seeded, client):
    worker = User.objects.get(phone=GRID_WORKER)
    mine = Pledge.objects.visible_to(worker).filter(grid__code=DEMO_GRID)
    assert mine.count() >= DEMO_GRID_PLEDGES
    assert mine.filter(last_checked_on=None).count() >= 2
    failed = mine.filter(last_passed=False)
    assert failed.exists()
    last = failed.first().checks.order_by("-checked_at").first()
    assert last.checker == worker and not last.passed
    assert last.case.status not in (Status.CLOSED, Status.REJECTED)
    assert (TODAY - timezone.localdate(last.checked_at)).days <= 3
    assert client.login(username=GRID_WORKER, password=DEMO_PASSWORD)
    page = client.get("/frontage/?state=failed")
    assert page.status_code == 200 and failed.first().name in page.content.decode()


def test_loading_again_adds_nothing(seeded):
    before = row_counts(), Milestone.objects.count(), Case.objects.count()
    output = seed()
    assert (row_counts(), Milestone.objects.count(), Case.objects.count()) == before
    assert "responsibility projects: 0 new" in output
    assert "frontage pledges: 0 new" in output
