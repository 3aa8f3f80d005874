import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.cases.models import CaseRating
from meihao.insights import indicators as ind
from meihao.insights.grades import grade, grade_for, score
from meihao.insights.registry import Measure
from meihao.insights.tests.conftest import MAY, local

DISTRICT = "450403/"
STREET_A = "450403/450403001/"
STREET_B = "450403/450403002/"


def value(name, path=DISTRICT, period=MAY, **kwargs):
    return ind.compute(name, place_path=path, start=period[0], end=period[1], **kwargs)


def test_reports_filed_counts_the_period_only(month):
    assert value("reports_filed") == Measure(6.0, 6, None)
    assert value("reports_filed", STREET_A).value == 5
    assert value("reports_filed", STREET_B).value == 1
    april = (local(2024, 4, 1), local(2024, 5, 1))
    assert value("reports_filed", period=april).value == 1


def test_acceptance_rate_excludes_duplicates(month):
    # c1 accepted, c2 and c5 dispatched; c3 rejected, c6 unanswered; c4 (duplicate) left out.
    assert value("acceptance_rate") == Measure(60.0, 3, 5)


def test_on_time_response_rate(month):
    # Responses: c1, c3, c4, c5 in time; c2 dispatched 27 h after filing.
    assert value("on_time_response_rate") == Measure(80.0, 4, 5)


def test_on_time_handling_rate(month):
    # Report-backs: c1 in time; c2's last report-back after its deadline.
    assert value("on_time_handling_rate") == Measure(50.0, 1, 2)


def test_closure_rates(month):
    # Due in May: c1, c2, c5. Closed: c1 (in time), c2 (late).
    assert value("closure_rate") == Measure(66.7, 2, 3)
    assert value("on_time_closure_rate") == Measure(33.3, 1, 3)
    # Closed after the period's end does not count for the period.
    first_week = (local(2024, 5, 1), local(2024, 5, 8, 23, 0))
    assert value("closure_rate", period=first_week) == Measure(50.0, 1, 2)


def test_reopen_rate(month):
    assert value("reopen_rate") == Measure(50.0, 1, 2)


def test_mean_time_to_close_in_hours(month):
    # c1: 3 h, c2: 48 h.
    assert value("mean_time_to_close") == Measure(25.5, 51.0, 2)


def test_rate_with_nothing_to_count_has_no_value(month):
    june = (local(2024, 6, 1), local(2024, 7, 1))
    assert value("acceptance_rate", period=june) == Measure(None, 0, 0)
    assert value("mean_time_to_close", period=june).value is None


def test_satisfaction_rate(month):

    p, cases, day = month.personas, month.cases, local(2024, 5, 10)
    CaseRating.objects.create(case=cases["c1"], rater=p.grid_worker_a, score=5, created_at=day)
    CaseRating.objects.create(case=cases["c2"], rater=p.grid_worker_a, score=2, created_at=day)
    CaseRating.objects.create(case=cases["c2"], rater=p.resident_a, score=4, created_at=day)
    assert value("satisfaction_rate") == Measure(66.7, 2, 3)
    assert value("satisfaction_rate", STREET_B) == Measure(None, 0, 0)
    assert ind.grouped(
        "satisfaction_rate", by="street", place_path=DISTRICT, start=MAY[0], end=MAY[1]
    ) == {STREET_A: Measure(66.7, 2, 3)}


def test_cases_narrows_the_records(month):
    from meihao.cases.models import Case

    department = Case.objects.filter(assigned_organisation=month.personas.department)
    assert value("reports_filed", cases=department).value == 3


def test_grouped_by_street_community_grid(month):
    t = month.personas.tree
    by_street = ind.grouped(
        "closure_rate", by="street", place_path=DISTRICT, start=MAY[0], end=MAY[1]
    )
    assert by_street == {STREET_A: Measure(100.0, 2, 2), STREET_B: Measure(0.0, 0, 1)}
    by_grid = ind.grouped("reports_filed", by="grid", place_path=STREET_A, start=MAY[0], end=MAY[1])
    assert {k: m.value for k, m in by_grid.items()} == {t.grid_a1.path: 4, t.grid_a2.path: 1}
    by_community = ind.grouped(
        "acceptance_rate", by="community", place_path=DISTRICT, start=MAY[0], end=MAY[1]
    )
    assert by_community == {
        t.community_a.path: Measure(50.0, 2, 4),
        t.community_b.path: Measure(100.0, 1, 1),
    }


