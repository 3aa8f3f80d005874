"""Reads behind Open311: the service list, the jurisdiction, and the public service requests.

Open311 GET endpoints are deliberately public (GeoReport v2 lets anyone read requests), so they
do not go through `Case.objects.visible_to(user)`; they see exactly what the public case page
shows: `cases.publication.publicly_visible()`, serialised from `public_case()`.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q

from meihao.cases.models import Case, CaseCategory, CaseType
from meihao.cases.publication import publicly_visible
from meihao.cases.states import TERMINAL_STATES
from meihao.places.models import Place

# GeoReport v2: "at most 1,000 results"; "the range defaults to the most recent 90 days".
MAX_RESULTS = 1000
DEFAULT_WINDOW_DAYS = 90
# The note event that keeps what an Open311 client sent beyond the case's own fields.
NOTE_ACTION = "note"


@dataclass(frozen=True)
class Service:
    """One Open311 service: a minor class of a public case type (or a class-less public type)."""

    code: str
    case_type: CaseType
    category: CaseCategory | None

    @property
    def name(self) -> str:
        return (self.category or self.case_type).display_name

    @property
    def group(self) -> str:
        if self.category is not None and self.category.parent is not None:
            return self.category.parent.display_name
        return self.case_type.display_name

    @property
    def schema(self) -> dict:
        return self.case_type.form_schema or {}


def _submittable_types():
    return CaseType.objects.filter(is_active=True, public_may_submit=True).order_by("code")


def services() -> list[Service]:
    """Every service, in the order of (case type code, class code). Two queries.

    The service code is the minor class's code (0501 乱摆卖). Should two public case types share a
    class code, both are qualified with their type code (GRID-0501) so that codes stay unique.
    A public type without any classes is one service whose code is the type's code.
    """
    types = list(_submittable_types())
    categories = list(
        CaseCategory.objects.filter(
            case_type__in=types, parent__isnull=False, is_active=True, parent__is_active=True
        )
        .select_related("parent")
        .order_by("case_type__code", "code")
    )
    with_classes = set(
        CaseCategory.objects.filter(case_type__in=types).values_list("case_type_id", flat=True)
    )
    by_id = {t.pk: t for t in types}
    counts: dict[str, int] = {}
    for category in categories:
        counts[category.code] = counts.get(category.code, 0) + 1
    found = []
    for case_type in types:
        if case_type.pk not in with_classes:
            found.append(Service(code=case_type.code, case_type=case_type, category=None))
            continue
        for category in categories:
            if category.case_type_id != case_type.pk:
                continue
            category.case_type = by_id[category.case_type_id]
            code = category.code
            if counts[code] > 1:
                code = f"{case_type.code}-{code}"
            found.append(Service(code=code, case_type=case_type, category=category))
    return found


def service_for_code(code: str) -> Service | None:
    return next((s for s in services() if s.code == code), None)


def service_codes_by_category() -> dict[int, str]:
    """{category id: service code} for serialising requests of currently offered services."""
    return {s.category.pk: s.code for s in services() if s.category is not None}


def services_changeset() -> datetime | None:
    """When the service list last changed, as far as the tables record it (case types)."""
    return _submittable_types().aggregate(latest=Max("updated_at"))["latest"]


def jurisdictions() -> list[Place]:
    """The roots of the place tree: the districts. Their codes are the jurisdiction_ids."""
    return list(Place.objects.filter(parent__isnull=True).order_by("path"))


def public_cases():
    """Cases the public may read (cases.publication), with what serialising needs."""
    return publicly_visible()


def public_case(number: str, *, jurisdiction: Place | None = None) -> Case | None:
    cases = public_cases().filter(number=number)
    if jurisdiction is not None:
        cases = cases.filter(place_path__startswith=jurisdiction.path)
    return cases.first()


def _service_q(codes: list[str]) -> Q:
    offered = {s.code: s for s in services()}
    query = Q(pk__in=[])
    for code in codes:
        service = offered.get(code)
        if service is None:
            # A class no longer offered may still have requests: match it by its bare code.
            bare = code.rsplit("-", 1)[-1]
            if re.fullmatch(r"\d{4}", bare):
                query |= Q(category__code=bare, category__parent__isnull=False)
            continue
        if service.category is not None:
            query |= Q(category=service.category)
        else:
            query |= Q(case_type=service.case_type, category__isnull=True)
    return query


def search_requests(
    *,
    jurisdiction: Place | None,
    numbers: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
) -> list[Case]:
    """Public requests, newest first, at most MAX_RESULTS.

    With `numbers` (service_request_id) every other filter is ignored, as the spec says; else the
    caller passes the date window (the 90-day default is the view's job).
    """
    cases = public_cases()
    if jurisdiction is not None:
        cases = cases.filter(place_path__startswith=jurisdiction.path)
    if numbers is not None:
        cases = cases.filter(number__in=numbers)
    else:
        if service_codes:
            cases = cases.filter(_service_q(service_codes))
        if start is not None:
            cases = cases.filter(created_at__gte=start)
        if end is not None:
            cases = cases.filter(created_at__lte=end)
        if statuses and set(statuses) != {"open", "closed"}:
            if "closed" in statuses:
                cases = cases.filter(status__in=TERMINAL_STATES)
            else:
                cases = cases.exclude(status__in=TERMINAL_STATES)
    return list(cases.order_by("-created_at", "-id")[:MAX_RESULTS])
