"""Dual registration (双报到) pages: the community's (register units and members, publish
posts, confirm completion, the hours report) and the party member's (browse, claim, my claims).
Parse, call a selector or service, render. No logic.
"""

import csv
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meihao.core import pages
from meihao.core.errors import DomainError, NotFound, PermissionDenied
from meihao.core.excel import XLSX_CONTENT_TYPE, Sheet, workbook_bytes
from meihao.core.forms import add_domain_error, hours_to_minutes
from meihao.core.pages import page_of, query_string
from meihao.dual import selectors, services
from meihao.dual.forms import ConfirmForm, MemberRegistrationForm, PostForm, UnitRegistrationForm
from meihao.dual.models import ServicePost

# Anyone without the ability, and any refusal, gets the same 404 as a wrong address.
staff_page = pages.requires(selectors.is_staff, refusal_is_404=True)
member_page = pages.requires(selectors.may_claim_posts, refusal_is_404=True)


def _filters(request) -> dict:
    return {
        "year": selectors.clean_year(request.GET.get("year")),
        "community": request.GET.get("community", "").strip()[:15],
    }


def _registration_forms(request, *, data=None, which=None) -> dict:
    """Both registration forms; the one posted (`which`) bound to `data`."""
    common = {
        "units": selectors.registering_units(request.user),
        "communities": selectors.managed_communities(request.user),
        "years": selectors.year_choices(),
        "initial": {"year": selectors.this_year()},
    }
    return {
        "unit_form": UnitRegistrationForm(data if which == "unit" else None, **common),
        "member_form": MemberRegistrationForm(data if which == "member" else None, **common),
    }


def _registrations_page(request, forms: dict, status=200):
    filters = _filters(request)
    return render(
        request,
        "dual/registrations.html",
        {
            **forms,
            **filters,
            "units": selectors.unit_registrations(request.user, **filters),
            "members": page_of(request, selectors.member_registrations(request.user, **filters)),
            "years": selectors.year_choices(),
            "communities": selectors.managed_communities(request.user),
            "query": query_string(**filters),
        },
        status=status,
    )


@staff_page
def registrations(request):
    return _registrations_page(request, _registration_forms(request))


