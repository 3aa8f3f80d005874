"""`cases_overdue_now`: the grid-management cases past their deadline and not done, at the
period's end or now — the wall's overdue count and the board's overdue filter, one definition."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from meihao.cases.models import Case
from meihao.cases.selectors import BoardFilters, board_cases
from meihao.cases.services import case_dispatch, case_park, case_report_back
from meihao.cases.tests.conftest import local
from meihao.insights.figures import measure
from meihao.insights.registry import REGISTRY, Span

pytestmark = pytest.mark.django_db

FILED = local(2026, 5, 14, 10, 0)  # a Thursday
LATER = local(2026, 5, 25, 10, 0)  # a Monday, past every deadline of FILED's cases


@pytest.fixture
def overdue():
    return REGISTRY["cases_overdue_now"]


def _today(place, moment) -> Span:
    day = moment.date()
    return Span.of(place.path, day, day)


def test_a_case_counts_once_its_deadline_passes_and_until_it_is_done(personas, new_case, overdue):
    district = personas.tree.district
    with time_machine.travel(FILED, tick=False):
        case = new_case()
        assert measure(overdue, _today(district, FILED)).value == 0
    with time_machine.travel(LATER, tick=False):
        span = _today(district, LATER)
        assert measure(overdue, span).value == 1
        (record,) = overdue.records(span)
        assert record.pk == case.pk
        # The response clock ran out: not dispatched by its deadline.
        assert record.clock == "response" and record.deadline == case.respond_by
        row = [str(column.value(record)) for column in overdue.columns]
        assert row[0] == case.number and "响应" in row and row[-1].startswith("2026-05-")
        assert overdue.link(record) == reverse("cases:detail", kwargs={"number": case.number})
        # What the board lists as overdue, the figure counts.
        board = board_cases(personas.street_chief_a, BoardFilters(status="open", overdue=True))
        assert set(board.values_list("pk", flat=True)) == {case.pk}


def test_dispatched_late_then_reported_back_still_counts_until_verified(
    personas, new_case, overdue
):
    district = personas.tree.district
    with time_machine.travel(FILED, tick=False):
        case = new_case()
        case_dispatch(case=case, actor=personas.street_chief_a, user=personas.grid_worker_a)
    with time_machine.travel(LATER, tick=False):
        span = _today(district, LATER)
        (record,) = overdue.records(span)
        assert record.clock == "handling"
        case.refresh_from_db()
        case_report_back(case=case, actor=personas.grid_worker_a, note="已清理")
        # Reported back after the deadline: not done for the resident until verified.
        assert measure(overdue, span).value == 1


def test_parked_handled_other_places_and_other_types_are_left_out(
    personas, new_case, overdue, grid_type
):
    tree = personas.tree
    with time_machine.travel(FILED, tick=False):
        kept = new_case()
        parked = new_case(description="占道经营，待协调")
        case_park(case=parked, actor=personas.street_chief_a, reason="等待联合执法")
        closed = new_case(description="已处理")
        Case.objects.filter(pk=closed.pk).update(status="closed")
        elsewhere = new_case(actor=personas.grid_worker_b, place=tree.grid_b1, lat=23.42)
        other_type = new_case()
        Case.objects.filter(pk=other_type.pk).update(
            case_type=type(grid_type).objects.exclude(grid_management=True).first()
        )
    with time_machine.travel(LATER, tick=False):
        street_a = overdue.records(_today(tree.street_a, LATER))
        assert set(street_a.values_list("pk", flat=True)) == {kept.pk}
        district = {c.pk for c in overdue.records(_today(tree.district, LATER))}
        assert district == {kept.pk, elsewhere.pk}
        assert measure(overdue, _today(tree.district, LATER)).value == 2


def test_a_past_period_counts_what_was_late_by_its_end_and_is_still_not_done(
    personas, new_case, overdue
):
    district = personas.tree.district
    with time_machine.travel(FILED, tick=False):
        case = new_case()
    before = Span.of(district.path, FILED.date().replace(day=1), FILED.date() - timedelta(days=1))
    with time_machine.travel(LATER, tick=False):
        deadline_day = Case.objects.get(pk=case.pk).respond_by.date()
        assert measure(overdue, before).value == 0  # ended before the case was filed
        by_deadline = Span.of(district.path, FILED.date(), deadline_day)
        assert measure(overdue, by_deadline).value == 1
    # Read in the period itself, the figure is what is overdue at that moment.
    with time_machine.travel(FILED, tick=False):
        assert measure(overdue, Span.of(district.path, FILED.date(), LATER.date())).value == 0


def test_the_indicator_is_read_by_the_case_workers_in_chinese(overdue):
    assert str(overdue.capability.code) == "cases"
    assert not overdue.higher_is_better and overdue.about_cases
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(overdue.name) == "当前超时案件"
