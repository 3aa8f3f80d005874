"""Scoring an ability assessment (老年人能力评估) against a scale that is data.

A scale (the district's `AssessmentScale`; by default `scales/gbt42195_2022.json`, our reading of
GB/T 42195-2022) has first-level dimensions, each with items whose options carry integer scores;
levels banding the total; and the override rules:

- `to_worst`: a condition that puts the elder at the worst level whatever the score (处于昏迷状态);
- `one_level_worse`: conditions of which any one moves the level one step worse, once, never past
  the worst (确诊为认知障碍/痴呆, 确诊为精神科专科疾病, 近30天内2次及以上照护风险事件).

A province that uses another version loads its own table: nothing here names an item.
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed

# The table every install starts with (installed by migration 0002).
DEFAULT_SCALE_FILE = Path(__file__).resolve().parent / "scales" / "gbt42195_2022.json"
# The conditions an assessor can record; a scale's override rules name some of them.
CONDITIONS = ("coma", "dementia", "psychiatric", "risk_events")
# Care risk events in the last 30 days from which the `risk_events` condition holds.
RISK_EVENTS_THRESHOLD = 2


@dataclass(frozen=True)
class Result:
    dimensions: dict[str, int]
    total: int
    initial_level: int
    level: int
    reasons: tuple[str, ...]


def items_of(definition: dict) -> list[dict]:
    return [item for dimension in definition["dimensions"] for item in dimension["items"]]


def maximum(definition: dict) -> int:
    return sum(max(option["score"] for option in item["options"]) for item in items_of(definition))


def check_scale(definition) -> None:
    """Refuse a table that could not score every answer into exactly one level."""

    def refuse(reason: str):
        raise ValidationFailed(
            _("The scale is not usable: %(reason)s") % {"reason": reason}, field="definition"
        )

    if not isinstance(definition, dict) or not isinstance(definition.get("dimensions"), list):
        refuse(_("it needs a list of dimensions"))
    codes = set()
    for dimension in definition["dimensions"]:
        if (
            not isinstance(dimension, dict)
            or not dimension.get("code")
            or not dimension.get("items")
        ):
            refuse(_("every dimension needs a code and items"))
        for item in dimension["items"]:
            options = item.get("options") if isinstance(item, dict) else None
            if not item.get("code") or item["code"] in codes or not options:
                refuse(_("every item needs its own code and options"))
            codes.add(item["code"])
            scores = [option.get("score") for option in options]
            if not all(type(s) is int and s >= 0 for s in scores) or len(set(scores)) != len(
                scores
            ):
                refuse(_("each option of an item needs its own score, a whole number"))
    levels = definition.get("levels")
    if not isinstance(levels, list) or not levels:
        refuse(_("it needs levels"))
    covered = sorted((band["min"], band["max"]) for band in levels)
    expected = 0
    for low, high in covered:
        if low != expected or high < low:
            refuse(_("the levels must cover every total from 0 to the maximum once"))
        expected = high + 1
    if expected != maximum(definition) + 1:
        refuse(_("the levels must cover every total from 0 to the maximum once"))
    # "One level worse" is the next number: 0 for the highest totals, counting up as they fall.
    by_total = [band["level"] for band in sorted(levels, key=lambda band: band["min"])]
    if by_total != list(range(len(levels) - 1, -1, -1)):
        refuse(_("the levels must be numbered from 0 for the highest totals upwards"))
    overrides = definition.get("overrides", {})
    named = [rule["code"] for rules in overrides.values() for rule in rules]
    if set(overrides) - {"to_worst", "one_level_worse"} or set(named) - set(CONDITIONS):
        refuse(_("an override names an unknown rule or condition"))


def score(definition: dict, answers: dict, conditions=()) -> Result:
    """The scores, the level by the bands and the level after the overrides. Every item must be
    answered with one of its options' scores; nothing else is accepted."""
    conditions = set(conditions)
    unknown = conditions - set(CONDITIONS)
    if unknown:
        raise ValidationFailed(_("Unknown condition."), field="conditions")
    known = {item["code"] for item in items_of(definition)}
    if set(answers) - known:
        raise ValidationFailed(_("Answer only the items of the scale."), field="answers")
    dimensions = {}
    for dimension in definition["dimensions"]:
        subtotal = 0
        for item in dimension["items"]:
            value = answers.get(item["code"])
            allowed = {option["score"] for option in item["options"]}
            if type(value) is not int or value not in allowed:
                raise ValidationFailed(
                    _("Choose one answer for “%(item)s”.") % {"item": item["name"]},
                    code="item_unanswered",
                    field=f"item-{item['code']}",
                )
            subtotal += value
        dimensions[dimension["code"]] = subtotal
    total = sum(dimensions.values())
    bands = definition["levels"]
    initial = next(band["level"] for band in bands if band["min"] <= total <= band["max"])
    worst = max(band["level"] for band in bands)
    overrides = definition.get("overrides", {})
    to_worst = [r["code"] for r in overrides.get("to_worst", []) if r["code"] in conditions]
    worse = [r["code"] for r in overrides.get("one_level_worse", []) if r["code"] in conditions]
    if to_worst:
        return Result(dimensions, total, initial, worst, tuple(to_worst))
    if worse:
        return Result(dimensions, total, initial, min(initial + 1, worst), tuple(worse))
    return Result(dimensions, total, initial, initial, ())
