"""A–E grades from a weighted score of the rate indicators.

Score (0–100) = Σ weightᵢ × scoreᵢ / Σ weightᵢ over the indicators that have a value, where
scoreᵢ is the rate in percent, or 100 − rate for an indicator where lower is better (the reopen
rate). An indicator with nothing to count (empty denominator) leaves the sum, so a department
that had no report-backs is not marked down for it. No indicator with a value → no grade.

Grade: the first letter whose threshold the score reaches, else E. Defaults: A ≥ 90, B ≥ 80,
C ≥ 70, D ≥ 60. Settings: MEIHAO_GRADE_WEIGHTS ({indicator name: weight}) and
MEIHAO_GRADE_THRESHOLDS ((("A", 90), ("B", 80), ...), highest first).

The measures are of grid-management cases only (insights.indicators). A place or department with
fewer than GRID_GRADE_MIN_CASES (default 5) cases filed in the period (`reports_filed`) has
neither score nor grade but `too_few`: "Too few cases" (样本不足) on the page.
"""

from dataclasses import dataclass

from django.conf import settings

from meihao.insights.indicators import INDICATORS
from meihao.insights.registry import Measure

DEFAULT_WEIGHTS = {
    "on_time_response_rate": 20,
    "on_time_handling_rate": 25,
    "closure_rate": 20,
    "on_time_closure_rate": 15,
    "reopen_rate": 10,
    "satisfaction_rate": 10,
}
DEFAULT_THRESHOLDS = (("A", 90.0), ("B", 80.0), ("C", 70.0), ("D", 60.0))
LOWEST = "E"


def weights() -> dict[str, float]:
    configured = getattr(settings, "MEIHAO_GRADE_WEIGHTS", None) or DEFAULT_WEIGHTS
    return {name: float(w) for name, w in configured.items() if name in INDICATORS and w > 0}


def thresholds() -> tuple[tuple[str, float], ...]:
    configured = getattr(settings, "MEIHAO_GRADE_THRESHOLDS", None) or DEFAULT_THRESHOLDS
    return tuple(sorted(((g, float(t)) for g, t in configured), key=lambda gt: -gt[1]))


def score(measures: dict[str, Measure]) -> float | None:
    """The weighted score of `measures` ({indicator name: Measure}), or None."""
    total = weight_sum = 0.0
    for name, weight in weights().items():
        measure = measures.get(name)
        if measure is None or measure.value is None:
            continue
        value = measure.value if INDICATORS[name].higher_is_better else 100.0 - measure.value
        total += weight * value
        weight_sum += weight
    if not weight_sum:
        return None
    return round(total / weight_sum, 1)


def grade_for(value: float | None) -> str | None:
    if value is None:
        return None
    for letter, threshold in thresholds():
        if value >= threshold:
            return letter
    return LOWEST


def min_cases() -> int:
    return settings.GRID_GRADE_MIN_CASES


@dataclass(frozen=True)
class Grade:
    score: float | None
    letter: str | None
    too_few: bool = False  # fewer cases filed than min_cases(): no score, no letter


def grade(measures: dict[str, Measure]) -> Grade:
    """The score and letter of one place or department, or `too_few`."""
    filed = measures.get("reports_filed")
    if filed is None or (filed.value or 0) < min_cases():
        return Grade(None, None, too_few=True)
    value = score(measures)
    return Grade(value, grade_for(value))
