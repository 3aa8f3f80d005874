"""Ages on a given day, leap days included: who counts as 60 or 80 is decided here once."""

import datetime

import pytest

from meihao.people.models import age_on, born_by


@pytest.mark.parametrize(
    ("day", "age", "latest"),
    [
        (datetime.date(2026, 12, 5), 60, datetime.date(1966, 12, 5)),
        (datetime.date(2028, 2, 29), 80, datetime.date(1948, 2, 29)),
        (datetime.date(2027, 2, 28), 60, datetime.date(1967, 2, 28)),
        (datetime.date(2028, 2, 29), 61, datetime.date(1967, 2, 28)),  # no 29 Feb in 1967
    ],
)
def test_born_by_is_the_last_birth_date_of_that_age_on_the_day(day, age, latest):
    assert born_by(day, age) == latest
    assert age_on(latest, day) >= age
    assert age_on(latest + datetime.timedelta(days=1), day) < age
