"""/api/v1/indicators: the indicator registry, read by other systems (a city's data bureau, a
wall screen) exactly as the pages read it. Parse, call a selector, serialise.

- GET /indicators — the indicators the user's roles read: code, names and definitions in
  Chinese and English, unit, definition (in the caller's language) and capability (an empty
  list for a resident).
- GET /indicators/{code}?place=&start=&end=&type=&channel=&department=&team= — the value for
  a place in the user's scope (by default their widest) and a period of days (by default the
  30 days ending today), for an indicator about cases of one grid-management case type and one
  channel (by default all), narrowed to a department or a team where the figure answers for
  one (a department's staff and a team's leaders read theirs), with numerator, denominator and
  the address of the page listing the records behind it. An indicator, place, department or
  team outside the user's scope is 404; a bad date, an unknown type or channel, or a filter
  the figure does not take 400.
"""

from datetime import date

from django.urls import reverse
from django.utils import translation
from ninja import Query, Router, Schema

from meihao.insights import selectors
from meihao.insights.registry import Indicator

router = Router()


class IndicatorCapabilityOut(Schema):
    code: str
    name: str


class IndicatorOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    unit: str
    definition: str
    definition_zh: str
    definition_en: str
    capability: IndicatorCapabilityOut


class IndicatorListOut(Schema):
    items: list[IndicatorOut]
    count: int


class IndicatorValueOut(Schema):
    code: str
    unit: str
    place: str
    case_type: str  # "" for all (indicators about cases only)
    channel: str
    department: int | None  # the department or team it is narrowed to (None: not narrowed)
    team: int | None
    start: date
    end: date
    value: float | None
    numerator: float
    denominator: int | None
    records_url: str


def _names(indicator: Indicator) -> dict:
    """The name and the definition in Chinese and in English, whatever the caller's language."""
    names = {}
    for suffix, language in (("zh", "zh-hans"), ("en", "en")):
        with translation.override(language):
            names[f"name_{suffix}"] = str(indicator.name)
            names[f"definition_{suffix}"] = str(indicator.definition)
    return names


@router.get("", response=IndicatorListOut, summary="The indicators the user may read")
def indicator_list(request):
    items = [
        {
            "code": i.code,
            "name": str(i.name),
            **_names(i),
            "unit": str(i.unit),
            "definition": str(i.definition),
            "capability": {"code": i.capability.code, "name": str(i.capability.name)},
        }
        for i in selectors.readable_indicators(request.user)
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/{code}",
    response=IndicatorValueOut,
    summary="An indicator's value for a place and period",
)
def indicator_value(
    request,
    code: str,
    place: str = "",
    start: str = "",
    end: str = "",
    case_type: str = Query("", alias="type"),
    channel: str = "",
    department: str = "",
    team: str = "",
):
    reading = selectors.read_indicator(
        request.user,
        code,
        place_code=place,
        start=start,
        end=end,
        case_type=case_type,
        channel=channel,
        department=department,
        team=team,
    )
    span = reading.span
    page = reverse("insights:indicator", args=[reading.indicator.code])
    return {
        "code": reading.indicator.code,
        "unit": str(reading.indicator.unit),
        "place": reading.place.code,
        "case_type": span.case_type,
        "channel": span.channel,
        "department": span.department,
        "team": span.team,
        "start": span.first_day,
        "end": span.last_day,
        "value": reading.measure.value,
        "numerator": reading.measure.numerator,
        "denominator": reading.measure.denominator,
        "records_url": request.build_absolute_uri(f"{page}?{reading.query}"),
    }
