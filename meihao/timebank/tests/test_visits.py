"""Time on site from the timeline: visits, rounding, the per-request cap."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from meihao.timebank.visits import MAX_MINUTES_PER_REQUEST, minutes_on_site, visits

T0 = datetime(2026, 3, 2, 9, 0)


@dataclass
class Event:
    action: str
    created_at: datetime


def at(action, minutes=0, seconds=0):
    return Event(action, T0 + timedelta(minutes=minutes, seconds=seconds))


def test_one_visit_from_check_in_to_check_out():
    events = [at("submit"), at("claim", 1), at("start", 10), at("report_back", 70)]
    assert minutes_on_site(events) == 60


def test_a_visit_sent_back_is_finished_in_a_second_one_and_they_add_up():
    events = [
        at("start", 0),
        at("report_back", 30),
        at("reopen", 40),
        at("start", 100),
        at("report_back", 125),
        at("verify_close", 130),
    ]
    assert [v.duration for v in visits(events)] == [timedelta(minutes=30), timedelta(minutes=25)]
    assert minutes_on_site(events) == 55


def test_half_a_minute_rounds_up_less_rounds_down():
    assert minutes_on_site([at("start"), at("report_back", 2, 30)]) == 3
    assert minutes_on_site([at("start"), at("report_back", 2, 29)]) == 2
    assert minutes_on_site([at("start"), at("report_back", 0, 29)]) == 0


def test_an_open_visit_or_a_checkout_without_check_in_counts_nothing():
    assert minutes_on_site([at("report_back", 30)]) == 0
    events = [at("start", 0)]
    assert visits(events)[0].checked_out is None
    assert minutes_on_site(events) == 0


def test_a_forgotten_check_out_is_capped():
    assert minutes_on_site([at("start"), at("report_back", 60 * 20)]) == MAX_MINUTES_PER_REQUEST
