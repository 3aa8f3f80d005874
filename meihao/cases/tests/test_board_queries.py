"""Board, queue and verification queries: filters, scoping, and query counts that do not grow
with the page (10 cases on a page of 10 vs 50 cases on a page of 50)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meihao.cases import selectors, services
from meihao.cases.models import Case, Status


@pytest.fixture
def many(personas, new_case):
    """`many(n, state)`: n cases in grid A1 (or alternating with A2: `spread`), in `state`."""

    def make(n: int, state: str = "submitted", *, spread: bool = False) -> list[Case]:
        cases = []
        for i in range(n):
            lon = 111.215 if spread and i % 2 else 111.205
            case = new_case(description=f"摊贩{i}", lon=lon)
            if state in ("dispatched", "reported_back"):
                services.case_dispatch(
                    case=case, actor=personas.street_chief_a, organisation=personas.department
                )
            if state == "reported_back":
                services.case_start(case=case, actor=personas.department_staff)
                services.case_report_back(case=case, actor=personas.department_staff, note="已办")
            cases.append(case)
        return cases

    return make


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "persona,page,state",
    [
        ("street_chief_a", "board", "submitted"),
        ("district_admin", "board", "submitted"),
        ("department_staff", "queue", "dispatched"),
        ("grid_worker_a", "verify", "reported_back"),
    ],
)
def test_query_count_does_not_depend_on_page_size(client, personas, many, persona, page, state):
    from meihao.people.models import Team

    Team.objects.create(
        name="城东街道城管队",
        kind=Team.Kind.DEPARTMENT,
        organisation=personas.department,
        place=personas.tree.street_a,
        place_path=personas.tree.street_a.path,
    )
    client.force_login(getattr(personas, persona))
    spread = page != "verify"  # grid worker A verifies grid A1 only
    many(10, state, spread=spread)
    small = count_queries(client, reverse(f"cases:{page}") + "?size=10")
    many(40, state, spread=spread)
    large = count_queries(client, reverse(f"cases:{page}") + "?size=50")
    assert large == small
    # and the rows are all there
    body = client.get(reverse(f"cases:{page}") + "?size=50").content.decode()
    assert body.count('data-case="') == 50


def test_htmx_fragment_query_count_is_flat_too(client, personas, many):
    client.force_login(personas.street_chief_a)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board-rows"}
    many(10)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("cases:board") + "?size=10", **headers)
    many(40)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("cases:board") + "?size=50", **headers)
    assert len(large) == len(small)


def numbers(user, **params) -> set[str]:
    filters = selectors.BoardFilters.from_params(params)
    return set(selectors.board_cases(user, filters).values_list("number", flat=True))


def test_board_filters(personas, new_case, grid_type):
    chief = personas.street_chief_a
    a1 = new_case()
    a2 = new_case(lon=111.215)
    noise = new_case(category=grid_type.categories.get(code="0401"), lon=111.215)
    dispatched = new_case()
    services.case_dispatch(case=dispatched, actor=chief, organisation=personas.department)
    assert numbers(chief) == {a1.number, a2.number, noise.number}
    assert numbers(chief, grid=personas.tree.grid_a1.code) == {a1.number}
    assert numbers(chief, grid=personas.tree.grid_b1.code) == set()
    assert numbers(chief, grid="999") == set()
    assert numbers(chief, minor=str(noise.category_id)) == {noise.number}
    assert numbers(chief, major=str(a1.category.parent_id)) == {a1.number, a2.number}
    assert numbers(chief, status="dispatched") == {dispatched.number}
    assert numbers(chief, status="open") == {a1.number, a2.number, noise.number, dispatched.number}
    assert numbers(chief, status="bogus") == numbers(chief)


def test_board_overdue_filter_uses_the_deadlines(personas, new_case):
    chief = personas.street_chief_a
    late = new_case()
    on_time = new_case()
    Case.objects.filter(pk=late.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    assert numbers(chief, overdue="1") == {late.number}
    assert on_time.number in numbers(chief)


def test_board_sorts_by_response_deadline(personas, new_case):
    first, second = new_case(), new_case()
    Case.objects.filter(pk=second.pk).update(respond_by=first.respond_by - timedelta(hours=1))
    filters = selectors.BoardFilters.from_params({})
    order = list(
        selectors.board_cases(personas.street_chief_a, filters).values_list("number", flat=True)
    )
    assert order == [second.number, first.number]


def test_board_is_scoped_to_the_dispatchers_places(personas, new_case):
    a = new_case()
    b = new_case(lon=111.305)
    assert numbers(personas.community_staff_a) == {a.number}
    assert numbers(personas.district_admin) == {a.number, b.number}


def test_extension_filter(personas, new_case):
    case = new_case()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    assert numbers(personas.street_chief_a, status="extension") == set()
    services.case_request_extension(
        case=case,
        actor=personas.department_staff,
        until=case.resolve_by + timedelta(days=1),
        reason="需协调",
    )
    assert numbers(personas.street_chief_a, status="extension") == {case.number}


def test_staff_counts_in_one_query(personas, new_case, django_assert_num_queries):
    new_case()
    reported = new_case()
    services.case_dispatch(
        case=reported, actor=personas.street_chief_a, organisation=personas.department
    )
    user = personas.street_chief_a
    selectors.may_use_board(user)  # load the scopes first (one query, cached per request)
    with django_assert_num_queries(1):
        counts = selectors.staff_counts(user)
    assert counts["board"] == 1 and counts["queue"] == 0
    dept = personas.department_staff
    selectors.may_use_queue(dept)
    assert selectors.staff_counts(dept)["queue"] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan format")
def test_board_filters_are_backed_by_indexes(personas, new_case):
    """EXPLAIN the board's query under each filter: it searches an index, never scans cases."""
    new_case()
    chief = personas.street_chief_a
    for params in (
        {},
        {"grid": personas.tree.grid_a1.code},
        {"status": Status.DISPATCHED},
        {"minor": "1"},
        {"overdue": "1"},
        {"sort": "resolve_by"},
    ):
        query = selectors.board_cases(chief, selectors.BoardFilters.from_params(params))
        sql, sql_params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, sql_params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        case_steps = [step for step in plan.split(" | ") if "cases_case " in step + " "]
        assert case_steps and all("INDEX" in step for step in case_steps[:1]), (params, plan)
