"""Organisers' pages (community staff, street chief, district admin, inside their place scope):
their activities, the form, publishing, sign-ups and the waiting list, the QR code screen,
attendance with its Excel export, finishing and cancelling. Parse, call, render.

Anyone else, and an organiser asking about an activity outside their scope, gets a 404.
"""

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meihao.activities import attendance as checkins
from meihao.activities import excel, qr, selectors, services
from meihao.activities.forms import ActivityForm, ReasonForm
from meihao.activities.models import Activity
from meihao.core.errors import DomainError
from meihao.core.forms import add_domain_error
from meihao.core.pages import requires, scoped_object

PAGE_SIZE = 25
# Service field names that the form spells differently.
FORM_FIELD = {"min_attendance_share": "attendance_percent"}


# Only for people who organise somewhere; everyone else gets a plain 404.
organiser_page = requires(selectors.may_organise_any)
# An organiser page about one activity of the user's scope (404 for any other).
organised = scoped_object(selectors.organised_activity_get, page_ability=selectors.may_organise_any)


@organiser_page
def organise(request):
    status = request.GET.get("status", "")
    if status not in Activity.Status.values:
        status = ""
    activities = selectors.organised_activities(request.user, status=status)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/organise.html",
        {
            "page": page,
            "status": status,
            "statuses": Activity.Status.choices,
            "query": f"status={status}&" if status else "",
        },
    )


def _form_page(request, form, activity):
    return render(
        request,
        "activities/form.html",
        {"form": form, "activity": activity, "venues": selectors.organiser_venues(request.user)},
    )


@organiser_page
def create(request):
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, **form.activity_fields())
        except DomainError as error:
            add_domain_error(form, error, FORM_FIELD)
        else:
            messages.success(request, _("Draft saved. Publish it to open sign-ups."))
            return redirect("activities:detail", pk=activity.pk)
    return _form_page(request, form, None)


@organised
def edit(request, activity):
    if activity.status not in (Activity.Status.DRAFT, Activity.Status.PUBLISHED):
        raise Http404()
    form = ActivityForm(
        request.POST or None, user=request.user, initial=ActivityForm.initial_from(activity)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user, activity=activity, **form.activity_fields()
            )
        except DomainError as error:
            add_domain_error(form, error, FORM_FIELD)
        else:
            messages.success(request, _("Saved."))
            return redirect("activities:detail", pk=activity.pk)
    return _form_page(request, form, activity)


@organised
@require_POST
def publish(request, activity):
    services.activity_publish(actor=request.user, activity=activity)
    messages.success(request, _("Published: residents can now sign up."))
    return redirect("activities:detail", pk=activity.pk)


@organised
def cancel(request, activity):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(
                actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error, FORM_FIELD)
        else:
            messages.success(request, _("The activity is cancelled; those signed up are told."))
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/cancel.html",
        {"activity": activity, "form": form, "places": selectors.places_taken(activity)},
    )


@organised
def signups(request, activity):
    return render(
        request,
        "activities/signups.html",
        {"activity": activity, **selectors.signup_lists(activity)},
    )


@organised
@require_POST
def signup_remove(request, activity, signup_pk):
    signup = selectors.organised_signup_get(request.user, activity, signup_pk)
    services.signup_cancel(actor=request.user, signup=signup)
    messages.success(
        request, _("Sign-up of %(name)s cancelled.") % {"name": signup.person.real_name}
    )
    return redirect("activities:signups", pk=activity.pk)


@organised
def attendance(request, activity):
    rows = selectors.attendance_rows(activity)
    abilities = selectors.activity_abilities(request.user, activity, None)
    return render(
        request,
        "activities/attendance.html",
        {
            "activity": activity,
            "rows": rows,
            "abilities": abilities,
            "checkin_open": abilities["show_qr"],
            "counts": {
                state: sum(1 for row in rows if row.state == state)
                for state in ("present", "checked_out", "absent", "expected")
            },
            "late": sum(1 for row in rows if row.late),
        },
    )


@organised
@require_POST
def staff_checkin(request, activity, signup_pk):
    signup = selectors.organised_signup_get(request.user, activity, signup_pk)
    checkins.checkin_by_staff(actor=request.user, signup=signup)
    messages.success(request, _("%(name)s is checked in.") % {"name": signup.person.real_name})
    return redirect("activities:attendance", pk=activity.pk)


@organised
@require_POST
def staff_checkout(request, activity, signup_pk):
    signup = selectors.organised_signup_get(request.user, activity, signup_pk)
    attendance = selectors.attendance_of(signup)
    if attendance is None:
        raise Http404()
    checkins.checkout(actor=request.user, attendance=attendance)
    messages.success(request, _("%(name)s is checked out.") % {"name": signup.person.real_name})
    return redirect("activities:attendance", pk=activity.pk)


def _qr_context(request, activity) -> dict:
    rotation = qr.current_rotation(activity.pk)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[rotation.token]))
    # segno writes the SVG itself from the URL: no user text reaches it unescaped.
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
    return {"activity": activity, "rotation": rotation, "svg": mark_safe(svg)}  # noqa: S308


@never_cache
@organised
def qr_screen(request, activity):
    abilities = selectors.activity_abilities(request.user, activity, None)
    return render(
        request,
        "activities/qr.html",
        {**_qr_context(request, activity), "open": abilities["show_qr"]},
    )


@never_cache
@organised
def qr_code(request, activity):
    """The fragment the QR screen polls every 10 s (htmx)."""
    if not selectors.activity_abilities(request.user, activity, None)["show_qr"]:
        return render(request, "activities/_qr_closed.html", {"activity": activity})
    return render(request, "activities/_qr_code.html", _qr_context(request, activity))


@organised
def finish(request, activity):
    if request.method == "POST":
        result = checkins.activity_finish(actor=request.user, activity=activity)
        messages.success(
            request,
            _(
                "Finished: %(out)s checked out, %(absent)s absent, %(records)s service records "
                "written."
            )
            % {"out": result.checked_out, "absent": result.absent, "records": len(result.records)},
        )
        return redirect("activities:attendance", pk=activity.pk)
    rows = selectors.attendance_rows(activity)
    return render(
        request,
        "activities/finish.html",
        {
            "activity": activity,
            "still_in": sum(1 for row in rows if row.state == "present"),
            "not_in": sum(1 for row in rows if row.attendance is None),
            "share_percent": int(activity.min_attendance_share * 100),
            "abilities": selectors.activity_abilities(request.user, activity, None),
        },
    )


@organised
def export(request, activity):
    rows = selectors.attendance_rows(activity)
    response = HttpResponse(
        excel.export_attendance(activity, rows), content_type=excel.XLSX_CONTENT_TYPE
    )
    day = timezone.localtime(activity.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="attendance-{activity.pk}-{day}.xlsx"'
    return response
