"""The public page and map of cases: no log-in, anonymised.

What the public sees is `cases.publication.public_case` of the published cases (reviewed, of a
public class): number, class, status, grid, date, the redacted description, the grid's centroid
for a location, the status steps, and the photos staff marked public. The follower's view of a
case (cases.views.reporter.detail) renders the same representation with `public_detail.html`.
"""

import re

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET

from meihao.cases import selectors
from meihao.cases.models import Status
from meihao.cases.publication import PUBLISHED_STATES, public_case
from meihao.cases.views.reporter import CASE_NUMBER, badge
from meihao.cases.vocabulary import REPORT

PAGE_SIZE = 20
STREET_CODE = re.compile(r"^\d{9}$")
CATEGORY_CODE = re.compile(r"^\d{4}$")


def _point(public, url: str = "") -> dict | None:
    if public.lat is None:
        return None
    return {
        "lat": public.lat,
        "lon": public.lon,
        "number": public.number,
        "label": public.class_name,
        "url": url,
    }


def public_card(public, url: str) -> dict:
    """One case of a list (`_public_card.html`) as the public sees it."""
    return {"case": public, "badge": badge(public), "url": url}


def detail_context(public) -> dict:
    """The context of `public_detail.html` for one public representation."""
    point = _point(public)
    return {
        "case": public,
        "badge": badge(public),
        "steps": [(step, step.label) for step in public.steps],
        "points": [point] if point else [],
    }


@login_not_required
@require_GET
def public_list(request):
    street = request.GET.get("street", "")
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    # The public page lists reported problems: their states in the reporters' words, one
    # choice per word (several states read the same), filtering by every state behind it.
    groups = REPORT.status_groups(v for v in Status.values if v in PUBLISHED_STATES)
    chosen = next((group for group in groups if status in group.states), None)
    filters = {
        "street_code": street if STREET_CODE.match(street) else "",
        "status": chosen.value if chosen else "",
        "category_code": category if CATEGORY_CODE.match(category) else "",
    }
    rows = selectors.cases_public(
        street_code=filters["street_code"],
        statuses=chosen.states if chosen else (),
        category_code=filters["category_code"],
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = [public_case(case) for case in page.object_list]
    points = [
        point
        for point in (
            _point(case, reverse("cases:public_detail", args=[case.number])) for case in cases
        )
        if point is not None
    ]
    query = request.GET.copy()
    query.pop("page", None)
    kept = query.urlencode()
    context = {
        "page": page,
        "cards": [
            public_card(case, reverse("cases:public_detail", args=[case.number])) for case in cases
        ],
        "points": points,
        "filters": filters,
        "statuses": [(group.value, group.label) for group in groups],
        "query": f"{kept}&" if kept else "",
        **selectors.public_filter_choices(),
    }
    return render(request, "cases/public.html", context)


@login_not_required
@require_GET
def public_detail(request, number):
    case = selectors.case_public_detail(number=number)
    return render(request, "cases/public_detail.html", detail_context(public_case(case)))


urlpatterns = [
    path("public/", public_list, name="public"),
    re_path(rf"^public/{CASE_NUMBER}/$", public_detail, name="public_detail"),
]
