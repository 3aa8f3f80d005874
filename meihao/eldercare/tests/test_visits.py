"""探访关爱: a visit a week to each elder of 80 or more living alone, claimed by the volunteers and
grid workers of the home, checked in and out at the door, and overdue on the board when missed."""

import datetime

import pytest

from meihao.cases import services as case_services
from meihao.cases.models import Case, Status
from meihao.cases.sla import sla_sweep
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.eldercare import services
from meihao.eldercare.visits import VISIT_CODE, visits_schedule
from meihao.people.models import Person
from meihao.places.models import Building

# A Thursday; the building stands at (23.41, 111.205).
TODAY = datetime.date(2026, 12, 3)


@pytest.fixture
def building(personas):
    grid = personas.tree.grid_a1
    return Building.objects.create(
        name="骑楼街12号", place=grid, place_path=grid.path, lat=23.41, lon=111.205
    )


def elder_of(personas, name, born, living, building=None):
    home = personas.tree.grid_a1
    person = Person.objects.create(
        real_name=name,
        birth_date=born,
        home_place=home,
        home_place_path=home.path,
        building=building,
    )
    return services.elder_register(
        actor=personas.community_staff_a, person=person, living=living, today=TODAY
    )


def visits():
    return Case.objects.filter(case_type__code=VISIT_CODE)


def test_each_elder_of_80_living_alone_gets_one_visit_a_period(personas, building):
    alone = elder_of(personas, "黄阿婆", datetime.date(1941, 3, 8), "alone", building)
    elder_of(personas, "李阿公", datetime.date(1947, 1, 1), "alone")  # 79
    elder_of(personas, "陈阿婆", datetime.date(1938, 5, 1), "with_family")
    assert visits_schedule(today=TODAY) == 1
    visit = visits().get()
    assert (visit.reporter, visit.channel, visit.status) == (alone.person, "schedule", "submitted")
    assert visit.place == personas.tree.grid_a1 and (visit.lat, visit.lon) == (23.41, 111.205)
    assert "黄阿婆" in visit.description and "骑楼街12号" in visit.description
    # Again the same week: nothing more; the next week: the next visit.
    assert visits_schedule(today=TODAY + datetime.timedelta(days=1)) == 0
    next_week = TODAY + datetime.timedelta(days=7)
    assert visits_schedule(today=next_week) == 1
    assert visits().count() == 2


def test_the_homes_volunteers_claim_it_and_check_in_and_out_at_the_door(personas, building):
    elder_of(personas, "黄阿婆", datetime.date(1941, 3, 8), "alone", building)
    visits_schedule(today=TODAY)
    visit = visits().get()
    outsider = make_user(
        "13800000092", "城南志愿者", roles=[(Role.VOLUNTEER, personas.tree.community_b)]
    )
    with pytest.raises((NotFound, PermissionDenied)):
        case_services.case_claim(case=visit, actor=outsider)
    with pytest.raises(PermissionDenied):  # filing one by hand is not how visits come
        case_services.case_submit(
            actor=personas.community_staff_a,
            case_type=visit.case_type,
            description="探访",
            place=personas.tree.grid_a1,
            channel=Case.Channel.RESIDENT,
        )
    volunteer = personas.volunteer_a
    visit = case_services.case_claim(case=visit, actor=volunteer)
    assert visit.status == Status.DISPATCHED and visit.assigned_user == volunteer
    with pytest.raises(ValidationFailed):  # no position
        case_services.case_start(case=visit, actor=volunteer)
    with pytest.raises(ValidationFailed):  # a kilometre away
        case_services.case_start(case=visit, actor=volunteer, lat=23.419, lon=111.205)
    visit = case_services.case_start(case=visit, actor=volunteer, lat=23.4101, lon=111.2051)
    visit = case_services.case_report_back(
        case=visit, actor=volunteer, note="老人精神好，帮忙打扫了厨房", lat=23.4101, lon=111.2051
    )
    # The community's staff confirm it for an elder without a log-in.
    visit = case_services.case_verify_close(case=visit, actor=personas.community_staff_a)
    assert visit.status == Status.CLOSED
    start = visit.events.get(action="start")
    assert start.data["distance_m"] < 300


def test_a_visit_nobody_takes_runs_overdue(personas, building, time_machine):
    elder_of(personas, "黄阿婆", datetime.date(1941, 3, 8), "alone", building)
    time_machine.move_to(datetime.datetime(2026, 12, 3, 6, 5), tick=False)
    visits_schedule(today=TODAY)
    time_machine.move_to(datetime.datetime(2026, 12, 6, 9, 0), tick=False)
    sla_sweep()
    visit = visits().get()
    assert visit.response_sla == "red"


def test_the_figures_count_the_elders_the_assessments_and_the_visits_done(
    personas, building, time_machine
):
    from zoneinfo import ZoneInfo

    from meihao.eldercare.tests.test_scoring import answers_totalling
    from meihao.insights.registry import REGISTRY, Span

    time_machine.move_to(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))

    alone = elder_of(personas, "黄阿婆", datetime.date(1941, 3, 8), "alone", building)
    elder_of(personas, "吴阿公", datetime.date(1940, 2, 1), "alone", building)
    elder_of(personas, "陈阿婆", datetime.date(1950, 5, 1), "with_family")
    services.assessment_record(
        actor=personas.community_staff_a,
        elder=alone,
        reason="first",
        assessed_on=TODAY,
        answers=answers_totalling(70),
    )
    assert visits_schedule(today=TODAY) == 2
    done = visits().first()
    for step in (case_services.case_claim, case_services.case_start):
        kwargs = {"lat": 23.4101, "lon": 111.2051} if step is case_services.case_start else {}
        done = step(case=done, actor=personas.volunteer_a, **kwargs)
    case_services.case_report_back(
        case=done, actor=personas.volunteer_a, note="已探访", lat=23.4101, lon=111.2051
    )
    span = Span.of(personas.tree.community_a.path, TODAY.replace(day=1), TODAY)
    assert REGISTRY["elders_in_care"].measure(span).value == 3
    assert REGISTRY["elder_assessments"].measure(span).value == 1
    rate = REGISTRY["elder_visits_done_rate"].measure(span)
    assert (rate.numerator, rate.denominator) == (1, 2)
    # Another community's figures hold none of them.
    other = Span.of(personas.tree.community_b.path, TODAY.replace(day=1), TODAY)
    assert REGISTRY["elders_in_care"].measure(other).value == 0
    record = REGISTRY["elders_in_care"].records(span).first()
    assert REGISTRY["elders_in_care"].link(record) == f"/elders/{record.pk}/"
    assert REGISTRY["elders_in_care"].columns[0].value(record).endswith("*")
