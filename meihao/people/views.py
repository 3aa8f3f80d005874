"""Resident pages: parse, call a selector or service, render. One view serves page and fragment."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meihao.core.errors import DomainError, ValidationFailed
from meihao.core.forms import add_domain_error
from meihao.core.middleware import safe_next
from meihao.core.pages import requires, scoped_object
from meihao.insights.models import ExportJob
from meihao.insights.services import export_request
from meihao.people import excel, selectors, services
from meihao.people.forms import ApiTokenForm, ImportForm, OwnDetailsForm
from meihao.people.models import ApiToken

PAGE_SIZE = 25


def _requires(ability: str):
    """Pages for a list-wide ability: anyone without it gets the same 404 as a wrong address."""
    return requires(lambda user: selectors.people_abilities(user)[ability])


@_requires("list")
def person_list(request):
    q = request.GET.get("q", "").strip()[:50]
    awaiting = request.GET.get("awaiting") == "1"
    people = selectors.person_list(request.user, q, awaiting=awaiting)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        key: value for key, value in (("q", q), ("awaiting", "1" if awaiting else "")) if value
    }
    context = {
        "page": page,
        "q": q,
        "awaiting": awaiting,
        "awaiting_count": selectors.people_counts(request.user).get("residents_to_confirm", 0),
        "query": f"{urlencode(filters)}&" if filters else "",
        "abilities": selectors.people_abilities(request.user),
    }
    if request.htmx and request.htmx.target == "people-results":
        return render(request, "people/_list_results.html", context)
    return render(request, "people/list.html", context)


@_requires("export")
def person_export(request):
    """The Excel export of the (searched) list: confirmed here, written by the worker."""
    q = request.POST.get("q", request.GET.get("q", "")).strip()[:50]
    if request.method == "POST":
        job = export_request(actor=request.user, kind=ExportJob.Kind.RESIDENTS, params={"q": q})
        return redirect("insights:export", pk=job.pk)
    count = selectors.person_list(request.user, q).count()
    return render(request, "people/export.html", {"q": q, "count": count})


@scoped_object(selectors.person_get, kwarg="person_id")
def person_detail(request, person):
    roles = list(person.user.role_assignments.all()) if person.user_id else []
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "abilities": person.abilities(request.user),
            "list_abilities": selectors.people_abilities(request.user),
            "roles": roles,
        },
    )


@require_POST
@scoped_object(
    selectors.person_get,
    kwarg="person_id",
    ability=lambda user, person: person.abilities(user)["edit"],
)
def confirm_home(request, person):
    """The community's staff confirm where a resident who registered themselves lives."""
    try:
        services.person_confirm_home(actor=request.user, person=person)
    except ValidationFailed as exc:
        messages.info(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is confirmed as a resident of %(community)s.")
            % {"name": person.real_name, "community": person.home_place.name},
        )
    return redirect(safe_next(request) or reverse("people:detail", args=[person.pk]))


@never_cache
@require_POST
# Seen but not allowed is a 404: the button is not offered, so that is a hand-made request.
@scoped_object(
    selectors.person_get,
    kwarg="person_id",
    ability=lambda user, person: person.abilities(user)["reveal_id_number"],
)
def reveal_id_number(request, person):
    number = services.person_reveal_id_number(actor=request.user, person=person)
    return render(request, "people/_id_number.html", {"person": person, "number": number})


@_requires("import")
def person_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "row_errors": [], "error": None}
    if request.method == "POST" and form.is_valid():
        try:
            rows = excel.read_import_file(form.cleaned_data["file"])
            people = services.person_import(actor=request.user, rows=rows)
        except services.ImportRejected as exc:
            context["error"] = exc.message
            context["row_errors"] = exc.row_errors
        except ValidationFailed as exc:
            context["error"] = exc.message
        else:
            messages.success(request, _("%(count)d people were imported.") % {"count": len(people)})
            return redirect("people:list")
    status = 400 if context["error"] or form.errors else 200
    return render(request, "people/import.html", context, status=status)


@_requires("import")
def import_template(request):
    response = HttpResponse(excel.import_template(), content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="people-import-template.xlsx"'
    return response


def _profile_context(request, **extra) -> dict:
    return {
        "person": selectors.own_person(request.user),
        "roles": selectors.role_assignments_of(request.user),
        "tokens": selectors.api_tokens_of(request.user),
        "abilities": selectors.people_abilities(request.user),
        "token_form": ApiTokenForm(),
        "new_token": None,
        **extra,
    }


@never_cache
@login_required
def profile(request):
    return render(request, "people/profile.html", _profile_context(request))


@never_cache
@require_POST
@login_required
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, plaintext = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationFailed as exc:
            form.add_error("name", exc.message)
        else:
            # Shown in this response only: the plaintext is not stored anywhere.
            return render(
                request,
                "people/profile.html",
                _profile_context(request, new_token=plaintext, new_token_name=token.name),
            )
    return render(
        request, "people/profile.html", _profile_context(request, token_form=form), status=400
    )


@require_POST
@login_required
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("people:profile")


@never_cache
@login_required
def own_details(request):
    """实名登记: a resident with a log-in but no record enters their details when a service
    first needs them, then goes back to where they were (`next`)."""
    back = safe_next(request)
    if selectors.own_person(request.user) is not None:
        messages.info(request, _("Your real-name details are already on record."))
        return redirect(back or "people:profile")
    form = OwnDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_declare_own(
                actor=request.user,
                real_name=data["real_name"],
                id_number=data["id_number"],
                home_place=data["community"],
                address=data["address"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, renamed={"home_place": "community"})
        else:
            messages.success(
                request,
                _(
                    "Your details are saved. %(community)s will confirm that you live there; "
                    "until then it shows as waiting."
                )
                % {"community": data["community"].name},
            )
            return redirect(back or "people:profile")
    return render(request, "people/own_details.html", {"form": form, "next": back or ""})
