"""Volunteering indicators over a place subtree and a period of service dates."""

import datetime

import pytest

from meihao.activities.models import ServiceRecord
from meihao.insights.volunteering import active_volunteers, service_hours, service_hours_by

YEAR = (datetime.date(2026, 1, 1), datetime.date(2027, 1, 1))


@pytest.fixture
def records(personas):
    tree = personas.tree

    def record(person, place, minutes, day, reverses=None):
        return ServiceRecord.objects.create(
            person=person.person,
            service_date=day,
            place=place,
            place_path=place.path,
            content="清扫街巷",
            minutes=minutes,
            source=ServiceRecord.Source.STAFF_ENTRY,
            recording_organisation="骑楼社区",
            person_in_charge="社区干部甲",
            created_by=personas.community_staff_a,
            evidence="service-evidence/2026/03/sign-in-sheet.jpg",
            reverses=reverses,
            reason="录入错误" if reverses else "",
        )

    wrong = record(personas.volunteer_a, tree.grid_a1, 90, datetime.date(2026, 3, 1))
    record(personas.volunteer_a, tree.grid_a1, -90, datetime.date(2026, 3, 1), reverses=wrong)
    record(personas.volunteer_a, tree.grid_a1, 120, datetime.date(2026, 5, 1))
    record(personas.party_member_a, tree.grid_a2, 30, datetime.date(2026, 12, 31))
    record(personas.resident_b, tree.grid_b1, 600, datetime.date(2026, 7, 1))
    record(personas.resident_b, tree.grid_b1, 600, datetime.date(2025, 12, 31))  # last year
    return tree


def test_hours_of_a_street_for_a_year_count_reversals_and_stay_in_the_period(records):
    assert service_hours(records.street_a.path, *YEAR) == 2.5  # 120 + 30 minutes
    assert service_hours(records.street_b.path, *YEAR) == 10.0
    assert service_hours(records.district.path, *YEAR) == 12.5
    assert service_hours(records.community_b.path, datetime.date(2025, 1, 1), YEAR[0]) == 10.0


def test_hours_per_street_and_grid_in_one_query(records, django_assert_num_queries):
    with django_assert_num_queries(1):
        streets = service_hours_by(records.district.path, *YEAR, level="street")
    assert streets == {records.street_a.path: 2.5, records.street_b.path: 10.0}
    grids = service_hours_by(records.street_a.path, *YEAR, level="grid")
    assert grids == {records.grid_a1.path: 2.0, records.grid_a2.path: 0.5}


def test_active_volunteers_ignore_fully_reversed_service(records):
    assert active_volunteers(records.district.path, *YEAR) == 3
    march = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))
    assert active_volunteers(records.district.path, *march) == 0
