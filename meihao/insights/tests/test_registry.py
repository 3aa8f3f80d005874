"""The registry's contents, and every figure equals what its records say."""

import pytest
from django.utils import translation

from meihao.insights.indicators import CARD_INDICATORS
from meihao.insights.registry import REGISTRY, Indicator, Span, Unit, register
from meihao.insights.tests.conftest import local

DISTRICT = "450403/"


def may(path=DISTRICT):
    return Span(
        path,
        local(2024, 5, 1),
        local(2024, 6, 1),
        local(2024, 5, 1).date(),
        local(2024, 5, 31).date(),
    )


def test_the_case_and_volunteering_figures_are_registered():
    assert set(CARD_INDICATORS) | {"valid_report_rate"} <= set(REGISTRY)
    assert {"service_hours", "active_volunteers"} <= set(REGISTRY)
    assert REGISTRY["acceptance_rate"].capability.code == "cases"
    assert REGISTRY["service_hours"].capability.code == "volunteering"


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_indicator_is_documented_in_both_languages(code):
    indicator = REGISTRY[code]
    with translation.override("en"):
        english = (str(indicator.name), str(indicator.definition), str(indicator.capability.name))
    with translation.override("zh-hans"):
        chinese = (str(indicator.name), str(indicator.definition), str(indicator.capability.name))
    assert all(english) and all(chinese)
    for en, zh in zip(english, chinese, strict=True):
        assert en != zh, f"{code}: {en!r} has no Chinese translation"
    assert indicator.unit in Unit.values
    assert callable(indicator.records) and indicator.columns
    assert indicator.capability.roles


def test_a_code_is_registered_once():
    first = REGISTRY["reports_filed"]
    assert register(first) is first  # the same object again is harmless (a reload)
    twin = Indicator(
        code="reports_filed",
        name=first.name,
        definition=first.definition,
        unit=Unit.COUNT,
        capability=first.capability,
        records=first.records,
        columns=first.columns,
    )
    with pytest.raises(ValueError):
        register(twin)
    assert REGISTRY["reports_filed"] is first


@pytest.mark.parametrize("code", ["reports_filed"])
def test_a_count_is_the_number_of_its_records(month, code):
    indicator = REGISTRY[code]
    for path in (DISTRICT, "450403/450403001/", "450403/450403002/"):
        assert indicator.measure(may(path)).value == len(indicator.records(may(path)))


@pytest.mark.parametrize(
    "code",
    [
        "acceptance_rate",
        "on_time_response_rate",
        "closure_rate",
        "reopen_rate",
        "valid_report_rate",
    ],
)
def test_a_rates_numerator_and_denominator_count_its_records(month, code):
    indicator = REGISTRY[code]
    measure = indicator.measure(may())
    records = list(indicator.records(may()))
    assert measure.denominator == len(records) > 0
    assert measure.numerator == sum(1 for r in records if r.in_numerator)


def test_the_mean_time_to_close_is_the_mean_of_its_records(month):
    indicator = REGISTRY["mean_time_to_close"]
    records = list(indicator.records(may()))
    measure = indicator.measure(may())
    assert measure.denominator == len(records) == 2
    assert measure.numerator == round(sum(r.hours for r in records), 1)


def test_satisfaction_records_are_the_ratings(month):
    from meihao.cases.models import CaseRating

    p, cases, day = month.personas, month.cases, local(2024, 5, 10)
    CaseRating.objects.create(case=cases["c1"], rater=p.grid_worker_a, score=5, created_at=day)
    CaseRating.objects.create(case=cases["c2"], rater=p.resident_a, score=2, created_at=day)
    indicator = REGISTRY["satisfaction_rate"]
    records = list(indicator.records(may()))
    assert [r.in_numerator for r in records] == [False, True]  # newest (higher id) first
    assert indicator.measure(may()).numerator == 1
    assert indicator.link(records[0]) == f"/cases/{cases['c2'].number}/"
