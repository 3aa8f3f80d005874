"""The demo's case history: spread, states, idempotency and consistent timelines."""

import io
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from meihao.cases.models import Case, CaseEvent, Status
from meihao.demo.cases import KEY_PREFIX, CaseHistory, cases_for_scale
from meihao.demo.loader import DEFAULT_SEED
from meihao.demo.plan import build_plan

# A fixed "now" so that the history (and so the counts below) is the same on every day.
NOW = datetime(2024, 11, 20, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
COUNT = 300


def grid_cases():
    """The grid reports this history files (the seed also files time-bank requests and
    micro-wishes, demo.timebank, demo.wishes, and grid cases of failed frontage checks and of
    problems on project sites, demo.frontage, demo.projects)."""
    return Case.objects.filter(case_type__code="GRID", idempotency_key__startswith=KEY_PREFIX)


def seed_for_module():
    call_command("seed_demo", residents=20, cases=0, stdout=io.StringIO(), stderr=io.StringIO())
    plan = build_plan(DEFAULT_SEED)
    created, existing = CaseHistory(plan=plan, count=COUNT, seed=DEFAULT_SEED, now=NOW).run()
    assert (created, existing) == (COUNT, 0)
    return plan


@pytest.fixture
def history(seeded_module, db):
    return seeded_module


def check_most_cases_are_closed_and_every_state_is_represented():
    states = Counter(grid_cases().values_list("status", flat=True))
    assert sum(states.values()) == COUNT
    assert states[Status.CLOSED] > COUNT * 0.7
    for status in (Status.REJECTED, Status.DUPLICATE, Status.IN_PROGRESS):
        assert states[status] >= 1, status
    open_states = set(states) - {Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.VOID}
    assert len(open_states) >= 3
    assert grid_cases().filter(is_demo=True).count() == COUNT


def check_cases_spread_over_90_days_streets_and_old_town_classes():
    times = list(grid_cases().values_list("created_at", flat=True))
    assert min(times) >= NOW - timedelta(days=92)
    assert max(times) < NOW
    assert max(times) - min(times) > timedelta(days=80)
    streets = Counter(p[:17] for p in grid_cases().values_list("place_path", flat=True))
    assert len(streets) == 5
    classes = Counter(grid_cases().values_list("category__name_zh", flat=True))
    top = {name for name, _n in classes.most_common(7)}
    assert (
        len(
            top
            & {
                "乱摆卖",
                "占道经营",
                "机动车乱停放",
                "噪音扰民",
                "非法小广告",
                "乱堆杂物",
                "暴露垃圾",
            }
        )
        >= 5
    )
    # Descriptions are the catalogue's typical report texts.
    assert grid_cases().filter(description__contains="摆卖").exists()


def check_some_cases_are_overdue():
    assert grid_cases().filter(handling_sla="red").exclude(status=Status.CLOSED).exists()


def check_timelines_are_consistent():
    events: dict[int, list] = {}
    for case_id, at, from_status, to_status in (
        CaseEvent.objects.filter(case__case_type__code="GRID")
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "created_at", "from_status", "to_status")
    ):
        events.setdefault(case_id, []).append((at, from_status, to_status))
    for case in grid_cases().all():
        timeline = events[case.pk]
        assert timeline[0][0] == case.created_at
        assert timeline[0][2] == Status.SUBMITTED
        times = [at for at, _f, _t in timeline]
        assert times == sorted(times), case.number
        assert times[-1] < NOW
        for (_a, _f, previous), (_b, following, _t) in zip(timeline, timeline[1:], strict=False):
            assert following == previous, case.number
        assert case.status == timeline[-1][2], case.number
        assert case.updated_at == times[-1]
        assert case.number[2:10] == f"{case.created_at.astimezone(NOW.tzinfo):%Y%m%d}"
        if case.status == Status.CLOSED:
            assert case.closed_at == times[-1]
            assert case.created_at < case.responded_at <= case.reported_back_at < case.closed_at


def test_history_states_spread_and_timelines(history):
    # One history, several checks: filing 300 cases through the services takes seconds.
    check_most_cases_are_closed_and_every_state_is_represented()
    check_cases_spread_over_90_days_streets_and_old_town_classes()
    check_some_cases_are_overdue()
    check_timelines_are_consistent()


def test_second_run_adds_no_cases(history):
    before = Case.objects.count(), CaseEvent.objects.count()
    created, existing = CaseHistory(plan=history, count=COUNT, seed=DEFAULT_SEED, now=NOW).run()
    assert (created, existing) == (0, COUNT)
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_scale_sets_the_number_of_cases():
    assert cases_for_scale(1) == 600
    assert cases_for_scale(0.5) == 300
    assert cases_for_scale(100) == 600