def test_grouped_by_department_and_grid_worker(month):
    p = month.personas
    by_department = ind.grouped(
        "on_time_closure_rate", by="department", place_path=DISTRICT, start=MAY[0], end=MAY[1]
    )
    assert by_department == {p.department.pk: Measure(33.3, 1, 3)}
    # The hotline case (no grid worker) is not anyone's report.
    by_worker = ind.grouped(
        "valid_report_rate", by="grid_worker", place_path=DISTRICT, start=MAY[0], end=MAY[1]
    )
    assert by_worker == {
        p.grid_worker_a.pk: Measure(66.7, 2, 3),
        p.grid_worker_b.pk: Measure(100.0, 1, 1),
    }
    assert value("valid_report_rate") == Measure(75.0, 3, 4)


def test_grouping_is_one_query_per_indicator(month):
    for name in ind.INDICATORS:
        if name == "satisfaction_rate":
            continue
        for by in ("street", "community", "grid", "department"):
            with CaptureQueriesContext(connection) as queries:
                ind.grouped(name, by=by, place_path=DISTRICT, start=MAY[0], end=MAY[1])
            assert len(queries) == 1, (name, by)


def test_unknown_grouping_is_refused(month):
    with pytest.raises(ValueError):
        ind.grouped("reports_filed", by="planet", place_path=DISTRICT, start=MAY[0], end=MAY[1])


# -- grades ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "letter"),
    [(100, "A"), (90, "A"), (89.9, "B"), (80, "B"), (79.9, "C"), (70, "C"), (60, "D"),
     (59.9, "E"), (0, "E"), (None, None)],
)  # fmt: skip
def test_grade_thresholds(value, letter):
    assert grade_for(value) == letter


def test_thresholds_are_configurable(settings):
    settings.MEIHAO_GRADE_THRESHOLDS = (("A", 95), ("B", 85), ("C", 75), ("D", 65))
    assert grade_for(94.9) == "B"
    assert grade_for(95) == "A"
    assert grade_for(64) == "E"


def test_score_is_weighted_and_skips_missing_values(settings):
    settings.MEIHAO_GRADE_WEIGHTS = {"closure_rate": 3, "reopen_rate": 1}
    measures = {
        "closure_rate": Measure(80.0, 8, 10),
        "reopen_rate": Measure(20.0, 2, 10),  # lower is better: counts as 80
        "on_time_handling_rate": Measure(0.0, 0, 10),  # not weighted
    }
    assert score(measures) == 80.0
    measures["reopen_rate"] = Measure(None, 0, 0)
    assert score(measures) == 80.0
    graded = grade({"reports_filed": Measure(5, 5, None), "closure_rate": Measure(None, 0, 0)})
    assert (graded.score, graded.letter, graded.too_few) == (None, None, False)


@pytest.mark.parametrize(("filed", "too_few"), [(0, True), (4, True), (5, False), (12, False)])
def test_too_few_cases_get_no_grade(filed, too_few):
    measures = {"reports_filed": Measure(filed, filed, None), "closure_rate": Measure(95.0, 19, 20)}
    graded = grade(measures)
    assert graded.too_few is too_few
    assert graded.letter == (None if too_few else "A")
    assert graded.score == (None if too_few else 95.0)


def test_the_minimum_is_a_setting(settings):
    settings.GRID_GRADE_MIN_CASES = 2
    measures = {"reports_filed": Measure(2, 2, None), "closure_rate": Measure(50.0, 1, 2)}
    assert grade(measures).letter == "E"
    settings.GRID_GRADE_MIN_CASES = 3
    assert grade(measures).too_few is True


def test_default_weights_grade_the_month(month):
    measures = {name: value(name) for name in ind.CARD_INDICATORS}
    graded = grade(measures)
    result, letter = graded.score, graded.letter
    # 20×80 + 25×50 + 20×66.7 + 15×33.3 + 10×(100−50), satisfaction has no ratings: / 90
    expected = round((20 * 80 + 25 * 50 + 20 * 66.7 + 15 * 33.3 + 10 * 50) / 90, 1)
    assert result == expected
    assert letter == "E"
