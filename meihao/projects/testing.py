"""A responsibility team's project in the test personas' street A, for every app's tests."""

import datetime

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.people.models import Team, TeamMember
from meihao.places.models import Building
from meihao.projects.models import Household, Milestone, Project


def make_project(personas, *, households=4, starts_on=datetime.date(2026, 1, 5)) -> Project:
    tree = personas.tree
    team = Team.objects.create(
        name="城东片区承责团队",
        kind=Team.Kind.RESPONSIBILITY,
        place=tree.district,
        place_path=tree.district.path,
    )
    officer = make_user(
        "13800000085",
        "项目专员",
        home=tree.grid_a1,
        roles=[(Role.DEPARTMENT_STAFF, personas.department)],
    )
    TeamMember.objects.create(team=team, person=officer.person)
    project = Project.objects.create(
        name="骑楼片区棚户区改造",
        kind=Project.Kind.SHANTYTOWN,
        team=team,
        place=tree.community_a,
        place_path=tree.community_a.path,
        starts_on=starts_on,
    )
    building = Building.objects.create(
        name="骑楼巷3号楼", place=tree.grid_a1, place_path=tree.grid_a1.path
    )
    for n in range(households):
        Household.objects.create(
            project=project, building=building, label=f"{n + 1:02d}户", head_name=f"户主{n + 1}"
        )
    Milestone.objects.create(
        project=project, name="土地交付", due_on=starts_on + datetime.timedelta(days=100)
    )
    project.officer = officer
    return project
