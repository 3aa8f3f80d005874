"""The red-culture map's public pages: the map with its list, a route walked stop by stop, a
site (what its QR code opens) and the QR code itself for staff to print. No log-in: each is
named in `core.public_routes`; anything unpublished is a 404.

Staff schedule a route's guided visit on a page of their own (`visit_new`): the officials of a
place and the leaders of a team; anyone else logged in is refused (403)."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.core import pages
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.forms import add_domain_error
from meihao.core.inputs import parse_id
from meihao.core.middleware import safe_next
from meihao.core.pages import public_url
from meihao.core.photos import Gallery, photo_response
from meihao.redculture import photos, selectors, services
from meihao.redculture.forms import VisitForm
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
            "visits": selectors.upcoming_visits(route)[: selectors.UPCOMING_SHOWN],
            "held": selectors.visits_held(route),
            "schedules_visits": services.schedules_visits(request.user),
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


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """Schedule a guided visit: the route (chosen on its page, `?route=`), when, how many, the
    place and team, a note. A refusal draws the form again with the message (400)."""
    if not services.schedules_visits(request.user):
        raise PermissionDenied()
    route_id = parse_id(request.GET.get("route"))
    form = VisitForm(request.POST or None, user=request.user, initial={"route": route_id})
    if request.method == "POST":
        if form.is_valid():
            try:
                visit = services.route_visit_schedule(actor=request.user, **form.cleaned_data)
            except ValidationFailed as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, _("The guided visit is published: residents can sign up now.")
                )
                return redirect("redculture:route", visit.route_id)
        return _visit_form(request, form, status=400)
    return _visit_form(request, form)


def _visit_form(request, form, status=200):
    chosen = parse_id(form["route"].value())
    route = selectors.visit_routes().filter(pk=chosen).first() if chosen else None
    return render(
        request, "redculture/visit_form.html", {"form": form, "route": route}, status=status
    )


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
