"""Volunteering figures in the registry, over a place subtree and a period of service dates."""

import datetime

import pytest

from meihao.activities.models import ServiceRecord
from meihao.insights.registry import REGISTRY, Span


def year(path, first=datetime.date(2026, 1, 1), last=datetime.date(2026, 12, 31)):
    return Span.of(path, first, last)


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


def hours(span):
    return REGISTRY["service_hours"].measure(span).value


def test_hours_of_a_street_for_a_year_count_reversals_and_stay_in_the_period(records):
    assert hours(year(records.street_a.path)) == 2.5  # 120 + 30 minutes
    assert hours(year(records.street_b.path)) == 10.0
    assert hours(year(records.district.path)) == 12.5
    last_year = year(
        records.community_b.path, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert hours(last_year) == 10.0


def test_hours_are_the_sum_of_the_records_behind_them(records):
    span = year(records.street_a.path)
    listed = list(REGISTRY["service_hours"].records(span))
    assert len(listed) == 4  # the reversed pair, 120 and 30 minutes
    assert round(sum(r.minutes for r in listed) / 60, 1) == hours(span)


def test_active_volunteers_ignore_fully_reversed_service(records):
    indicator = REGISTRY["active_volunteers"]
    span = year(records.district.path)
    assert indicator.measure(span).value == 3
    people = list(indicator.records(span))
    assert len(people) == 3
    assert [p.span_minutes for p in people] == [600, 120, 30]
    march = year(records.district.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert indicator.measure(march).value == 0
    assert list(indicator.records(march)) == []


def test_active_volunteers_minutes_are_those_in_the_place_and_period(records, personas):
    ServiceRecord.objects.create(
        person=personas.resident_b.person,
        service_date=datetime.date(2026, 8, 1),
        place=records.grid_a1,
        place_path=records.grid_a1.path,
        content="清扫街巷",
        minutes=45,
        source=ServiceRecord.Source.STAFF_ENTRY,
        recording_organisation="骑楼社区",
        person_in_charge="社区干部甲",
        created_by=personas.community_staff_a,
        evidence="service-evidence/2026/08/sign-in-sheet.jpg",
    )
    indicator = REGISTRY["active_volunteers"]
    street_a = {p.pk: p.span_minutes for p in indicator.records(year(records.street_a.path))}
    assert street_a == {
        personas.volunteer_a.person.pk: 120,
        personas.party_member_a.person.pk: 30,
        personas.resident_b.person.pk: 45,  # not their 600 in street B, nor last year's
    }
    district = {p.pk: p.span_minutes for p in indicator.records(year(records.district.path))}
    assert district[personas.resident_b.person.pk] == 645


def test_services_done_count_each_record_once_net_of_its_reversal(records):
    from meihao.insights import figures, rollups

    indicator = REGISTRY["volunteer_services"]
    district = year(records.district.path)
    march = year(records.district.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    street_a = year(records.street_a.path)
    assert indicator.measure(district).value == 3  # 120, 30 and 600 minutes; March's reversed
    assert indicator.measure(march).value == 0
    assert indicator.measure(street_a).value == 2
    # Summed from its rollup rows, the same.
    rollups.rebuild(indicator)
    assert [
        m.value for m in figures.measures([(indicator, s) for s in (district, march, street_a)])
    ] == [3, 0, 2]
