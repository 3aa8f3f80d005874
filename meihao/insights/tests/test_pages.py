import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meihao.cases.models import Case, CaseType
from meihao.cases.services import case_submit
from meihao.core.roles import Role
from meihao.insights.selectors import period_for
from meihao.insights.tests.conftest import local

URL = reverse("insights:cases")
MAY = {"period": "custom", "start": "2024-05-01", "end": "2024-05-31"}


def get(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(URL, {**MAY, **params})


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("grid_worker_a", 200),
        ("grid_worker_b", 200),
        ("community_staff_a", 200),
        ("street_chief_a", 200),
        ("department_staff", 200),
        ("district_admin", 200),
        ("resident_a", 404),
        ("resident_b", 404),
        ("outsider", 404),
    ],
)
def test_permission_matrix(client, month, persona, status):
    response = get(client, getattr(month.personas, persona))
    assert response.status_code == status


def test_anonymous_is_sent_to_log_in(client, month):
    response = get(client, None)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "place"),
    [
        ("street_chief_a", "450403002"),  # the other street
        ("grid_worker_a", "450403001001"),  # above the grid worker's grid
        ("community_staff_a", "450403"),  # the district
        ("district_admin", "999999"),  # no such place
    ],
)
def test_place_outside_the_users_scope_is_404(client, month, persona, place):
    assert get(client, getattr(month.personas, persona), place=place).status_code == 404


def test_street_chief_sees_the_street_with_cards_table_and_charts(client, month):
    response = get(client, month.personas.street_chief_a)
    stats = response.context["stats"]
    assert stats.place == month.personas.tree.street_a
    cards = {card.name: card.measure for card in stats.cards}
    assert cards["reports_filed"].value == 5
    assert stats.group_by == "community"
    assert [row.name for row in stats.rows] == ["骑楼社区"]
    charts = json.loads(response.context["charts"] and json.dumps(response.context["charts"]))
    assert sum(charts["per_day"]["values"]) == 5
    assert len(charts["per_day"]["labels"]) == 31
    assert charts["by_class"]["labels"] == ["噪音扰民"]
    assert charts["by_department"]["values"] == [2]
    html = response.content.decode()
    assert 'id="insights-charts"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "insights/cases.js" in html


def test_district_admin_groups_by_street_department_and_grid_worker(client, month, settings):
    settings.GRID_GRADE_MIN_CASES = 1
    p = month.personas
    stats = get(client, p.district_admin).context["stats"]
    assert stats.place == p.tree.district
    assert {row.name for row in stats.rows} == {"城东街道", "城南街道"}
    assert all(row.grade in {"A", "B", "C", "D", "E", None} for row in stats.rows)
    departments = get(client, p.district_admin, by="department").context["stats"]
    assert [(row.key, row.grade) for row in departments.rows] == [(p.department.pk, "E")]
    workers = get(client, p.district_admin, by="grid_worker").context["stats"]
    assert {row.name for row in workers.rows} == {"网格员甲", "网格员乙"}
    assert [c["name"] for c in workers.columns] == ["reports_filed", "valid_report_rate"]


def test_too_few_cases_show_instead_of_a_grade(client, month):
    stats = get(client, month.personas.district_admin, by="department").context["stats"]
    assert [(row.grade, row.too_few) for row in stats.rows] == [(None, True)]
    html = get(client, month.personas.district_admin, by="department").content.decode()
    assert "Too few cases" in html or "样本不足" in html


def test_other_case_types_are_not_counted(client, month):
    help_type = CaseType.objects.create(
        code="HELPTEST",
        number_prefix="HT",
        name_zh="互助测试",
        submit_roles=[Role.RESIDENT],
        dispatch_mode=CaseType.DispatchMode.CLAIM,
    )
    with time_machine.travel(local(2024, 5, 10, 9, 0), tick=False):
        case_submit(
            actor=month.personas.resident_a,
            case_type=help_type,
            description="想请人陪同就医",
            place=month.personas.tree.grid_a1,
            channel=Case.Channel.RESIDENT,
        )
    response = get(client, month.personas.street_chief_a)
    cards = {card.name: card.measure for card in response.context["stats"].cards}
    assert cards["reports_filed"].value == 5
    assert sum(response.context["charts"]["per_day"]["values"]) == 5


