"""Every rolled-up indicator, summed from its rollup rows, equals its live figure over the demo's
history — its cases with their events and ratings, wishes, petitions, applications, home-care
orders, party meetings and service records — everywhere, for the district, its streets and
communities, month by month and over spans of a few days: what the property test of
insights/tests/test_rollups.py holds for random cases and service records, held here for the
records of every app whose figures are rolled up. And an export read from the records' values
writes what their columns read from the records."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from meihao.insights import figures, rollups
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.selectors import record_cells
from meihao.places.models import Level, Place

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2024, 11, 20, 18, 0, tzinfo=TZ)
MONTHS = 4


def seed_for_module():
    with time_machine.travel(NOW, tick=False):
        call_command(
            "seed_demo",
            residents=300,
            cases=200,
            patrols=1,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        for indicator in rollups.rolled_up():
            rollups.rebuild(indicator)


@pytest.fixture
def seeded(seeded_module, db):
    pass


def _places() -> list[str]:
    district = Place.objects.get(level=Level.DISTRICT, code="450403")
    below = Place.objects.filter(parent=district).order_by("code")
    community = Place.objects.filter(parent=below[0], level=Level.COMMUNITY).order_by("code")
    return ["", district.path, *below.values_list("path", flat=True), community[0].path]


def test_every_rolled_up_figure_equals_its_live_figure_month_by_month(seeded):
    with time_machine.travel(NOW, tick=False):
        report = rollups.mismatches(place_paths=_places(), months=MONTHS)
        assert report.problems == []
        assert report.pending == 0
        assert report.compared == len(rollups.rolled_up()) * MONTHS * len(_places())
        # Not a comparison of nothing: each figure counted records of the demo's months.
        first = figures.month_firsts(NOW.date(), MONTHS)[0]
        span = Span.of("", first, NOW.date())
        empty = [
            indicator.code
            for indicator in rollups.rolled_up()
            if not (indicator.measure(span).denominator or indicator.measure(span).value)
        ]
        assert empty == []


def test_every_rolled_up_figure_equals_its_live_figure_over_a_few_days(seeded):
    """Spans that are not months, read together as a screen reads them: from the rows, but a
    figure judged at its months' ends (the closure rate), live."""
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        wanted = [
            (
                indicator,
                Span.of(
                    path,
                    today - datetime.timedelta(days=days + 9),
                    today - datetime.timedelta(days=days),
                ),
            )
            for indicator in rollups.rolled_up()
            for path in _places()
            for days in (0, 17, 45)
        ]
        readable = rollups.readable_many(wanted)
        assert readable == [not indicator.rollup.month_end for indicator, _span in wanted]
        assert figures.measures(wanted) == [i.measure(span) for i, span in wanted]


def test_an_export_reads_its_columns_fields_as_values_the_same_as_from_the_records(seeded):
    """An indicator whose every column names its field is exported from the rows' values (no
    model a row): the cells are those its columns read from the records themselves."""
    with time_machine.travel(NOW, tick=False):
        span = Span.of("", NOW.date().replace(day=1) - datetime.timedelta(days=60), NOW.date())
        checked = []
        for indicator in REGISTRY.values():
            if not all(column.field for column in indicator.columns):
                continue
            records = indicator.records(span)[:300]
            from_values = list(record_cells(indicator, records))
            assert from_values == list(record_cells(indicator, list(records))), indicator.code
            if from_values:
                checked.append(indicator.code)
        assert {"service_hours", "active_volunteers", "reports_filed", "satisfaction_rate"} <= set(
            checked
        )
