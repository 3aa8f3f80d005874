"""An assessment as its report reads, in the reader's language: the summary lines, and each
first-level indicator with its score, maximum and items. The report page and its PDF both draw
from this, so they say the same."""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meihao.eldercare.models import Assessment


def named(entry: dict, *, key: str = "name") -> str:
    """A scale entry's name in the reader's language (the table is data, written in Chinese
    with English names beside)."""
    if get_language().startswith("en") and entry.get(f"{key}_en"):
        return entry[f"{key}_en"]
    return entry[key]


def level_names(definition: dict) -> dict[int, str]:
    return {band["level"]: named(band) for band in definition["levels"]}


@dataclass(frozen=True)
class Report:
    summary: list[tuple[str, str]]
    dimensions: list[dict]
    level_name: str
    initial_level_name: str
    override_labels: list[str]


def report_of(assessment: Assessment) -> Report:
    definition = assessment.scale.definition
    answers = assessment.answers
    dimensions = [
        {
            "name": named(dimension),
            "score": assessment.dimension_scores.get(dimension["code"]),
            "maximum": sum(max(o["score"] for o in item["options"]) for item in dimension["items"]),
            "items": [
                {
                    "label": named(item),
                    "score": answers.get(item["code"]),
                    "answer": next(
                        (
                            o["label"]
                            for o in item["options"]
                            if o["score"] == answers.get(item["code"])
                        ),
                        "",
                    ),
                }
                for item in dimension["items"]
            ],
        }
        for dimension in definition["dimensions"]
    ]
    rules = {r["code"]: r for rules in definition.get("overrides", {}).values() for r in rules}
    overrides = [named(rules[c], key="label") for c in assessment.override_reasons if c in rules]
    names = level_names(definition)
    level = names[assessment.level]
    summary = [
        (_("Elder"), assessment.elder.person.real_name),
        (
            _("Assessed on"),
            f"{assessment.assessed_on:%Y-%m-%d} · {assessment.get_reason_display()}",
        ),
        (_("Assessor"), assessment.assessor.name),
        (_("Total score"), str(assessment.total)),
        (_("Ability level"), level),
    ]
    if overrides:
        summary.append(
            (
                _("Why"),
                _("By the score: %(initial)s; changed because: %(why)s")
                % {"initial": names[assessment.initial_level], "why": "；".join(overrides)},
            )
        )
    if assessment.risk_events:
        summary.append((_("Care risk events, last 30 days"), str(assessment.risk_events)))
    if assessment.note:
        summary.append((_("Note"), assessment.note))
    return Report(summary, dimensions, level, names[assessment.initial_level], overrides)
