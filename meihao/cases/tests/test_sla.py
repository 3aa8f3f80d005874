"""SLA: deadlines in working time, colours at 80 % / 100 %, escalation exactly once."""

from datetime import timedelta

import pytest
import time_machine

from meihao.cases import services
from meihao.cases.models import Case, Escalation, Holiday, SlaState, SlaUnit
from meihao.cases.sla import WorkCalendar, deadline, sla_sweep, thresholds
from meihao.cases.tests.conftest import local

# 2024-05-20 is a Monday. National Day 2024: 1–7 October off; Sunday 29 September and
# Saturday 12 October are make-up workdays (调休).
MONDAY = (2024, 5, 20)
FRIDAY = (2024, 5, 24)


@pytest.fixture
def national_day(db):
    for day in range(1, 8):
        Holiday.objects.create(date=local(2024, 10, day).date(), name="国庆节")
    Holiday.objects.create(date=local(2024, 9, 29).date(), is_workday=True, name="国庆调休")
    Holiday.objects.create(date=local(2024, 10, 12).date(), is_workday=True, name="国庆调休")


@pytest.mark.django_db
class TestDeadlines:
    def test_working_hours_inside_one_morning(self):
        assert deadline(local(*MONDAY, 9, 0), 2, SlaUnit.WORK_HOURS) == local(*MONDAY, 11, 0)

    def test_lunch_break_is_not_counted(self):
        assert deadline(local(*MONDAY, 11, 0), 2, SlaUnit.WORK_HOURS) == local(*MONDAY, 15, 30)

    def test_deadline_can_end_exactly_at_noon(self):
        assert deadline(local(*MONDAY, 11, 0), 1, SlaUnit.WORK_HOURS) == local(*MONDAY, 12, 0)

    def test_weekend_is_skipped(self):
        # Friday 16:30 + 2 h: one hour on Friday, one on Monday morning.
        assert deadline(local(*FRIDAY, 16, 30), 2, SlaUnit.WORK_HOURS) == local(2024, 5, 27, 9, 30)

    def test_clock_started_on_saturday_starts_monday_morning(self):
        assert deadline(local(2024, 5, 25, 10, 0), 1, SlaUnit.WORK_HOURS) == local(
            2024, 5, 27, 9, 30
        )

    def test_clock_started_in_the_evening_starts_next_morning(self):
        assert deadline(local(*MONDAY, 20, 0), 1, SlaUnit.WORK_HOURS) == local(2024, 5, 21, 9, 30)

    def test_holiday_is_skipped(self, national_day):
        # Monday 30 September 17:00 + 1 h: half an hour, then the week off, then Tuesday 8 Oct.
        assert deadline(local(2024, 9, 30, 17, 0), 1, SlaUnit.WORK_HOURS) == local(
            2024, 10, 8, 9, 0
        )

    def test_make_up_saturday_is_worked(self, national_day):
        assert deadline(local(2024, 10, 11, 17, 0), 1, SlaUnit.WORK_HOURS) == local(
            2024, 10, 12, 9, 0
        )

    def test_make_up_sunday_is_worked(self, national_day):
        assert deadline(local(2024, 9, 28, 12, 0), 1, SlaUnit.WORK_HOURS) == local(
            2024, 9, 29, 9, 30
        )

    def test_without_holidays_national_day_is_an_ordinary_week(self):
        assert deadline(local(2024, 9, 30, 17, 0), 1, SlaUnit.WORK_HOURS) == local(
            2024, 10, 1, 9, 0
        )

    def test_working_days_are_days_of_working_time(self):
        # 2 working days = 13 h of working time: Friday 10:00 → Tuesday 10:00.
        assert deadline(local(*FRIDAY, 10, 0), 2, SlaUnit.WORK_DAYS) == local(2024, 5, 28, 10, 0)

    def test_calendar_hours_ignore_the_calendar(self, national_day):
        start = local(2024, 9, 30, 17, 0)
        assert deadline(start, 24, SlaUnit.HOURS) == start + timedelta(hours=24)
        assert deadline(start, 2, SlaUnit.DAYS) == start + timedelta(days=2)

    def test_warn_at_80_percent_due_at_100_district_at_200(self):
        marks = thresholds(local(*MONDAY, 8, 30), 10, SlaUnit.WORK_HOURS)
        assert marks.warn_at == local(2024, 5, 21, 10, 0)  # 8 h: 6.5 on Monday + 1.5
        assert marks.due_at == local(2024, 5, 21, 12, 0)  # 10 h
        assert marks.escalate_at == local(2024, 5, 23, 9, 0)  # 20 h = 3 × 6.5 + 0.5

    def test_settings_change_the_working_day(self, settings):
        settings.MEIHAO_WORKING_PERIODS = (("09:00", "17:00"),)
        assert WorkCalendar.load().seconds_per_day == 8 * 3600
        assert deadline(local(*MONDAY, 16, 0), 2, SlaUnit.WORK_HOURS) == local(2024, 5, 21, 10, 0)


