"""The party figures: each value is what its records say, over the places the organisations are
attached to and the meeting days of the period."""

import datetime

import pytest
from django.utils import timezone

from meihao.activities.models import Attendance, SignUp
from meihao.core.testing import make_user
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.selectors import record_headers, record_rows
from meihao.party.models import MeetingType
from meihao.party.testing import make_meeting, make_member, make_org

pytestmark = pytest.mark.django_db


def _span(place, first, last) -> Span:
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    )
    return Span(place_path=place.path, start=start, end=end, first_day=first, last_day=last)


def _attend(meeting, person):
    signup = SignUp.objects.create(activity=meeting.activity, person=person, status="confirmed")
    Attendance.objects.create(
        signup=signup, checked_in_at=meeting.activity.starts_at, check_in_method="qr"
    )


YEAR = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_meetings_held_count_the_counted_ones_by_type(party, personas):
    committee = MeetingType.objects.get(code="committee")
    theme = MeetingType.objects.get(code="theme_day")
    make_meeting(party.branch_a1, committee, datetime.date(2026, 1, 5), counted=True)
    make_meeting(party.branch_a1, theme, datetime.date(2026, 1, 9), counted=True)
    make_meeting(party.branch_a1, theme, datetime.date(2026, 2, 9))  # minutes not approved
    make_meeting(party.branch_b1, theme, datetime.date(2026, 2, 9), counted=True)  # street b
    make_meeting(party.branch_a1, theme, datetime.date(2025, 12, 31), counted=True)  # last year
    indicator = REGISTRY["party_meetings_held"]
    span = _span(personas.tree.street_a, *YEAR)
    assert indicator.measure(span).value == 2
    assert indicator.records(span).count() == 2
    district = indicator.measure(_span(personas.tree.district, *YEAR))
    assert district.value == 3


def test_attendance_rate_is_present_over_expected(party, personas):
    committee = MeetingType.objects.get(code="committee")
    first = make_meeting(party.branch_a1, committee, datetime.date(2026, 3, 5))
    second = make_meeting(party.branch_a1, committee, datetime.date(2026, 4, 5))
    first.expected, first.present = 4, 3
    second.expected, second.present = 4, 1
    first.save()
    second.save()
    indicator = REGISTRY["party_meeting_attendance"]
    span = _span(personas.tree.district, *YEAR)
    measure = indicator.measure(span)
    assert (measure.numerator, measure.denominator, measure.value) == (4, 8, 50.0)
    # Listed (the indicator page, its export, a report's appendix): each meeting with its own
    # present of called, and no "in the numerator" column (a meeting is not in it or out).
    headers = record_headers(indicator)
    rows = record_rows(indicator, indicator.records(span))
    assert headers == [str(column.label) for column in indicator.columns]
    assert [row["cells"][-1] for row in rows] == ["1/4", "3/4"]


def test_away_members_and_their_participation(party, personas):
    away = make_user("13800000080", "外出甲", home=personas.tree.grid_b1)
    make_member(
        away.person,
        party.branch_b1,
        away=True,
        away_where="广州",
        away_since=datetime.date(2025, 5, 1),
        away_host=party.branch_a1,
    )
    silent = make_user("13800000081", "外出乙", home=personas.tree.grid_b1)
    make_member(
        silent.person,
        party.branch_b1,
        away=True,
        away_where="深圳",
        away_since=datetime.date(2025, 5, 1),
    )
    # The first attends branch a1's meeting (their host): it counts for them at home.
    _attend(
        make_meeting(
            party.branch_a1, MeetingType.objects.get(code="general"), datetime.date(2026, 3, 1)
        ),
        away.person,
    )
    span = _span(personas.tree.street_b, *YEAR)
    assert REGISTRY["party_members_away"].measure(span).value == 2
    participation = REGISTRY["party_away_participation"].measure(span)
    assert (participation.numerator, participation.denominator) == (1, 2)
    assert REGISTRY["party_members_away"].measure(_span(personas.tree.street_a, *YEAR)).value == 0


def test_temporary_branches_that_existed_in_the_period(party, personas):
    make_org(
        "旧城改造项目临时党支部",
        "branch",
        party.street_a,
        personas.tree.street_a,
        temporary=True,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 9, 30),
    )
    make_org(
        "去年的临时党支部",
        "branch",
        party.street_a,
        personas.tree.street_a,
        temporary=True,
        starts_on=datetime.date(2024, 3, 1),
        ends_on=datetime.date(2025, 9, 30),
    )
    indicator = REGISTRY["party_temporary_branches"]
    assert indicator.measure(_span(personas.tree.district, *YEAR)).value == 1
    assert [o.name for o in indicator.records(_span(personas.tree.district, *YEAR))] == [
        "旧城改造项目临时党支部"
    ]
