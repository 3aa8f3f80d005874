"""Pages for everyone logged in: upcoming activities, one activity with its buttons, signing up,
checking in and out, the camera scan page and "my activities". Parse, call, render.

A form action answers with a redirect to the activity and a message saying what happened; a
refusal changes nothing and is answered by core.middleware (the message, back on the page the
form was posted from).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meihao.activities import attendance as checkins
from meihao.activities import selectors, services
from meihao.activities.models import Activity
from meihao.core.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from meihao.core.pages import scoped_object
from meihao.core.throttle import rate_limited
from meihao.places.geo import validate_point
from meihao.places.models import community_path

PAGE_SIZE = 20
# The code input's length on the pages (a code is 6 characters; spaces typed in are dropped).
CODE_INPUT_MAX = 12


def _near(request) -> tuple[float, float] | None:
    lat, lon = request.GET.get("lat", ""), request.GET.get("lon", "")
    if not (lat and lon):
        return None
    try:
        return validate_point(lat, lon)
    except ValidationFailed as error:  # the list still shows, only not nearest first
        messages.error(request, error.message)
        return None


@login_required
def activity_list(request):
    kind = request.GET.get("kind", "")
    if kind not in Activity.Kind.values:
        kind = ""
    near = _near(request)
    person = selectors.person_of(request.user)
    activities = selectors.upcoming_activities(
        request.user,
        kind=kind,
        near=near,
        community_path=community_path(person.home_place_path) if person else "",
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    for activity in page:
        activity.distance_m = selectors.distance_to(activity, near)
    params = {"kind": kind} if kind else {}
    if near:
        params.update(lat=near[0], lon=near[1])
    kept = urlencode(params)
    return render(
        request,
        "activities/list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Activity.Kind.choices,
            "near": near,
            "query": f"{kept}&" if kept else "",
            "may_organise": selectors.may_organise_any(request.user),
        },
    )


def _detail_context(request, activity: Activity) -> dict:
    signup = selectors.own_signup(request.user, activity)
    abilities = selectors.activity_abilities(request.user, activity, signup)
    return {
        "activity": activity,
        "signup": signup,
        "attendance": selectors.attendance_of(signup),
        "abilities": abilities,
        "places": selectors.places_taken(activity),
        "earnings": selectors.earnings(activity),
        "roles": selectors.role_places(activity),
        "general_places": selectors.general_places(activity),
        "has_person": selectors.person_of(request.user) is not None,
    }


@scoped_object(selectors.activity_get)
def activity_detail(request, activity):
    return render(request, "activities/detail.html", _detail_context(request, activity))


def _signed_up_message(signup) -> str:
    if signup.status == signup.Status.WAITLISTED:
        return _("The activity is full: you are on the waiting list and will be told of a place.")
    return _("You are signed up.")


@login_required
@require_POST
def signup(request, pk):
    activity = selectors.activity_get(request.user, pk)
    signup = services.signup_create(
        actor=request.user, activity=activity, role=request.POST.get("role", "")
    )
    messages.success(request, _signed_up_message(signup))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def signup_cancel(request, pk):
    activity = selectors.activity_get(request.user, pk)
    own = selectors.own_signup(request.user, activity)
    if own is None:
        raise NotFound()
    services.signup_cancel(actor=request.user, signup=own)
    messages.success(request, _("Your sign-up is cancelled."))
    return redirect("activities:detail", pk=activity.pk)


def _checked_in_message(result) -> str:
    attendance = result.attendance
    if not result.created:
        return _("You were already checked in.")
    moment = timezone.localtime(attendance.checked_in_at).strftime("%H:%M")
    if attendance.late:
        return _("Checked in at %(time)s (late).") % {"time": moment}
    return _("Checked in at %(time)s.") % {"time": moment}


@login_required
@require_POST
@rate_limited("checkin_code")
def checkin_code(request, pk):
    activity = selectors.activity_get(request.user, pk)
    result = checkins.checkin_by_code(
        actor=request.user, activity=activity, code=request.POST.get("code", "")
    )
    messages.success(request, _checked_in_message(result))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def checkin_location(request, pk):
    activity = selectors.activity_get(request.user, pk)
    result = checkins.checkin_by_geofence(
        actor=request.user,
        activity=activity,
        lat=request.POST.get("lat"),
        lon=request.POST.get("lon"),
    )
    messages.success(request, _checked_in_message(result))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def join_online(request, pk):
    """Attend from afar: checked in by joining through the platform, then off to the link."""
    activity = selectors.activity_get(request.user, pk)
    checkins.checkin_online(actor=request.user, activity=activity)
    return redirect(activity.online_url)


@login_required
@require_POST
def checkout(request, pk):
    activity = selectors.activity_get(request.user, pk)
    attendance = selectors.attendance_of(selectors.own_signup(request.user, activity))
    if attendance is None:
        raise NotFound()
    attendance = checkins.checkout(actor=request.user, attendance=attendance)
    messages.success(
        request,
        _("Checked out: %(minutes)s minutes credited.") % {"minutes": attendance.credited_minutes},
    )
    return redirect("activities:detail", pk=activity.pk)


@never_cache
@login_required
def checkin_token(request, token):
    """The address in the organiser's QR code. Opening it (a phone's own camera app does) checks
    the user in: a deliberate exception to "GET changes nothing", because the token is only
    valid for 30 s and only checks in the person who opens it."""
    try:
        result = checkins.checkin_by_qr(actor=request.user, token=token)
    except DomainError as error:  # opened from the camera, no page to go back to: "scan again"
        return render(
            request, "activities/checkin_failed.html", {"error": error.message}, status=error.status
        )
    messages.success(request, _checked_in_message(result))
    return redirect("activities:detail", pk=result.attendance.signup.activity_id)


def _scan_page(request, *, error: str = "", code: str = "", status: int = 200):
    return render(
        request,
        "activities/scan.html",
        {
            # The scanner follows only our own check-in addresses, never any URL a code holds.
            "checkin_path": reverse("activities:checkin", args=["TOKEN"]).replace("TOKEN/", ""),
            "error": error,
            "code": code,
        },
        status=status,
    )


@login_required
def scan(request):
    return _scan_page(request)


@login_required
@require_POST
@rate_limited("checkin_code")
def scan_code(request):
    """The code on the organiser's screen typed on the scanner page (no camera, or it was
    refused): a refusal shows the page again with the reason under the code (4xx)."""
    code = request.POST.get("code", "")[:CODE_INPUT_MAX]
    try:
        result = checkins.checkin_by_typed_code(actor=request.user, code=code)
    except (ValidationFailed, IllegalTransition) as error:
        return _scan_page(request, error=error.message, code=code, status=error.status)
    messages.success(request, _checked_in_message(result))
    return redirect("activities:detail", pk=result.attendance.signup.activity_id)


@login_required
def mine(request):
    signups = Paginator(selectors.my_signups(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    person = selectors.person_of(request.user)
    total = selectors.service_minutes(person) if person else 0
    return render(
        request,
        "activities/mine.html",
        {
            "page": signups,
            "query": "",
            "records": selectors.my_records(request.user)[:20],
            "total_minutes": total,
            "total_hours": f"{total / 60:.1f}",
            "now": timezone.now(),
        },
    )
