"""Who sees which dashboard for which places, and that every number is the indicator's own."""

import re

import pytest
import time_machine

from meihao.dashboards import selectors
from meihao.dashboards.indicators import FUNNEL
from meihao.insights import figures
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.tests.conftest import build_month, local

pytestmark = pytest.mark.django_db

MAY_31 = local(2024, 5, 31, 15, 0)


@pytest.fixture
def month(personas):
    return build_month(personas)


@pytest.fixture
def in_may():
    with time_machine.travel(MAY_31, tick=False):
        yield


def get(client, user, query=""):
    client.force_login(user)
    return client.get("/dashboard/" + query)


def test_each_role_sees_its_dashboard_for_its_place(client, personas, in_may):
    p = personas
    expected = {
        "district_admin": ("district", p.tree.district),
        "street_chief_a": ("street", p.tree.street_a),
        "community_staff_a": ("community", p.tree.community_a),
    }
    for name, (key, place) in expected.items():
        response = get(client, getattr(p, name))
        assert response.status_code == 200, name
        board = response.context["board"]
        assert board.board.key == key
        assert board.place == place
        assert [x.place.pk for x in board.subjects] == [place.pk]


@pytest.mark.parametrize(
    "name", ["resident_a", "outsider", "grid_worker_a", "volunteer_a", "party_member_a"]
)
def test_no_dashboard_is_a_404(client, personas, name, in_may):
    assert get(client, getattr(personas, name)).status_code == 404


def test_anonymous_goes_to_log_in(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_out_of_scope_is_a_404(client, personas, in_may):
    p = personas
    # Another street, the district above, another role's board.
    assert get(client, p.street_chief_a, f"?place={p.tree.street_b.code}").status_code == 404
    assert get(client, p.street_chief_a, f"?place={p.tree.district.code}").status_code == 404
    assert get(client, p.street_chief_a, "?board=district").status_code == 404
    assert get(client, p.community_staff_a, "?board=street").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?period=fortnight",
        "?period=custom&start=2024-05-31&end=2024-05-01",
        "?period=custom&start=yesterday&end=2024-05-01",
        "?period=custom&start=2020-01-01&end=2024-05-01",
    ],
)
def test_bad_period_is_a_400_in_words(client, personas, query, in_may):
    response = get(client, personas.street_chief_a, query)
    assert response.status_code == 400
    assert response.content.decode().count("<form") >= 0
    assert re.search("期|日期|period", response.content.decode())


def test_every_number_is_the_indicators_and_links_to_its_records(client, personas, month, in_may):
    p = personas
    response = get(client, p.street_chief_a)
    board = response.context["board"]
    html = response.content.decode()
    street = p.tree.street_a
    may = Span.of(street.path, local(2024, 5, 1).date(), local(2024, 5, 31).date())
    april = Span.of(street.path, local(2024, 4, 1).date(), local(2024, 4, 30).date())
    assert board.tiles
    for tile in board.tiles:
        indicator = tile.indicator
        assert tile.measure == figures.measure(indicator, may)
        assert tile.previous == figures.measure(indicator, april)
        query = f"place={street.code}&amp;start=2024-05-01&amp;end=2024-05-31"
        assert f'href="/insights/indicators/{indicator.code}/?{query}"' in html
        months = figures.monthly(indicator, may, 12)
        assert [point["value"] for point in tile.spark] == [m.value for _f, m in months]
        assert tile.spark[-1]["url"].endswith("start=2024-05-01&end=2024-05-31")
    filed = next(t for t in board.tiles if t.indicator.code == "reports_filed")
    assert filed.measure.value == 5  # c0–c4 and c6 are street A's, c0 in April: five in May
    for stage in board.funnel["stages"]:
        assert stage["value"] == figures.measure(REGISTRY[stage["code"]], may).value
    assert [s["code"] for s in board.funnel["stages"]] == list(FUNNEL)


def test_the_funnel_follows_the_loop(personas, month, in_may):
    district = personas.tree.district
    may = Span.of(district.path, local(2024, 5, 1).date(), local(2024, 5, 31).date())
    values = [figures.measure(REGISTRY[code], may).value for code in FUNNEL]
    # c1–c3, c5, c6 filed (c4 a duplicate); c1, c2, c5 accepted and dispatched; c1, c2 reported
    # back and verified; none rated.
    assert values == [5, 3, 3, 2, 2, 0]


def test_rank_among_sibling_streets(personas, month, in_may):
    with time_machine.travel(MAY_31, tick=False):
        from meihao.insights.selectors import period_for

        period, _error = period_for("this_month")
        board = selectors.dashboard(personas.street_chief_a, period=period)
    filed = next(t for t in board.tiles if t.indicator.code == "reports_filed")
    assert (filed.rank, filed.peers) == (1, 2)  # street A filed more than street B


def test_attention_lists_only_in_scope(client, personas, month, in_may):
    p = personas
    board = get(client, p.community_staff_a).context["board"]
    overdue = next(a for a in board.attention if a.key == "overdue_cases")
    numbers = {item["text"] for item in overdue.items}
    # c5 (street B) is overdue too, but not the community's; c6 in A2 was never answered.
    assert month.cases["c5"].number not in numbers
    assert month.cases["c6"].number in numbers
    board = get(client, p.district_admin).context["board"]
    overdue = next(a for a in board.attention if a.key == "overdue_cases")
    assert {month.cases["c5"].number, month.cases["c6"].number} <= {
        i["text"] for i in overdue.items
    }


