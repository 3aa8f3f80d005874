"""Star levels from cumulative credited hours, at the edges of each threshold."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from meihao.volunteers.stars import DEFAULT_STAR_HOURS, next_star_minutes, star_hours, star_level


def test_default_thresholds_are_the_national_scale(settings):
    del settings.VOLUNTEER_STAR_HOURS
    assert star_hours() == (100, 300, 600, 1000, 1500) == DEFAULT_STAR_HOURS


@pytest.mark.parametrize(
    ("minutes", "stars"),
    [
        (0, 0),
        (100 * 60 - 1, 0),
        (100 * 60, 1),
        (300 * 60 - 1, 1),
        (300 * 60, 2),
        (600 * 60 - 1, 2),
        (600 * 60, 3),
        (1000 * 60 - 1, 3),
        (1000 * 60, 4),
        (1500 * 60 - 1, 4),
        (1500 * 60, 5),
        (10_000 * 60, 5),
        (-30, 0),  # a reversal can leave a balance below zero for a moment
    ],
)
def test_star_level_at_the_edges(settings, minutes, stars):
    settings.VOLUNTEER_STAR_HOURS = (100, 300, 600, 1000, 1500)
    assert star_level(minutes) == stars


def test_next_star(settings):
    settings.VOLUNTEER_STAR_HOURS = (100, 300, 600, 1000, 1500)
    assert next_star_minutes(0) == 100 * 60
    assert next_star_minutes(100 * 60) == 200 * 60
    assert next_star_minutes(1500 * 60 - 1) == 1
    assert next_star_minutes(1500 * 60) is None


def test_thresholds_come_from_settings(settings):
    settings.VOLUNTEER_STAR_HOURS = (10, 20)
    assert star_level(10 * 60) == 1
    assert star_level(20 * 60) == 2
    assert next_star_minutes(20 * 60) is None


@pytest.mark.parametrize("bad", [(), (100, 100), (300, 100), (0, 100), (1.5, 3), ("100",)])
def test_bad_thresholds_fail_loudly(settings, bad):
    settings.VOLUNTEER_STAR_HOURS = bad
    with pytest.raises(ImproperlyConfigured):
        star_level(0)


@given(st.integers(min_value=0, max_value=200_000), st.integers(min_value=0, max_value=10_000))
def test_more_minutes_never_lose_a_star(minutes, more):
    assert star_level(minutes + more) >= star_level(minutes)
    remaining = next_star_minutes(minutes)
    if remaining is not None:
        assert star_level(minutes + remaining) == star_level(minutes) + 1
        assert star_level(minutes + remaining - 1) == star_level(minutes)
