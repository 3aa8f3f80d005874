"""The ability assessment's scoring: the default table's 26 items and 90 points, the five levels
at their bands' edges, the overrides, and refusals of anything that is not an answer."""

import copy
import json

import pytest

from meihao.core.errors import ValidationFailed
from meihao.eldercare.scoring import DEFAULT_SCALE_FILE, check_scale, items_of, maximum, score

SCALE = json.loads(DEFAULT_SCALE_FILE.read_text(encoding="utf-8"))


def answers_totalling(total: int) -> dict:
    """Every item at its best, then lowered item by item until the total is reached."""
    answers = {item["code"]: max(o["score"] for o in item["options"]) for item in items_of(SCALE)}
    excess = sum(answers.values()) - total
    for item in items_of(SCALE):
        scores = sorted((o["score"] for o in item["options"]), reverse=True)
        while excess > 0 and answers[item["code"]] != scores[-1]:
            lower = scores[scores.index(answers[item["code"]]) + 1]
            if answers[item["code"]] - lower > excess:
                lower = next((s for s in scores if answers[item["code"]] - s <= excess), lower)
            excess -= answers[item["code"]] - lower
            answers[item["code"]] = lower
    assert sum(answers.values()) == total
    return answers


def test_the_default_table_has_four_dimensions_26_items_and_90_points():
    check_scale(SCALE)
    assert [d["name"] for d in SCALE["dimensions"]] == [
        "自理能力",
        "基础运动能力",
        "精神状态",
        "感知觉与社会参与",
    ]
    assert len(items_of(SCALE)) == 26 and maximum(SCALE) == 90
    result = score(SCALE, answers_totalling(90))
    assert result.dimensions == {
        "self_care": 32,
        "mobility": 15,
        "mental": 28,
        "perception_social": 15,
    }


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (90, 0),
        (89, 1),
        (66, 1),
        (65, 2),
        (46, 2),
        (45, 3),
        (30, 3),
        (29, 4),
        (0, 4),
    ],
)
def test_the_total_bands_into_the_five_levels(total, level):
    result = score(SCALE, answers_totalling(total))
    assert (result.total, result.initial_level, result.level, result.reasons) == (
        total,
        level,
        level,
        (),
    )


@pytest.mark.parametrize(
    ("total", "conditions", "level", "reasons"),
    [
        # 处于昏迷状态: fully dependent whatever the score, and no other rule adds to it.
        (90, {"coma"}, 4, ("coma",)),
        (70, {"coma", "dementia"}, 4, ("coma",)),
        # Any one of the three moves the level one step worse …
        (90, {"dementia"}, 1, ("dementia",)),
        (70, {"psychiatric"}, 2, ("psychiatric",)),
        (50, {"risk_events"}, 3, ("risk_events",)),
        # … once, however many hold …
        (
            70,
            {"dementia", "psychiatric", "risk_events"},
            2,
            ("dementia", "psychiatric", "risk_events"),
        ),
        # … and never past the worst.
        (20, {"dementia"}, 4, ("dementia",)),
    ],
)
def test_the_overrides(total, conditions, level, reasons):
    result = score(SCALE, answers_totalling(total), conditions)
    assert (result.total, result.level, result.reasons) == (total, level, reasons)


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a.pop("eating"),  # an item unanswered
        lambda a: a.update(stairs=4),  # beyond the item's options (上下楼梯 is 0–3)
        lambda a: a.update(vision=-1),
        lambda a: a.update(memory="4"),  # a string, not a score
        lambda a: a.update(aggression=True),  # a bool is no score either
        lambda a: a.update(singing=2),  # no such item
    ],
)
def test_anything_but_one_option_per_item_is_refused(change):
    answers = answers_totalling(90)
    change(answers)
    with pytest.raises(ValidationFailed):
        score(SCALE, answers)


def test_an_unknown_condition_is_refused():
    with pytest.raises(ValidationFailed):
        score(SCALE, answers_totalling(90), {"tired"})


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["levels"][1].update(min=67),  # a gap between two bands
        lambda s: s["levels"][0].update(max=91),  # beyond the maximum
        lambda s: s["levels"][0].update(level=4),  # numbered the wrong way round
        lambda s: s["dimensions"][0]["items"][1].update(code="eating"),  # two items, one code
        lambda s: s["dimensions"][0]["items"][0]["options"][0].update(score=1.5),
        lambda s: s["overrides"]["one_level_worse"].append({"code": "weather"}),
        lambda s: s.pop("dimensions"),
    ],
)
def test_a_table_that_could_not_score_every_answer_is_refused(change):
    broken = copy.deepcopy(SCALE)
    change(broken)
    with pytest.raises(ValidationFailed):
        check_scale(broken)
