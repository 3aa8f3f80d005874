"""The red-culture map's public pages: the map with its list, a route walked stop by stop, a
site (what its QR code opens) and the QR code itself for staff to print. No log-in: each is
named in `core.public_routes`; anything unpublished is a 404."""

import io

import segno
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from meihao.core.pages import public_url
from meihao.redculture import selectors
from meihao.redculture.services import keeps_map


@login_not_required
@require_GET
def map_page(request):
    sites = list(selectors.published_sites())
    blocks = list(selectors.published_blocks())
    flag_streets = list(selectors.published_flag_streets())
    return render(
        request,
        "redculture/map.html",
        {
            "sites": sites,
            "blocks": blocks,
            "flag_streets": flag_streets,
            "routes": selectors.published_routes(),
            "features": selectors.map_features(sites, blocks, flag_streets),
        },
    )


@login_not_required
@require_GET
def route(request, pk):
    route = selectors.route_public_get(pk)
    legs, total = selectors.route_legs(route)
    return render(
        request,
        "redculture/route.html",
        {
            "route": route,
            "legs": legs,
            "total": total,
            "visits": selectors.upcoming_visits(route),
            "held": selectors.visits_held(route),
            "features": selectors.map_features([leg.site for leg in legs], [], []),
        },
    )


@login_not_required
@require_GET
def site(request, code):
    site = selectors.site_public_get(code)
    return render(
        request,
        "redculture/site.html",
        {
            "site": site,
            "blocks": selectors.blocks_holding(site),
            "routes": selectors.routes_through(site),
            "features": selectors.map_features([site], [], []),
            "keeps_map": request.user.is_authenticated and keeps_map(request.user),
        },
    )


def site_address(request, site) -> str:
    """What a site's QR code says: its page's absolute address, as printed."""
    return public_url(request, reverse("redculture:site", args=[site.code]))


def qr_document(text: str) -> bytes:
    """A standalone SVG of a QR code of `text`, large enough to print on a plaque."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="svg", scale=10, border=4)
    return buffer.getvalue()


@login_not_required
@require_GET
def site_qr(request, code):
    site = selectors.site_public_get(code)
    response = HttpResponse(qr_document(site_address(request, site)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{site.code}.svg"'
    return response