def _dispatch_at(personas, new_case, when):
    with time_machine.travel(when, tick=False):
        case = new_case()
        services.case_dispatch(
            case=case, actor=personas.street_chief_a, organisation=personas.department
        )
    return case


def test_handling_deadline_comes_from_the_minor_class(personas, new_case):
    # 乱摆卖: 2 working hours.
    case = _dispatch_at(personas, new_case, local(*MONDAY, 11, 0))
    assert case.resolve_by == local(*MONDAY, 15, 30)
    assert case.respond_by == local(2024, 5, 21, 11, 0)  # grid reports: 24 calendar hours


def test_handling_colour_turns_yellow_at_80_and_red_at_100_percent(personas, new_case):
    case = _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))  # due 11:00, 80 % at 10:36

    def colour_at(*hm):
        sla_sweep(local(*MONDAY, *hm))
        case.refresh_from_db()
        return case.handling_sla

    assert colour_at(10, 35) == SlaState.GREEN
    assert colour_at(10, 36) == SlaState.YELLOW
    assert colour_at(10, 59) == SlaState.YELLOW
    assert colour_at(11, 0) == SlaState.RED


def test_escalation_fires_once_per_threshold_however_often_the_sweep_runs(personas, new_case):
    case = _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))  # due 11:00; 200 % at 15:30
    assert sla_sweep(local(*MONDAY, 10, 59)) == []
    first = sla_sweep(local(*MONDAY, 11, 0))
    assert [(e.case_id, e.clock, e.level) for e in first] == [
        (case.pk, Escalation.Clock.HANDLING, Escalation.Level.STREET)
    ]
    for minute in range(1, 30):
        assert sla_sweep(local(*MONDAY, 11, minute)) == []
    assert sla_sweep(local(*MONDAY, 11, 0)) == []  # the same instant again
    second = sla_sweep(local(*MONDAY, 15, 30))
    assert [(e.clock, e.level) for e in second] == [
        (Escalation.Clock.HANDLING, Escalation.Level.DISTRICT)
    ]
    assert sla_sweep(local(2024, 6, 30, 12, 0)) == []
    assert Escalation.objects.filter(case=case).count() == 2


def test_response_clock_escalates_until_dispatch_and_then_stays_red(personas, new_case):
    with time_machine.travel(local(*MONDAY, 9, 0), tick=False):
        case = new_case()
    escalated = sla_sweep(local(2024, 5, 21, 9, 0))  # 24 h later
    assert [(e.clock, e.level) for e in escalated] == [
        (Escalation.Clock.RESPONSE, Escalation.Level.STREET)
    ]
    case.refresh_from_db()
    assert case.response_sla == SlaState.RED
    with time_machine.travel(local(2024, 5, 21, 10, 0), tick=False):
        services.case_dispatch(
            case=case, actor=personas.street_chief_a, organisation=personas.department
        )
    assert case.response_sla == SlaState.RED  # late is late: the colour is frozen at dispatch
    # The response clock stopped: no level 2 for it at Wednesday 09:00 (its 200 %) — but the
    # handling clock (2 working hours from Tuesday 10:00: due 12:00, 200 % at 16:30) runs on.
    assert [(e.clock, e.level) for e in sla_sweep(local(2024, 5, 21, 12, 0))] == [
        (Escalation.Clock.HANDLING, Escalation.Level.STREET)
    ]
    assert [(e.clock, e.level) for e in sla_sweep(local(2024, 5, 22, 9, 0))] == [
        (Escalation.Clock.HANDLING, Escalation.Level.DISTRICT)
    ]
    case.refresh_from_db()
    assert case.response_sla == SlaState.RED


