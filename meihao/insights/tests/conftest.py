"""A hand-built month of cases with known indicator values (see `month`)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAY = (datetime(2024, 5, 1, tzinfo=SHANGHAI), datetime(2024, 6, 1, tzinfo=SHANGHAI))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@dataclass
class Month:
    personas: object
    cases: dict


def _at(moment, action, **kwargs):
    with time_machine.travel(moment, tick=False):
        return action(**kwargs)


def build_month(personas) -> Month:
    """Six cases in May 2024 plus one in April, of class 噪音扰民 (2 calendar hours to handle).

    c1 A1: accepted 1 h, dispatched, reported back in time, closed in time (3 h in all).
    c2 A1: dispatched 27 h late, reported back late, reopened, reported back, closed (48 h).
    c3 A1: rejected within the hour.   c4 A1: merged into c1 (duplicate).
    c5 B1 (grid worker B): dispatched in time, never reported back (due, not closed).
    c6 A2: anonymous hotline report, never answered.   c0: filed 30 April 23:00 (outside).
    """
    from meihao.cases import services as s
    from meihao.cases.models import Case, CaseType

    p = personas
    grid_type = CaseType.objects.get(code="GRID")
    noise = grid_type.categories.get(code="0506")
    t = p.tree

    def submit(moment, actor, place, channel=Case.Channel.GRID_PATROL, **extra):
        return _at(
            moment,
            s.case_submit,
            actor=actor,
            case_type=grid_type,
            category=noise,
            description="广场舞音响声音太大",
            place=place,
            channel=channel,
            **extra,
        )

    chief, handler, dept = p.street_chief_a, p.department_staff, p.department
    c0 = submit(local(2024, 4, 30, 23, 0), p.grid_worker_a, t.grid_a1)

    c1 = submit(local(2024, 5, 6, 9, 0), p.grid_worker_a, t.grid_a1)
    _at(local(2024, 5, 6, 10, 0), s.case_accept, case=c1, actor=chief)
    _at(local(2024, 5, 6, 10, 5), s.case_dispatch, case=c1, actor=chief, organisation=dept)
    _at(local(2024, 5, 6, 10, 30), s.case_start, case=c1, actor=handler)
    _at(local(2024, 5, 6, 11, 0), s.case_report_back, case=c1, actor=handler, note="已劝导")
    _at(local(2024, 5, 6, 12, 0), s.case_verify_close, case=c1, actor=p.grid_worker_a)

    c2 = submit(local(2024, 5, 7, 9, 0), p.grid_worker_a, t.grid_a1)
    _at(local(2024, 5, 8, 12, 0), s.case_dispatch, case=c2, actor=chief, organisation=dept)
    _at(local(2024, 5, 8, 12, 30), s.case_start, case=c2, actor=handler)
    _at(local(2024, 5, 8, 15, 0), s.case_report_back, case=c2, actor=handler, note="已处理")
    _at(local(2024, 5, 8, 16, 0), s.case_reopen, case=c2, actor=p.grid_worker_a, reason="仍在")
    _at(local(2024, 5, 8, 16, 10), s.case_start, case=c2, actor=handler)
    _at(local(2024, 5, 8, 17, 0), s.case_report_back, case=c2, actor=handler, note="已解决")
    _at(local(2024, 5, 9, 9, 0), s.case_verify_close, case=c2, actor=p.grid_worker_a)

    c3 = submit(local(2024, 5, 10, 9, 0), p.grid_worker_a, t.grid_a1)
    _at(local(2024, 5, 10, 10, 0), s.case_reject, case=c3, actor=chief, reason="不属实")
    c4 = submit(local(2024, 5, 10, 9, 30), p.grid_worker_a, t.grid_a1)
    _at(local(2024, 5, 10, 10, 0), s.case_merge_duplicate, case=c4, actor=chief, original=c1)

    c5 = submit(local(2024, 5, 20, 9, 0), p.grid_worker_b, t.grid_b1)
    _at(
        local(2024, 5, 20, 9, 30),
        s.case_dispatch,
        case=c5,
        actor=p.district_admin,
        organisation=dept,
    )
    _at(local(2024, 5, 20, 10, 0), s.case_start, case=c5, actor=handler)

    c6 = submit(
        local(2024, 5, 21, 9, 0),
        None,
        t.grid_a2,
        channel=Case.Channel.HOTLINE,
        reporter_phone="13700000000",
    )
    return Month(personas, {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6})


@pytest.fixture
def month(personas):
    return build_month(personas)
