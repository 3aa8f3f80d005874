"""Place pages: the browser (where the user's places start) and one page per place."""

import math
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required, login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meihao.core.errors import ValidationFailed
from meihao.core.inputs import parse_int
from meihao.places import basemap, selectors

CHILDREN_PER_PAGE = 50
PLACED_SHOWN = 50
CHILDREN_TARGET = "place-children"  # the element the htmx search and pager swap


@require_GET
@login_required
def browser(request):
    roots = selectors.place_roots(user=request.user)
    if len(roots) == 1:
        return _place_page(request, roots[0])
    return render(request, "places/browser.html", {"roots": roots})


@require_GET
@login_required
def detail(request, code: str):
    place = selectors.place_get(user=request.user, code=code)
    return _place_page(request, place)


def _place_page(request, place):
    user = request.user
    q = request.GET.get("q", "").strip()[:50]
    children = Paginator(
        selectors.place_children(user=user, place=place, q=q), CHILDREN_PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = [(child, child.abilities(user)) for child in children]
    context = {
        "place": place,
        "abilities": place.abilities(user),
        "q": q,
        "query": f"{urlencode({'q': q})}&" if q else "",
        "children": children,
        "rows": rows,
        "children_url": reverse("places:detail", args=[place.code]),
        "children_target": CHILDREN_TARGET,
    }
    if request.htmx and request.htmx.target == CHILDREN_TARGET:
        return render(request, "places/_children.html", context)
    buildings = selectors.place_buildings(user=user, place=place)
    venues = selectors.place_venues(user=user, place=place)
    context.update(
        ancestors=selectors.place_ancestors(user=user, place=place),
        buildings=buildings[:PLACED_SHOWN],
        building_count=buildings.count(),
        venues=venues[:PLACED_SHOWN],
        venue_count=venues.count(),
        placed_shown=PLACED_SHOWN,
        geojson=_feature_collection(place, children),
    )
    return render(request, "places/detail.html", context)


def _feature_collection(place, children) -> dict:
    """The place's own outline and its children's polygons, for the Leaflet map."""
    features = []
    # The place's own outline comes last so that it is drawn above its children's fills.
    for role, each in [*(("child", child) for child in children), ("self", place)]:
        if each.boundary:
            features.append(
                {
                    "type": "Feature",
                    "geometry": each.boundary,
                    "properties": {
                        "role": role,
                        "code": each.code,
                        "name": each.name,
                        "url": reverse("places:detail", args=[each.code]),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _refusal(exc: ValidationFailed) -> JsonResponse:
    """A map's script reads the refusal as JSON, in the user's language."""
    return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)


def _bbox(value: str) -> tuple[float, float, float, float]:
    """West, south, east, north from "w,s,e,n" in WGS-84 degrees."""
    parts = value.split(",")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise ValidationFailed(
            _("The map's box must be four numbers: west,south,east,north."),
            code="invalid_bbox",
            field="bbox",
        ) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
        -180 <= west < east <= 180 and -90 <= south < north <= 90
    ):
        raise ValidationFailed(
            _(
                "The map's box must lie within longitude -180…180 and latitude -90…90, west of "
                "its east and south of its north edge."
            ),
            code="invalid_bbox",
            field="bbox",
        )
    return west, south, east, north


@require_GET
@login_not_required
def base_map(request):
    """The self-drawn base map of one map view (GeoJSON): public, like a paper map."""
    try:
        west, south, east, north = _bbox(request.GET.get("bbox", ""))
        zoom = parse_int(request.GET.get("zoom"), minimum=0, maximum=basemap.MAX_ZOOM)
        if zoom is None:
            raise ValidationFailed(
                _("The zoom must be a whole number from 0 to %(max)s.") % {"max": basemap.MAX_ZOOM},
                code="invalid_zoom",
                field="zoom",
            )
    except ValidationFailed as exc:
        return _refusal(exc)
    collection = basemap.features(west=west, south=south, east=east, north=north, zoom=zoom)
    return JsonResponse(collection)


@require_GET
@login_required
def map_search(request):
    """Buildings, venues, addresses and places of the district matching `q`, with positions."""
    q = " ".join(request.GET.get("q", "").split())
    if not q:
        return _refusal(ValidationFailed(_("Type part of a name or an address."), field="q"))
    if len(q) > selectors.SEARCH_MAX_LENGTH:
        message = _("Type at most %(count)s characters.") % {"count": selectors.SEARCH_MAX_LENGTH}
        return _refusal(ValidationFailed(message, field="q"))
    return JsonResponse({"items": selectors.map_search(q=q)})
