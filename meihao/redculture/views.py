"""The red-culture map's public pages: the map with its list, a route walked stop by stop, a
site (what its QR code opens) and the QR code itself for staff to print. No log-in: each is
named in `core.public_routes`; anything unpublished is a 404."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.core import pages
from meihao.core.middleware import safe_next
from meihao.core.pages import public_url
from meihao.core.photos import Gallery, photo_response
from meihao.redculture import photos, selectors
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


def _site(request, site, *, photo_error=None, status=200):
    user = request.user
    return render(
        request,
        "redculture/site.html",
        {
            "site": site,
            "blocks": selectors.blocks_holding(site),
            "routes": selectors.routes_through(site),
            "features": selectors.map_features([site], [], []),
            "keeps_map": user.is_authenticated and keeps_map(user),
            "gallery": Gallery(
                photos=list(site.photos.all()),
                subject=site.name,
                prefix="site-photos",
                may_edit=user.is_authenticated and photos.keeps_site(user, site),
                add_url=reverse("redculture:photo_add", args=[site.code]),
                back=reverse("redculture:site", args=[site.code]),
                error=photo_error,
            ),
        },
        status=status,
    )


@login_not_required
@require_GET
def site(request, code):
    return _site(request, selectors.site_public_get(code))


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


# --- a site's photos ---------------------------------------------------------------------------


@require_POST
def photo_add(request, code):
    """Photos for a published site's page, by those who keep the map; a refusal draws the page
    again with the message by the photo form (400)."""
    site = selectors.site_public_get(code)
    return pages.written(
        request,
        lambda: photos.site_photos_add(
            actor=request.user,
            site=site,
            files=request.FILES.getlist("photos"),
            caption=request.POST.get("caption", ""),
        ),
        again=lambda error: _site(request, site, photo_error=error, status=400),
        success=_("Photos added."),
        to=lambda added: ("redculture:site", site.code),
    )


@require_POST
def photo_remove(request, pk):
    photo = photos.site_photo_get(pk)
    photos.site_photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo is removed."))
    return redirect(safe_next(request) or reverse("redculture:site", args=[photo.site.code]))


@login_not_required
@require_GET
def site_photo(request, pk, variant):
    return photo_response(photos.site_photo_get(pk), variant, shared=True)
