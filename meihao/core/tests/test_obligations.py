"""The obligations engine: periods, tallies moved by the recording services, the years' periods
met, and rebuilding them from the records."""

import datetime

import pytest

from meihao.core.models import ObligationTally, ObligationYear
from meihao.core.obligations import (
    period_end,
    period_start,
    periods_between,
    tallies,
    tally_add,
    tally_rebuild,
)

D = datetime.date


@pytest.mark.parametrize(
    ("period", "day", "start", "end"),
    [
        ("month", D(2024, 2, 29), D(2024, 2, 1), D(2024, 2, 29)),
        ("month", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 3, 31), D(2026, 1, 1), D(2026, 3, 31)),
        ("quarter", D(2026, 4, 1), D(2026, 4, 1), D(2026, 6, 30)),
        ("quarter", D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
        ("year", D(2026, 7, 4), D(2026, 1, 1), D(2026, 12, 31)),
        ("day", D(2024, 2, 29), D(2024, 2, 29), D(2024, 2, 29)),
        ("week", D(2026, 12, 2), D(2026, 11, 30), D(2026, 12, 6)),  # from Monday
        ("week", D(2027, 1, 1), D(2026, 12, 28), D(2027, 1, 3)),  # across the year
    ],
)
def test_periods(period, day, start, end):
    assert period_start(period, day) == start
    assert period_end(period, start) == end


def test_periods_between_cross_the_year():
    assert periods_between("quarter", D(2025, 11, 5), D(2026, 4, 1)) == [
        D(2025, 10, 1),
        D(2026, 1, 1),
        D(2026, 4, 1),
    ]


@pytest.mark.django_db
def test_tallies_and_the_periods_met_move_with_the_records():
    key = {"duty": "d", "subject_id": 7, "period": "month"}
    tally_add(**key, day=D(2026, 1, 5), minimum=2)
    assert not ObligationYear.objects.exists()  # one of two: not met yet
    tally_add(**key, day=D(2026, 1, 20), minimum=2)
    tally_add(**key, day=D(2026, 1, 28), minimum=2)  # beyond the minimum: still one period
    tally_add(**key, day=D(2026, 2, 2), amount=2, minimum=2)
    year = ObligationYear.objects.get(duty="d", subject_id=7, year=2026)
    assert year.periods_met == 2
    tally_add(**key, day=D(2026, 2, 3), amount=-1, minimum=2)  # a meeting taken back
    year.refresh_from_db()
    assert year.periods_met == 1
    assert tallies(duties=["d"], first=D(2026, 1, 1), last=D(2026, 12, 31)) == {
        ("d", 7, D(2026, 1, 1)): 3,
        ("d", 7, D(2026, 2, 1)): 1,
    }


@pytest.mark.django_db
def test_a_rebuild_gives_what_recording_gave():
    done = [
        (7, D(2026, 1, 5), 1),
        (7, D(2026, 1, 20), 1),
        (8, D(2026, 3, 1), 1),
        (7, D(2025, 12, 30), 1),
    ]
    for subject, day, amount in done:
        tally_add(duty="d", subject_id=subject, period="month", day=day, amount=amount, minimum=1)
    recorded = set(ObligationTally.objects.values_list("subject_id", "starts_on", "amount"))
    years = set(ObligationYear.objects.values_list("subject_id", "year", "periods_met"))
    tally_add(duty="d", subject_id=9, period="month", day=D(2026, 1, 1), minimum=1)  # stray
    assert tally_rebuild(duty="d", period="month", done=done, minimum=1) == 3
    assert set(ObligationTally.objects.values_list("subject_id", "starts_on", "amount")) == recorded
    assert set(ObligationYear.objects.values_list("subject_id", "year", "periods_met")) == years
