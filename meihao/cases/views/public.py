"""The public page and map of cases: no log-in, anonymised.

What the public sees of a case: its number, class, status, grid and street, the date, the
description with phone-like numbers masked, the location rounded to 3 decimals (about 100 m),
and photos only as their EXIF-free public copies. Never a name, a phone number, an address or
who acted on it.
"""

import re

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET

from meihao.cases import selectors
from meihao.cases.models import Status
from meihao.cases.views.reporter import CASE_NUMBER, decorate, event_label

PAGE_SIZE = 20
# Runs of 5+ digits (phones, ID numbers, plate-like numbers) typed into a description.
DIGIT_RUN = re.compile(r"\d[\d\- ]{3,}\d")
STREET_CODE = re.compile(r"^\d{9}$")
CATEGORY_CODE = re.compile(r"^\d{4}$")


def mask_digits(text: str) -> str:
    return DIGIT_RUN.sub(lambda m: "*" * len(m.group(0)), text or "")


def rounded(value):
    return None if value is None else round(value, 3)


def _anonymise(case) -> None:
    case.public_lat = rounded(case.lat)
    case.public_lon = rounded(case.lon)
    case.public_description = mask_digits(case.description)


@require_GET
def public_list(request):
    street = request.GET.get("street", "")
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    filters = {
        "street_code": street if STREET_CODE.match(street) else "",
        "status": status if status in Status.values else "",
        "category_code": category if CATEGORY_CODE.match(category) else "",
    }
    rows = selectors.cases_public(**filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    decorate(cases)
    for case in cases:
        _anonymise(case)
    points = [
        {
            "lat": case.public_lat,
            "lon": case.public_lon,
            "number": case.number,
            "label": case.category.display_name if case.category else "",
            "url": reverse("cases:public_detail", args=[case.number]),
        }
        for case in cases
        if case.public_lat is not None
    ]
    query = request.GET.copy()
    query.pop("page", None)
    kept = query.urlencode()
    context = {
        "page": page,
        "cases": cases,
        "points": points,
        "filters": filters,
        "statuses": [
            (v, label) for v, label in Status.choices if v not in selectors.PUBLIC_HIDDEN_STATES
        ],
        "query": f"{kept}&" if kept else "",
        **selectors.public_filter_choices(),
    }
    return render(request, "cases/public.html", context)


@require_GET
def public_detail(request, number):
    case = selectors.case_public_detail(number=number)
    decorate([case])
    _anonymise(case)
    point = (
        {"lat": case.public_lat, "lon": case.public_lon, "number": case.number, "label": ""}
        if case.public_lat is not None
        else None
    )
    events = list(case.events.all())
    for event in events:
        event.label = event_label(event)
    context = {
        "case": case,
        "events": events,
        "photos": list(case.photos.all()),
        "points": [point] if point else [],
    }
    return render(request, "cases/public_detail.html", context)


urlpatterns = [
    path("public/", public_list, name="public"),
    re_path(rf"^public/{CASE_NUMBER}/$", public_detail, name="public_detail"),
]
