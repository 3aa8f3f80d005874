"""Filing fast (issue 3 item 11): numbering in one statement, and the API answering with the
case it just filed instead of reading it again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.cases import services
from meihao.cases.models import Case, CaseCounter
from meihao.cases.tests.conftest import local
from meihao.people.services import api_token_create

MONDAY = (2024, 5, 20)
BASE = "/api/v1/cases"
PAYLOAD = {
    "type": "GRID",
    "category": "0501",
    "description": "流动摊贩在学校门口摆卖",
    "lat": 23.41,
    "lon": 111.205,
    "address": "骑楼街 12 号",
}


# --- numbering ---------------------------------------------------------------------------------


def test_the_counter_row_is_created_by_the_first_number_and_counts_on(personas, grid_type):
    day = local(*MONDAY, 9, 0)
    assert not CaseCounter.objects.filter(case_type=grid_type).exists()
    with CaptureQueriesContext(connection) as queries:
        first = services.next_case_number(grid_type, day)
    assert len(queries) == 1  # INSERT ... ON CONFLICT DO UPDATE ... RETURNING
    second = services.next_case_number(grid_type, local(*MONDAY, 23, 59))
    tuesday = services.next_case_number(grid_type, local(2024, 5, 21, 0, 0))
    assert (first, second, tuesday) == ("WG202405200001", "WG202405200002", "WG202405210001")
    assert CaseCounter.objects.get(case_type=grid_type, day=day.date()).last == 2


# --- filing through the API --------------------------------------------------------------------


@pytest.fixture
def bearer(personas):
    _token, plaintext = api_token_create(actor=personas.grid_worker_a, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_api_create_answers_what_a_later_read_answers(client, personas, bearer):
    created = client.post(BASE, PAYLOAD, content_type="application/json", **bearer)
    assert created.status_code == 201, created.content
    body = created.json()
    read = client.get(f"{BASE}/{body['number']}", **bearer)
    assert read.status_code == 200
    assert body == read.json()
    assert body["abilities"]["view"] is True and body["timeline"][0]["action"] == "submit"


def test_api_create_of_an_auto_routed_case_answers_both_steps(client, personas, bearer):
    # The answer is built from the events the filing wrote: the routing step is one of them.
    from meihao.cases.models import CaseType

    grid = CaseType.objects.get(code="GRID")
    grid.dispatch_mode = CaseType.DispatchMode.AUTO
    grid.save()
    created = client.post(BASE, PAYLOAD, content_type="application/json", **bearer).json()
    assert [e["action"] for e in created["timeline"]] == ["submit", "dispatch"]
    assert created["status"] == "dispatched"
    read = client.get(f"{BASE}/{created['number']}", **bearer).json()
    assert created == read


def test_api_create_query_count(client, personas, bearer, settings, django_assert_max_num_queries):
    # As in production: the snapshots (grid index, catalogue) re-read their fingerprints at
    # most every 10 s, not on every read as in the other tests.
    settings.SNAPSHOT_RECHECK_SECONDS = 10
    client.post(BASE, PAYLOAD, content_type="application/json", **bearer)  # the day's counter
    # Token, scopes, the patrol's id; BEGIN, the counter, the case, its follower, event and
    # audit rows, the new-case event for the worker to fan out, the day it was filed marked for
    # the indicators' rollups (insights.rollups) by the case and by its first event (the
    # figures that read the events: the closed loop's stages), COMMIT. The type and class and
    # the grid come from the per-process snapshots; no visibility query for the new case, no
    # read-back of its timeline, and no query for the dispatchers to tell: the worker finds them.
    with django_assert_max_num_queries(13):
        response = client.post(BASE, PAYLOAD, content_type="application/json", **bearer)
    assert response.status_code == 201


def test_api_create_unknown_type_with_a_class_names_the_type(client, personas, bearer):
    response = client.post(
        BASE, {**PAYLOAD, "type": "NOPE"}, content_type="application/json", **bearer
    )
    assert response.status_code == 400
    assert response.json()["field"] == "type"
    response = client.post(
        BASE, {**PAYLOAD, "category": "9999"}, content_type="application/json", **bearer
    )
    assert response.status_code == 400
    assert response.json()["field"] == "category"
    assert not Case.objects.exists()


# --- the dispatch board ------------------------------------------------------------------------


def test_board_without_visible_to_shows_the_same_cases(personas, new_case):
    from meihao.cases.selectors import BoardFilters, board_cases
    from meihao.core.roles import OFFICIALS, PLACE_WORKERS

    # board_cases filters by the dispatcher scope alone because it lies inside visible_to:
    # the board it shows is the one it showed when it intersected both (board ⊆ visible).
    assert OFFICIALS <= PLACE_WORKERS
    in_a = new_case()
    in_b = new_case(actor=personas.grid_worker_b, lat=23.40, lon=111.30)
    # Published, so chief A may follow it; following does not put it on their board.
    services.case_accept(case=in_b, actor=personas.district_admin)
    services.case_follow(case=in_b, actor=personas.street_chief_a)
    dispatched = new_case()
    services.case_dispatch(
        case=dispatched, actor=personas.street_chief_a, organisation=personas.department
    )
    for name in ("grid_worker_a", "community_staff_a", "street_chief_a", "district_admin",
                 "department_staff", "resident_a", "outsider"):  # fmt: skip
        user = getattr(personas, name)
        visible = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        for params in ({}, {"status": "open"}, {"status": "open", "overdue": "1"}):
            board = board_cases(user, BoardFilters.from_params(params))
            assert set(board.values_list("pk", flat=True)) <= visible, (name, params)
    chief = personas.street_chief_a
    assert {c.pk for c in board_cases(chief, BoardFilters.from_params({}))} == {in_a.pk}
    assert {c.pk for c in board_cases(chief, BoardFilters.from_params({"status": "open"}))} == {
        in_a.pk,
        dispatched.pk,
    }
    district = {c.pk for c in board_cases(personas.district_admin, BoardFilters.from_params({}))}
    assert district == {in_a.pk, in_b.pk}


def test_in_subtree_keeps_exactly_the_subtree(personas, new_case):
    from meihao.core.scoping import in_subtree

    tree = personas.tree
    a1 = new_case()
    b1 = new_case(actor=personas.grid_worker_b, lat=23.40, lon=111.30)
    for place, expected in (
        (tree.district, {a1.pk, b1.pk}),
        (tree.street_a, {a1.pk}),
        (tree.grid_a1, {a1.pk}),
        (tree.grid_a2, set()),
        (tree.street_b, {b1.pk}),
    ):
        assert set(Case.objects.filter(in_subtree(place.path)).values_list("pk", flat=True)) == (
            expected
        ), place.code
    # A path that is a string prefix of a sibling's code is not its ancestor.
    assert not Case.objects.filter(in_subtree(tree.grid_a1.path[:-2] + "/")).exists()
