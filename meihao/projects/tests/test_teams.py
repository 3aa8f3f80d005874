"""Responsibility teams (承责团队): who reads a team (the district's officials, those of the
places it covers, its members; 404 otherwise), what its page says, and a project site's map."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from meihao.core.testing import make_user
from meihao.party.testing import build_party, make_org
from meihao.people.models import Organisation, TeamMember
from meihao.places.models import Building
from meihao.projects import selectors
from meihao.projects.testing import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, 0), tick=False):
        yield


@pytest.fixture
def project(personas):
    project = make_project(personas)
    team = project.team
    team.covered_places.add(personas.tree.street_a, personas.tree.community_a)
    team.units.add(
        Organisation.objects.create(name="万秀区教育局", kind="unit", place=personas.tree.district),
        Organisation.objects.create(name="万秀区财政局", kind="unit", place=personas.tree.district),
    )
    leader = make_user("13800000086", "区领导甲", roles=[])  # a district leader
    TeamMember.objects.create(team=team, person=leader.person, position="leader")
    project.leader = leader
    TeamMember.objects.filter(team=team, person=project.officer.person).update(duty="入户签约组")
    return project


def test_who_reads_a_team(client, project, personas):
    team = project.team
    readers = (project.officer, personas.street_chief_a, personas.community_staff_a)
    for user in (*readers, project.leader, personas.district_admin):
        assert team in selectors.teams_of(user), user
    for name in ("grid_worker_b", "resident_a", "outsider", "department_staff"):
        user = getattr(personas, name)
        assert team not in selectors.teams_of(user), name
        client.force_login(user)
        assert client.get(reverse("projects:team", args=[team.pk])).status_code == 404
        assert client.get(reverse("projects:teams")).status_code == 404
    client.logout()
    assert client.get(reverse("projects:team", args=[team.pk])).status_code == 302  # log in
    client.force_login(personas.street_chief_a)
    for bad in ("x", "9" * 30, "-1", str(team.pk + 1000)):
        assert client.get(reverse("projects:team", args=[bad])).status_code == 404


def test_the_team_page_says_who_leads_where_and_what(client, project, personas):
    party = build_party(personas)
    branch = make_org(
        "骑楼片区棚改临时党支部",
        "branch",
        party.street_a,
        personas.tree.street_a,
        temporary=True,
        starts_on=datetime.date(2026, 1, 5),
        team=project.team,
    )
    TeamMember.objects.create(
        team=project.team, person=personas.community_staff_a.person, duty="<b>社区联络员</b>"
    )
    deputy = make_user("13800000087", "区领导乙", roles=[])
    TeamMember.objects.create(team=project.team, person=deputy.person, position="deputy")
    client.force_login(personas.street_chief_a)
    listing = client.get(reverse("projects:teams")).content.decode()
    assert "城东片区承责团队" in listing and "2 个成员单位" in listing
    html = client.get(reverse("projects:team", args=[project.team.pk])).content.decode()
    leaders = html.split('id="leaders"')[1].split("</section>")[0]
    assert "区领导甲" in leaders and "队长" in leaders
    assert leaders.index("区领导甲") < leaders.index("区领导乙")  # the leader first
    units = html.split('id="units"')[1].split("</section>")[0]
    assert "万秀区财政局" in units and "万秀区教育局" in units and "、" in units
    covered = html.split('id="covered"')[1].split("</section>")[0]
    assert personas.tree.street_a.name in covered and personas.tree.community_a.name in covered
    # The street's secretary reads the branch under her working committee: a link.
    branches = html.split('id="branches"')[1].split("</section>")[0]
    assert f'href="{reverse("party:org", args=[branch.pk])}"' in branches
    assert "2026-01-05" in branches
    assert reverse("projects:detail", args=[project.pk]) in html
    on_site = html.split('id="on-site"')[1].split("</section>")[0]
    assert "入户签约组" in on_site and "项目专员" in on_site
    assert "&lt;b&gt;社区联络员&lt;/b&gt;" in on_site and "<b>" not in on_site
    # The officer reads the team but not the party branch: its name, no link.
    client.force_login(project.officer)
    html = client.get(reverse("projects:team", args=[project.team.pk])).content.decode()
    branches = html.split('id="branches"')[1].split("</section>")[0]
    assert branch.name in branches and "href" not in branches


def test_the_project_page_draws_its_site_and_buildings(client, project, personas):
    project.boundary = {
        "type": "Polygon",
        "coordinates": [[[111.3, 23.47], [111.31, 23.47], [111.31, 23.48], [111.3, 23.47]]],
    }
    project.save()
    Building.objects.filter(pk=project.households.first().building_id).update(
        lat=23.475, lon=111.305, name="<img src=x onerror=alert(1)>"
    )
    first = project.households.order_by("pk").first()
    first.signed_on = datetime.date(2026, 2, 1)
    first.status = "signed"
    first.save()
    site = selectors.site_map(project)
    assert [f["properties"]["role"] for f in site["features"]] == ["site", "building"]
    building = site["features"][1]["properties"]
    assert building["summary"] == "4 户：已签约 1 户，已搬迁 0 户"
    assert building["all_signed"] is False
    client.force_login(project.officer)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="project-map"' in html and "projects/site_map" in html
    assert "<img src=x" not in html
    data = html.split('id="project-site" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["features"][1]["properties"]["name"] == "<img src=x onerror=alert(1)>"
    assert f'href="{reverse("projects:team", args=[project.team.pk])}"' in html


def test_a_malformed_boundary_is_not_drawn(client, project):
    project.boundary = {"type": "Polygon", "coordinates": [[[1, 2], "x"]]}
    project.save()
    assert selectors.site_map(project)["features"] == []  # no building has a location either
    client.force_login(project.officer)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="project-map"' not in html
