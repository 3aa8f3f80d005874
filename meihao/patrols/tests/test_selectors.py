"""Minutes per day (Asia/Shanghai days), the duty board and its scope, linking reports."""

import datetime
import uuid

import pytest
import time_machine

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.patrols import selectors, services
from meihao.patrols.days import split_by_day
from meihao.patrols.tests.helpers import B1, local, track, walk

WEDNESDAY = local(2025, 3, 12, 20, 0)
MONDAY, TUESDAY = datetime.date(2025, 3, 10), datetime.date(2025, 3, 11)


def test_session_crossing_midnight_is_split_across_days(personas):
    worker = personas.grid_worker_a
    # 23:20 on Tuesday to 00:35 on Wednesday, China time (15:20–16:35 UTC, all one UTC day).
    with time_machine.travel(local(2025, 3, 12, 1, 0), tick=False):
        walk(worker, local(2025, 3, 11, 23, 20), 75)
        minutes = selectors.patrol_minutes_by_day(worker, start=MONDAY, end=WEDNESDAY.date())
    assert minutes == [(worker.pk, TUESDAY, 40), (worker.pk, WEDNESDAY.date(), 35)]


def test_minutes_of_an_active_patrol_grow_with_its_points(personas):
    worker = personas.grid_worker_a
    begun = local(2025, 3, 12, 9, 0)
    with time_machine.travel(local(2025, 3, 12, 9, 45), tick=False):
        session = services.patrol_start(
            actor=worker, client_id=uuid.uuid4(), started_at=begun
        ).session
        services.patrol_record_points(actor=worker, session=session, points=track(begun, 20))
        first = selectors.patrol_minutes_by_day(worker, start=MONDAY, end=WEDNESDAY.date())
        services.patrol_record_points(actor=worker, session=session, points=track(begun, 40))
        later = selectors.patrol_minutes_by_day(worker, start=MONDAY, end=WEDNESDAY.date())
    assert first == [(worker.pk, WEDNESDAY.date(), 20)]
    assert later == [(worker.pk, WEDNESDAY.date(), 40)]


def test_two_patrols_on_one_day_add_up_and_overlaps_count_once():
    day = local(2025, 3, 12, 8, 0)
    hour = datetime.timedelta(hours=1)
    intervals = [
        (day, day + hour / 2),
        (day + hour, day + 2 * hour),
        (day + hour * 1.5, day + hour * 2.5),  # overlaps the second by half an hour
    ]
    assert split_by_day(intervals) == {day.date(): 2 * 3600}  # 0.5 h + 1.5 h