def test_department_staff_see_only_their_departments_row(client, month):
    stats = get(client, month.personas.department_staff, by="street").context["stats"]
    assert stats.place is None
    assert stats.group_by == "department"
    assert [row.key for row in stats.rows] == [month.personas.department.pk]
    cards = {card.name: card.measure for card in stats.cards}
    assert cards["reports_filed"].value == 3  # only the cases dispatched to the department


def test_bad_custom_period_is_explained_and_falls_back(client, month):
    response = get(client, month.personas.district_admin, start="2024-05-31", end="2024-05-01")
    assert response.status_code == 200
    assert response.context["error"]
    assert response.context["stats"].period.key == "last_30_days"


def test_periods():
    today = local(2024, 3, 15).date()
    this_month, _e = period_for("this_month", today=today)
    assert (this_month.first_day.isoformat(), this_month.last_day.isoformat()) == (
        "2024-03-01",
        "2024-03-15",
    )
    last_month, _e = period_for("last_month", today=today)
    assert (last_month.first_day.isoformat(), last_month.last_day.isoformat()) == (
        "2024-02-01",
        "2024-02-29",
    )
    year, _e = period_for("this_year", today=today)
    assert year.start == local(2024, 1, 1) and year.end == local(2024, 3, 16)
    custom, error = period_for("custom", start="2024-01-10", end="2024-01-10", today=today)
    assert error is None and custom.end == local(2024, 1, 11)
    _p, error = period_for("custom", start="nonsense", end="", today=today)
    assert error


def test_query_count_does_not_grow_with_the_number_of_groups(client, month):
    from meihao.cases.models import Case, CaseType
    from meihao.cases.services import case_submit
    from meihao.core.testing import make_place
    from meihao.places.models import Level

    p = month.personas
    admin = p.district_admin

    def count(**params):
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {**MAY, **params})
        assert response.status_code == 200
        return len(queries), len(response.context["stats"].rows)

    before = {by: count(by=by) for by in ("street", "department", "grid_worker")}
    grid_type = CaseType.objects.get(code="GRID")
    noise = grid_type.categories.get(code="0506")
    for n in range(3, 6):
        street = make_place(f"450403{n:03d}", f"街道{n}", Level.STREET, p.tree.district)
        community = make_place(f"{street.code}001", f"社区{n}", Level.COMMUNITY, street)
        grid = make_place(f"{community.code}001", f"网格{n}", Level.GRID, community)
        with time_machine.travel(local(2024, 5, 12, 9, 0), tick=False):
            case = case_submit(
                actor=admin,
                case_type=grid_type,
                category=noise,
                description="噪音",
                place=grid,
                channel=Case.Channel.HOTLINE,
            )
            from meihao.cases.services import case_dispatch

            case_dispatch(case=case, actor=admin, organisation=p.department)
    after = {by: count(by=by) for by in ("street", "department", "grid_worker")}
    assert after["street"][1] == before["street"][1] + 3
    for by in before:
        assert after[by][0] == before[by][0], by


def test_home_links_to_the_page_for_staff_only(client, month):
    p = month.personas
    client.force_login(p.street_chief_a)
    assert URL in client.get(reverse("home")).content.decode()
    client.force_login(p.resident_a)
    assert URL not in client.get(reverse("home")).content.decode()


def test_every_number_links_to_its_records(client, month):
    import re

    p = month.personas
    response = get(client, p.street_chief_a)
    html = response.content.decode()
    stats = response.context["stats"]
    period = "start=2024-05-01&amp;end=2024-05-31"
    for card in stats.cards:
        assert f'href="/insights/indicators/{card.name}/?place=450403001&amp;{period}"' in html
    community = p.tree.community_a.code
    assert f'href="/insights/indicators/acceptance_rate/?place={community}&amp;{period}"' in html
    # The linked page shows the same number as the card.
    link = re.search(r'href="(/insights/indicators/acceptance_rate/\?place=450403001[^"]*)"', html)
    target = client.get(link.group(1).replace("&amp;", "&"))
    cards = {card.name: card.measure for card in stats.cards}
    assert target.context["reading"].measure == cards["acceptance_rate"]


def test_department_rows_are_not_linked(client, month):
    html = get(client, month.personas.department_staff).content.decode()
    assert "data-records-link" not in html