def test_reporting_back_stops_the_handling_clock(personas, new_case):
    case = _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))
    with time_machine.travel(local(*MONDAY, 10, 40), tick=False):
        services.case_report_back(case=case, actor=personas.department_staff, note="已劝离")
    assert case.handling_sla == SlaState.YELLOW
    assert sla_sweep(local(2024, 5, 22, 9, 0)) == []
    case.refresh_from_db()
    assert case.handling_sla == SlaState.YELLOW


def test_parked_case_is_not_escalated(personas, new_case):
    case = _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))
    services.case_park(case=case, actor=personas.street_chief_a, reason="需纳入改造计划")
    assert sla_sweep(local(2024, 6, 1, 9, 0)) == []


def test_resuming_a_parked_case_moves_its_deadlines_by_the_time_parked(personas, new_case):
    case = _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))
    due, warn, escalate = case.resolve_by, case.resolve_warn_at, case.resolve_escalate_at
    with time_machine.travel(local(*MONDAY, 9, 30), tick=False):
        services.case_park(case=case, actor=personas.street_chief_a, reason="需纳入改造计划")
    with time_machine.travel(local(*MONDAY, 9, 30) + timedelta(days=2, hours=3), tick=False):
        services.case_unpark(case=case, actor=personas.street_chief_a)
    stood = timedelta(days=2, hours=3)
    assert (case.resolve_by, case.resolve_warn_at, case.resolve_escalate_at) == (
        due + stood,
        warn + stood,
        escalate + stood,
    )
    case.refresh_from_db()
    assert case.resolve_by == due + stood


def test_approved_extension_moves_the_deadline_and_recolours(personas, new_case):
    case = _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))
    sla_sweep(local(*MONDAY, 11, 0))
    case.refresh_from_db()
    assert case.handling_sla == SlaState.RED
    with time_machine.travel(local(*MONDAY, 11, 5), tick=False):
        services.case_request_extension(
            case=case,
            actor=personas.department_staff,
            until=local(*MONDAY, 17, 0),
            reason="摊贩较多，需联合执法",
        )
        services.case_approve_extension(case=case, actor=personas.street_chief_a)
    assert case.resolve_by == local(*MONDAY, 17, 0)
    assert case.handling_sla == SlaState.GREEN  # 80 % of 09:00–17:00 is 15:24
    assert case.extension_until is None
    sla_sweep(local(*MONDAY, 15, 24))
    case.refresh_from_db()
    assert case.handling_sla == SlaState.YELLOW


def test_sweep_updates_in_bulk(personas, new_case, django_assert_max_num_queries):
    for _ in range(5):
        _dispatch_at(personas, new_case, local(*MONDAY, 9, 0))
    # A fixed number of statements, whatever the number of cases: the updates, the inserts,
    # one overdue digest for the street chief and one for the department handling the cases, each
    # read with its recipients' channel choices.
    with django_assert_max_num_queries(38):
        escalated = sla_sweep(local(*MONDAY, 16, 0))
    assert len(escalated) == 10
    assert set(Case.objects.values_list("handling_sla", flat=True)) == {SlaState.RED}


@pytest.mark.django_db
def test_a_holiday_saved_in_the_admin_moves_the_next_deadline_at_once(
    settings, django_capture_on_commit_callbacks
):
    # Holidays are held per process; with production's recheck interval only the save's
    # notice can make the next deadline see a new one.
    settings.SNAPSHOT_RECHECK_SECONDS = 10
    friday_morning = local(*FRIDAY, 9, 0)
    assert deadline(friday_morning, 1, SlaUnit.WORK_DAYS) == local(2024, 5, 27, 9, 0)
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=local(2024, 5, 27).date(), name="调休假")
    assert deadline(friday_morning, 1, SlaUnit.WORK_DAYS) == local(2024, 5, 28, 9, 0)
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.get(date=local(2024, 5, 27).date()).delete()
    assert deadline(friday_morning, 1, SlaUnit.WORK_DAYS) == local(2024, 5, 27, 9, 0)