@pytest.fixture
def week(personas):
    """Worker A met the hour on Monday, Tuesday and Wednesday; B only on Wednesday, and a
    second worker of grid A2 patrolled 30 minutes on Wednesday."""
    a2_worker = make_user(
        "13800000023",
        "网格员丁",
        home=personas.tree.grid_a2,
        roles=[(Role.GRID_WORKER, personas.tree.grid_a2)],
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        walk(personas.grid_worker_a, local(2025, 3, 10, 9, 0), 61)
        walk(personas.grid_worker_a, local(2025, 3, 11, 9, 0), 60)
        walk(personas.grid_worker_a, local(2025, 3, 12, 9, 0), 30)
        walk(personas.grid_worker_a, local(2025, 3, 12, 15, 0), 35)
        walk(personas.grid_worker_b, local(2025, 3, 11, 9, 0), 59, origin=B1)
        walk(personas.grid_worker_b, local(2025, 3, 12, 9, 0), 70, origin=B1)
        walk(a2_worker, local(2025, 3, 12, 9, 0), 30)
    personas.a2_worker = a2_worker
    return personas


def board_for(user, **kwargs):
    with time_machine.travel(WEDNESDAY, tick=False):
        board = selectors.duty_board(user, **kwargs)
    return board, {row.name: row for row in board.rows}


def test_duty_board_for_the_district(week):
    board, rows = board_for(week.district_admin)
    assert board.week_start == MONDAY and board.days_elapsed == 3
    a, b, d = rows["网格员甲"], rows["网格员乙"], rows["网格员丁"]
    assert (a.today_minutes, a.week_minutes, a.days_met, a.met_today, a.met_week) == (
        65,
        186,
        3,
        True,
        True,
    )
    assert (b.today_minutes, b.days_met, b.met_today, b.met_week) == (70, 1, True, False)
    assert (d.today_minutes, d.met_today, d.met_week) == (30, False, False)
    assert (a.community_name, a.street_name, a.grid_name) == (
        "骑楼社区",
        "城东街道",
        "骑楼社区第1网格",
    )
    summaries = {s.name: (s.workers, s.met_today, s.met_week) for s in board.communities}
    assert summaries == {"骑楼社区": (2, 1, 1), "河东社区": (1, 1, 0)}
    streets = {s.name: (s.workers, s.met_today, s.met_week) for s in board.streets}
    assert streets == {"城东街道": (2, 1, 1), "城南街道": (1, 1, 0)}


def test_street_chief_of_a_does_not_see_the_workers_of_b(week):
    board, rows = board_for(week.street_chief_a)
    assert set(rows) == {"网格员甲", "网格员丁"}
    assert [s.name for s in board.streets] == ["城东街道"]
    assert [code for code, _ in board.community_choices] == [week.tree.community_a.code]


def test_community_staff_see_their_community(week):
    _, rows = board_for(week.community_staff_a)
    assert set(rows) == {"网格员甲", "网格员丁"}


def test_grid_worker_sees_only_themself(week):
    _, rows = board_for(week.grid_worker_a)
    assert set(rows) == {"网格员甲"}
    minutes = selectors.patrol_minutes_by_day(
        week.grid_worker_a, start=MONDAY, end=WEDNESDAY.date()
    )
    assert {worker for worker, _, _ in minutes} == {week.grid_worker_a.pk}


@pytest.mark.parametrize("persona", ["resident_a", "department_staff", "outsider"])
def test_others_see_no_duty_board(week, persona):
    board, rows = board_for(getattr(week, persona))
    assert rows == {} and board.communities == []
    assert (
        selectors.patrol_minutes_by_day(getattr(week, persona), start=MONDAY, end=WEDNESDAY.date())
        == []
    )


def test_duty_board_filters(week):
    _, rows = board_for(week.district_admin, community=week.tree.community_b.code)
    assert set(rows) == {"网格员乙"}
    _, rows = board_for(week.district_admin, show="unmet_today")
    assert set(rows) == {"网格员丁"}
    _, rows = board_for(week.district_admin, show="unmet_week")
    assert set(rows) == {"网格员乙", "网格员丁"}
    # A community outside the chief's view shows nothing rather than everything.
    _, rows = board_for(week.street_chief_a, community=week.tree.community_b.code)
    assert rows == {}


def test_monday_morning_week_is_today_only(week):
    with time_machine.travel(local(2025, 3, 10, 23, 0), tick=False):
        board = selectors.duty_board(week.district_admin)
    rows = {row.name: row for row in board.rows}
    assert board.days_elapsed == 1
    assert rows["网格员甲"].met_week and rows["网格员甲"].week_minutes == 61


def test_my_patrol_days(week):
    with time_machine.travel(WEDNESDAY, tick=False):
        days = selectors.my_patrol_days(week.grid_worker_a)
        sessions = list(selectors.my_patrols(week.grid_worker_a))
    assert len(days) == 14
    assert [(d.day, d.minutes, d.met) for d in days[:4]] == [
        (WEDNESDAY.date(), 65, True),
        (TUESDAY, 60, True),
        (MONDAY, 61, True),
        (datetime.date(2025, 3, 9), 0, False),
    ]
    assert len(sessions) == 4 and all(s.worker_id == week.grid_worker_a.pk for s in sessions)


def test_patrol_for_report(personas):
    worker = personas.grid_worker_a
    with time_machine.travel(WEDNESDAY, tick=False):
        assert selectors.active_patrol_for(worker) is None
        earlier = walk(worker, local(2025, 3, 12, 9, 0), 60)
        current = services.patrol_start(actor=worker, client_id=uuid.uuid4()).session
        assert selectors.active_patrol_for(worker) == current
        assert selectors.active_patrol_for(personas.grid_worker_b) is None
        assert selectors.patrol_for_report(worker) == current
        assert selectors.patrol_for_report(worker, at=local(2025, 3, 12, 9, 30)) == earlier
        assert selectors.patrol_for_report(worker, at=local(2025, 3, 12, 12, 0)) is None
        assert selectors.patrol_for_report(worker, client_id=str(earlier.client_id)) == earlier
        assert (
            selectors.patrol_for_report(personas.grid_worker_b, client_id=earlier.client_id) is None
        )
        assert selectors.patrol_for_report(worker, client_id="not-a-uuid") is None
