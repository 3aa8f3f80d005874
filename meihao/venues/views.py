"""The venue bookings' pages: the bookable venues on a list and a map, a venue with its coming
slots and the booking form, one's own bookings (cancel, hold an activity on one) and the
requests the venues' officials confirm or decline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.activities.extensions import owned_kinds
from meihao.activities.models import Activity
from meihao.core import pages
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_datetime, parse_id, parse_int
from meihao.core.middleware import safe_next
from meihao.core.pages import page_of
from meihao.core.photos import Gallery, photo_response
from meihao.people.models import Organisation, Team
from meihao.places.models import Venue
from meihao.venues import selectors, services

venue_page = pages.scoped_object(selectors.venue_get)
booking_page = pages.scoped_object(selectors.booking_get)
photo_page = pages.scoped_object(selectors.venue_photo_get)
requests_page = pages.requires(selectors.decides_any)


@login_required
@require_GET
def venue_list(request):
    q = request.GET.get("q", "").strip()[:50]
    places = list(selectors.filter_places())
    code = request.GET.get("place", "")
    place = next((p for p in places if p.code == code), None)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Venue.Kind.values else ""
    page = page_of(request, selectors.bookable_venues(q=q, place=place, kind=kind))
    return render(
        request,
        "venues/list.html",
        {
            "page": page,
            "features": selectors.map_features(page.object_list),
            "places": places,
            "place": place,
            "kinds": Venue.Kind.choices,
            "kind": kind,
            "q": q,
            "query": pages.query_string(q=q, place=place.code if place else "", kind=kind),
            "decides": selectors.decides_any(request.user),
        },
    )


def _gallery(request, venue, error=None) -> Gallery:
    runs = services.runs_venue(request.user, venue)
    return Gallery(
        photos=list(venue.photos.all()),
        subject=venue.name,
        prefix="venue-photos",
        may_edit=runs,
        add_url=reverse("venues:photo_add", args=[venue.pk]),
        back=reverse("venues:detail", args=[venue.pk]),
        error=error,
    )


def _venue(request, venue, *, error=None, photo_error=None, status=200):
    user = request.user
    teams, organisations = selectors.holders(user)
    return render(
        request,
        "venues/detail.html",
        {
            "venue": venue,
            "days": selectors.coming_days(user, venue),
            "may_book": services.may_book(user, venue),
            "runs_venue": services.runs_venue(user, venue),
            "teams": teams,
            "organisations": organisations,
            "error": error,
            "values": request.POST,
            "gallery": _gallery(request, venue, photo_error),
        },
        status=status,
    )


@venue_page
@require_GET
def detail(request, venue):
    return _venue(request, venue)


def _holder_chosen(value: str):
    """(team, organisation) from the form's "team:<id>" / "organisation:<id>"; one the user may
    not book for is left to the service to refuse in words."""
    kind, _sep, pk = (value or "").partition(":")
    pk = parse_id(pk)
    if kind == "team" and pk:
        return Team.objects.filter(pk=pk).first(), None
    if kind == "organisation" and pk:
        return None, Organisation.objects.filter(pk=pk).first()
    return None, None


@venue_page
@require_POST
def book(request, venue):
    if not services.may_book(request.user, venue):
        raise NotFound()
    post = request.POST
    team, organisation = _holder_chosen(post.get("holder", ""))
    return pages.written(
        request,
        lambda: services.booking_request(
            actor=request.user,
            venue=venue,
            starts_at=parse_datetime(post.get("starts_at")),
            ends_at=parse_datetime(post.get("ends_at")),
            purpose=post.get("purpose"),
            team=team,
            organisation=organisation,
        ),
        again=lambda error: _venue(request, venue, error=error, status=400),
        success=_("Booked: the venue is yours for that time.")
        if not venue.needs_approval
        else _("Requested: the community's staff will confirm it."),
        to=lambda booking: ("venues:mine",),
    )


def _mine(request, *, error=None, failed=None, status=200):
    return render(
        request,
        "venues/mine.html",
        {
            "page": page_of(request, selectors.my_bookings(request.user)),
            "kinds": [
                (value, label)
                for value, label in Activity.Kind.choices
                if value not in owned_kinds()
            ],
            "now": timezone.now(),
            "error": error,
            "failed": failed,
            "values": request.POST,
        },
        status=status,
    )


@login_required
@require_GET
def mine(request):
    return _mine(request)


@booking_page
@require_POST
def cancel(request, booking):
    services.booking_cancel(actor=request.user, booking=booking, reason=request.POST.get("reason"))
    messages.success(request, _("The booking is cancelled; the slot is free again."))
    return redirect(safe_next(request) or "venues:mine")


@booking_page
@require_POST
def hold_activity(request, booking):
    post = request.POST
    return pages.written(
        request,
        lambda: services.activity_from_booking(
            actor=request.user,
            booking=booking,
            kind=post.get("kind"),
            title=post.get("title"),
            capacity=parse_int(post.get("capacity"), minimum=0, maximum=100_000),
            description=post.get("description", ""),
        ),
        again=lambda error: _mine(request, error=error, failed=booking.pk, status=400),
        success=_("The activity is drafted at the venue: publish it from its page."),
        to=lambda held: ("activities:detail", held.activity_id),
    )


@requests_page
@require_GET
def requests(request):
    return render(
        request,
        "venues/requests.html",
        {"page": page_of(request, selectors.requests_to_decide(request.user))},
    )


@booking_page
@require_POST
def decide(request, booking):
    confirm = {"confirm": True, "decline": False}.get(request.POST.get("decision", ""))
    if confirm is None:
        raise ValidationFailed(_("Confirm or decline the booking."), field="decision")
    services.booking_decide(
        actor=request.user, booking=booking, confirm=confirm, reason=request.POST.get("reason")
    )
    messages.success(
        request,
        _("Confirmed: the booker is told.") if confirm else _("Declined: the booker is told why."),
    )
    return redirect(safe_next(request) or "venues:requests")


# --- photos ------------------------------------------------------------------------------------


@venue_page
@require_POST
def photo_add(request, venue):
    return pages.written(
        request,
        lambda: services.venue_photos_add(
            actor=request.user,
            venue=venue,
            files=request.FILES.getlist("photos"),
            caption=request.POST.get("caption", ""),
        ),
        again=lambda error: _venue(request, venue, photo_error=error, status=400),
        success=_("Photos added."),
        to=lambda added: ("venues:detail", venue.pk),
    )


@photo_page
@require_POST
def photo_remove(request, photo):
    services.venue_photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo is removed."))
    return redirect(safe_next(request) or reverse("venues:detail", args=[photo.venue_id]))


@photo_page
@require_GET
def photo(request, photo, variant):
    return photo_response(photo, variant, shared=False)