def test_heat_map_counts_cases_per_grid(client, personas, month, in_may):
    response = get(client, personas.district_admin)
    heatmap = response.context["board"].heatmap
    t = personas.tree
    grids = heatmap["grids"]
    assert grids["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in grids["features"]}
    counts = {code: f["properties"]["cases"] for code, f in features.items()}
    assert counts == {t.grid_a1.code: 3, t.grid_a2.code: 1, t.grid_b1.code: 1}
    a1 = features[t.grid_a1.code]
    assert a1["geometry"] == t.grid_a1.boundary
    assert a1["properties"]["name"] == t.grid_a1.name
    # The tooltip's words: the grid's name and its count, in the user's language.
    assert a1["properties"]["label"] == f"{t.grid_a1.name}：3 件"
    # Filled on the sequential scale: the busiest grid the darkest class of the three (1, 2, 3).
    assert [step["text"] for step in heatmap["legend"]] == ["0", "1", "2", "3"]
    assert a1["properties"]["colour"] == heatmap["legend"][-1]["colour"]
    assert features[t.grid_b1.code]["properties"]["colour"] == heatmap["legend"][1]["colour"]
    assert len({step["colour"] for step in heatmap["legend"]}) == 4
    # A click follows the grid's link: its cases of the period.
    listed = client.get(a1["properties"]["url"])
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == 3
    # The page hands the map its data through json_script only, and lists the grids as links.
    html = response.content.decode()
    assert 'id="dashboard-data" type="application/json"' in html
    assert "/static/places/maps.js" in html and "/static/dashboards/heatmap.js" in html
    assert f'href="{a1["properties"]["url"].replace("&", "&amp;")}"' in html


def test_heat_map_reads_the_grids_rollup_rows_once_built(client, personas, month, in_may):
    from meihao.insights import rollups
    from meihao.insights.models import RollupRow

    rollups.rebuild(REGISTRY["cases_reported"])
    grid = personas.tree.grid_a1
    # A row made to disagree with the records shows it is the row that is read.
    rows = RollupRow.objects.filter(
        indicator="cases_reported", place_path=grid.path, day__range=("2024-05-01", "2024-05-31")
    )
    days = rows.update(numerator=7)  # its three cases of May were filed on three days
    heatmap = get(client, personas.district_admin).context["board"].heatmap
    counts = {
        f["properties"]["code"]: f["properties"]["cases"] for f in heatmap["grids"]["features"]
    }
    assert counts[grid.code] == 7 * days == 21
    assert counts[personas.tree.grid_b1.code] == 1


def test_attention_lists_are_left_out_of_the_figures(personas, month, in_may):
    from meihao.insights.selectors import period_for

    period, _error = period_for("this_month")
    figures_only = selectors.dashboard_figures(personas.district_admin, period=period)
    board = selectors.dashboard(personas.district_admin, period=period)
    assert figures_only.attention == []
    assert [a.key for a in board.attention] and board.tiles == figures_only.tiles


def test_heat_map_grid_names_reach_the_page_as_text(client, personas, month, in_may):
    grid = personas.tree.grid_a1
    grid.name = '<img src=x onerror="alert(1)">网格'
    grid.save(update_fields=["name"])
    html = get(client, personas.district_admin).content.decode()
    assert "<img src=x" not in html
    assert "\\u003Cimg src=x" in html  # in the json_script block, escaped


def test_heat_classes_split_the_counts_into_at_most_five_equal_ranges():
    assert selectors.heat_classes(0) == []
    assert selectors.heat_classes(1) == [(1, 1)]
    assert selectors.heat_classes(3) == [(1, 1), (2, 2), (3, 3)]
    assert selectors.heat_classes(10) == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    assert selectors.heat_classes(17) == [(1, 4), (5, 8), (9, 12), (13, 16), (17, 17)]
    assert selectors.heat_colours(1) == [selectors.HEAT_COLOURS[2]]
    assert selectors.heat_colours(3) == [selectors.HEAT_COLOURS[i] for i in (0, 2, 4)]
    assert selectors.heat_colours(5) == list(selectors.HEAT_COLOURS)
    for highest in range(1, 60):
        classes = selectors.heat_classes(highest)
        assert len(classes) <= len(selectors.HEAT_COLOURS)
        covered = [n for low, high in classes for n in range(low, high + 1)]
        assert covered == list(range(1, highest + 1))


def test_query_count_is_bounded(client, personas, month, in_may, django_assert_max_num_queries):
    client.force_login(personas.district_admin)
    client.get("/dashboard/")
    with django_assert_max_num_queries(400):
        assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize(
    "first, last, before",
    [
        ("2024-05-01", "2024-05-31", ("2024-04-01", "2024-04-30")),  # a whole month
        ("2024-03-01", "2024-03-31", ("2024-02-01", "2024-02-29")),
        ("2024-05-01", "2024-05-07", ("2024-04-01", "2024-04-07")),  # this month so far
        ("2024-03-01", "2024-03-30", ("2024-02-01", "2024-02-29")),  # no 30 February
        ("2024-01-01", "2024-05-31", ("2023-01-01", "2023-05-31")),  # this year so far
        ("2024-05-02", "2024-05-31", ("2024-04-02", "2024-05-01")),  # 30 days
    ],
)
def test_the_period_compared_with(first, last, before):
    from datetime import date

    got = selectors.previous_days(date.fromisoformat(first), date.fromisoformat(last))
    assert got == tuple(date.fromisoformat(day) for day in before)


def test_a_custom_period_travels_in_every_link(client, personas, month, in_may):
    query = "?period=custom&start=2024-05-06&end=2024-05-20"
    board = get(client, personas.district_admin, query).context["board"]
    for tile in board.tiles:
        assert tile.url.endswith(
            f"place={personas.tree.district.code}&start=2024-05-06&end=2024-05-20"
        )
    assert all("start=2024-05-06&end=2024-05-20" in s["url"] for s in board.funnel["stages"])
    assert "period=custom" in board.query