@require_POST
@staff_page
def unit_register(request):
    forms = _registration_forms(request, data=request.POST, which="unit")
    form = forms["unit_form"]
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_register(
                actor=request.user,
                organisation=data["organisation"],
                community=data["community"],
                year=data["year"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The unit is registered."))
            return redirect("dual:registrations")
    return _registrations_page(request, forms, status=400)


@require_POST
@staff_page
def member_register(request):
    forms = _registration_forms(request, data=request.POST, which="member")
    form = forms["member_form"]
    if form.is_valid():
        data = form.cleaned_data
        person = selectors.find_resident(request.user, data["phone"])
        if person is None:
            form.add_error(
                "phone", _("No resident you manage has this mobile number; register them first.")
            )
        else:
            try:
                services.member_register(
                    actor=request.user,
                    person=person,
                    unit=data["unit"],
                    community=data["community"],
                    year=data["year"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": person.real_name})
                return redirect("dual:registrations")
    return _registrations_page(request, forms, status=400)


# ---------------------------------------------------------------------------------------------
# Posts (staff)


def _posts_page(request, form, status=200):
    filters = _filters(request)
    post_status = request.GET.get("status", "")
    return render(
        request,
        "dual/post_list.html",
        {
            **filters,
            "form": form,
            "status": post_status,
            "statuses": ServicePost.Status.choices,
            "page": page_of(
                request, selectors.staff_posts(request.user, status=post_status, **filters)
            ),
            "years": selectors.year_choices(),
            "communities": selectors.managed_communities(request.user),
            "query": query_string(status=post_status, **filters),
        },
        status=status,
    )


def _post_form(request, data=None):
    return PostForm(
        data,
        communities=selectors.managed_communities(request.user),
        years=selectors.year_choices(),
        initial={"year": selectors.this_year(), "slots": 1},
    )


@staff_page
def posts(request):
    form = _post_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.post_publish(
                actor=request.user,
                community=data["community"],
                year=data["year"],
                title=data["title"],
                description=data["details"],
                expected_minutes=hours_to_minutes(data["expected_hours"]),
                slots=data["slots"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("“%(title)s” is published.") % {"title": post.title})
            return redirect("dual:post", post_id=post.pk)
    return _posts_page(request, form, status=400 if form.errors else 200)


def _post_page(request, post, *, forms=None, status=200):
    forms = forms or {}
    claims = list(selectors.post_claims(post))
    today = timezone.localdate()
    rows = [
        (
            claim,
            forms.get(claim.pk)
            or ConfirmForm(
                prefix=f"c{claim.pk}",
                initial={"hours": post.expected_minutes / 60, "service_date": today},
            ),
        )
        for claim in claims
    ]
    return render(request, "dual/post.html", {"post": post, "rows": rows}, status=status)


@staff_page
def post_detail(request, post_id: int):
    return _post_page(request, selectors.staff_post_get(request.user, post_id))


@require_POST
@staff_page
def post_status(request, post_id: int):
    post = selectors.staff_post_get(request.user, post_id)
    is_open = request.POST.get("open") == "1"
    services.post_set_open(actor=request.user, post=post, is_open=is_open)
    messages.success(
        request,
        _("The post is open for claims.") if is_open else _("The post is closed to new claims."),
    )
    return redirect("dual:post", post_id=post.pk)


@require_POST
@staff_page
def claim_confirm(request, claim_id: int):
    claim = selectors.staff_claim_get(request.user, claim_id)
    form = ConfirmForm(request.POST, prefix=f"c{claim.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.post_claim_confirm(
                actor=request.user,
                claim=claim,
                minutes=hours_to_minutes(data["hours"]),
                note=data["note"],
                service_date=data["service_date"],
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("%(name)s's service is confirmed.") % {"name": claim.person.real_name}
            )
            return redirect("dual:post", post_id=claim.post_id)
    post = selectors.staff_post_get(request.user, claim.post_id)
    return _post_page(request, post, forms={claim.pk: form}, status=400)


@require_POST
@staff_page
def claim_release(request, claim_id: int):
    claim = selectors.staff_claim_get(request.user, claim_id)
    services.post_claim_cancel(actor=request.user, claim=claim)
    messages.success(request, _("The claim was released; the place is free again."))
    return redirect("dual:post", post_id=claim.post_id)


# ---------------------------------------------------------------------------------------------
# Hours report


REPORT_FORMATS = ("csv", "xlsx")
UNITS_PAGE = "units_page"


def _report_rows(report) -> tuple[list, list]:
    members = [
        [_("Party member"), _("Unit"), _("Community"), _("Posts served"), _("Hours")],
        *(
            [
                r["person__real_name"],
                r["unit__name"],
                r["community__name"],
                r["posts"],
                round(r["hours"], 1),
            ]
            for r in report.members
        ),
    ]
    units = [
        [_("Unit"), _("Registered members"), _("Hours")],
        *([r["unit__name"], r["members"], round(r["hours"], 1)] for r in report.units),
    ]
    return members, units


def _csv(report) -> bytes:
    members, units = _report_rows(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(members)
    writer.writerow([])
    writer.writerows(units)
    # With a byte-order mark, so that Excel opens the Chinese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(report) -> bytes:
    members, units = _report_rows(report)
    return workbook_bytes(
        [
            Sheet(_("Party members"), members[1:], header=members[0]),
            Sheet(_("Units"), units[1:], header=units[0]),
        ]
    )


@staff_page
def report(request):
    filters = _filters(request)
    hours = selectors.hours_report(request.user, **filters)
    export = request.GET.get("format", "")
    if export in REPORT_FORMATS:
        body, content_type = (
            (_csv(hours), "text/csv; charset=utf-8")
            if export == "csv"
            else (_xlsx(hours), XLSX_CONTENT_TYPE)
        )
        response = HttpResponse(body, content_type=content_type)
        name = f"dual-registration-hours-{filters['year']}.{export}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # The page shows both lists a page at a time (each pager keeps the other's page); the
    # exports above carry every row.
    units = page_of(request, hours.units, param=UNITS_PAGE)
    members = page_of(request, hours.members)
    return render(
        request,
        "dual/report.html",
        {
            **filters,
            "report": hours,
            "units": units,
            "members": members,
            "units_param": UNITS_PAGE,
            "units_query": query_string(
                **filters, page=members.number if members.number > 1 else 0
            ),
            "members_query": query_string(
                **filters, **{UNITS_PAGE: units.number if units.number > 1 else 0}
            ),
            "years": selectors.year_choices(),
            "communities": selectors.managed_communities(request.user),
            "query": query_string(**filters),
        },
    )


# ---------------------------------------------------------------------------------------------
# Party members


@member_page
def member_posts(request):
    year = selectors.clean_year(request.GET.get("year"))
    return render(
        request,
        "dual/member_posts.html",
        {
            "year": year,
            "years": selectors.year_choices(),
            "registrations": selectors.my_registrations(request.user),
            "page": page_of(request, selectors.member_posts(request.user, year=year)),
            "query": query_string(year=year),
        },
    )


@require_POST
@member_page
def post_claim(request, post_id: int):
    post = selectors.member_post_get(request.user, post_id)
    services.post_claim(actor=request.user, post=post)
    messages.success(request, _("You claimed “%(title)s”.") % {"title": post.title})
    return redirect("dual:my_claims")


@member_page
def my_claims(request):
    return render(
        request,
        "dual/my_claims.html",
        {"page": page_of(request, selectors.my_claims(request.user)), "query": ""},
    )


@require_POST
@member_page
def claim_cancel(request, claim_id: int):
    claim = selectors.my_claim_get(request.user, claim_id)
    services.post_claim_cancel(actor=request.user, claim=claim)
    messages.success(request, _("Your claim was cancelled."))
    return redirect("dual:my_claims")
