"""Place pages: the browser (where the user's places start) and one page per place."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from meihao.places import selectors

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
        tile_url=getattr(settings, "PLACES_TILE_URL", ""),
        tile_attribution=getattr(settings, "PLACES_TILE_ATTRIBUTION", ""),
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
