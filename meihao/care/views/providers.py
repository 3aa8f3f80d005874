"""The providers' pages. Parse, call a selector or service, render.

- The officials' list of the providers of their places, and the form that registers one of
  their organisations as a provider (what it offers, where, when).
- A provider's page: what it offers, the places it serves, its staff and their certificates;
  read by the officials of its place and by its own staff. The officials add staff (found by
  their mobile number) and certificates there, change its terms, and suspend or reactivate it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.care import provider_selectors, selectors
from meihao.care.forms import (
    CertificateForm,
    ProviderForm,
    ProviderRegisterForm,
    StaffForm,
    SuspendForm,
)
from meihao.care.models import Provider, Skill
from meihao.care.services.providers import (
    certificate_add,
    provider_register,
    provider_set_active,
    provider_update,
    staff_add,
)
from meihao.core.errors import ValidationFailed
from meihao.core.forms import add_domain_error
from meihao.core.pages import page_of, query_string, requires, scoped_object
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role


def _may_manage(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


@requires(_may_manage)
@require_GET
def providers(request):
    kind = request.GET.get("kind", "")
    rows = selectors.providers_visible_to(request.user)
    if kind in Provider.Kind.values:
        rows = rows.filter(kind=kind)
    page = page_of(request, rows.order_by("place_path", "pk"))
    return render(
        request,
        "care/providers.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Provider.Kind.choices,
            "query": query_string(kind=kind),
        },
    )


# What the register and edit forms both set (ProviderForm's fields besides the areas).
TERMS = ("lat", "lon", "address", "services", "opens_at", "closes_at", "on_call")


def _terms(data: dict) -> dict:
    return {name: data[name] for name in TERMS}


@requires(_may_manage)
@require_http_methods(["GET", "POST"])
def provider_new(request):
    form = ProviderRegisterForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            provider = provider_register(
                actor=request.user,
                organisation=data["organisation"],
                kind=data["kind"],
                areas=data["areas"],
                **_terms(data),
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered as a care provider. Add its staff next.")
                % {"name": provider.name},
            )
            return redirect("care:provider", pk=provider.pk)
    return render(request, "care/provider_new.html", {"form": form})


def _provider_page(request, provider, **forms):
    user = request.user
    today = timezone.localdate()
    staff = list(
        provider.staff.select_related("person").prefetch_related("certificates").order_by("pk")
    )
    for member in staff:
        member.skill_labels = [Skill(s).label for s in member.skills if s in Skill.values]
        for certificate in member.certificates.all():
            certificate.expired = certificate.expires_on < today
            certificate.expiring = (
                not certificate.expired and (certificate.expires_on - today).days <= 30
            )
    manages = provider_selectors.may_manage_provider(user, provider)
    context = {
        "provider": provider,
        "staff": staff,
        "services": list(provider.services.all()),
        "areas": list(provider.areas.select_related("place")),
        "manages": manages,
        "suspension": provider_selectors.suspension_of(provider),
    }
    if manages:
        context["record"] = selectors.provider_record(provider, today=today)
        context["record_place"] = provider.organisation.place.code
        context["staff_form"] = forms.get("staff_form") or StaffForm(user=user)
        context["certificate_form"] = forms.get("certificate_form") or CertificateForm(
            provider=provider
        )
        context["suspend_form"] = forms.get("suspend_form") or SuspendForm()
    return render(request, "care/provider.html", context)


@require_GET
@scoped_object(provider_selectors.provider_for_page, kwarg="pk")
def provider(request, provider):
    return _provider_page(request, provider)


def _kept_areas(form, provider) -> list:
    """The places the provider serves that the edit form does not list (a grid, a place out of
    the editor's sight): they stay."""
    listed = {str(pk) for pk, _label in form.fields["areas"].choices}
    return [
        a.place for a in provider.areas.select_related("place") if str(a.place_id) not in listed
    ]


@require_http_methods(["GET", "POST"])
@scoped_object(selectors.provider_get, kwarg="pk")
def provider_edit(request, provider):
    initial = {
        "address": provider.address,
        "lat": provider.lat,
        "lon": provider.lon,
        "services": list(provider.services.values_list("pk", flat=True)),
        "areas": list(provider.areas.values_list("place_id", flat=True)),
        "opens_at": provider.opens_at,
        "closes_at": provider.closes_at,
        "on_call": provider.on_call,
    }
    form = ProviderForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,
        provider=provider,
    )
    kept = _kept_areas(form, provider)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            provider_update(
                actor=request.user,
                provider=provider,
                areas=[*data["areas"], *kept],
                **_terms(data),
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("care:provider", pk=provider.pk)
    return render(
        request, "care/provider_edit.html", {"form": form, "provider": provider, "kept": kept}
    )


@require_POST
@scoped_object(selectors.provider_get, kwarg="pk")
def staff_new(request, provider):
    form = StaffForm(request.POST, user=request.user)
    if form.is_valid():
        person = form.person
        try:
            staff_add(
                actor=request.user,
                provider=provider,
                person=person,
                skills=form.cleaned_data["skills"],
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            if person.user_id is None:
                messages.warning(
                    request,
                    _(
                        "%(name)s is on the staff, but has no log-in: orders cannot reach them "
                        "until they have one."
                    )
                    % {"name": person.real_name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s is on the staff and now sees the orders offered to %(provider)s.")
                    % {"name": person.real_name, "provider": provider.name},
                )
            return redirect("care:provider", pk=provider.pk)
    return _provider_page(request, provider, staff_form=form)


@require_POST
@scoped_object(selectors.provider_get, kwarg="pk")
def certificate_new(request, provider):
    form = CertificateForm(request.POST, provider=provider)
    if form.is_valid():
        data = form.cleaned_data
        try:
            certificate_add(
                actor=request.user,
                staff=data["staff"],
                kind=data["kind"],
                number=data["number"],
                expires_on=data["expires_on"],
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The certificate of %(name)s is recorded.")
                % {"name": data["staff"].person.real_name},
            )
            return redirect("care:provider", pk=provider.pk)
    return _provider_page(request, provider, certificate_form=form)


@require_POST
@scoped_object(selectors.provider_get, kwarg="pk")
def suspend(request, provider):
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            provider_set_active(
                actor=request.user,
                provider=provider,
                active=False,
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            if error.field is None:
                raise  # already suspended: said on the page the form came from
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is suspended: no orders are offered to it until it is reactivated.")
                % {"name": provider.name},
            )
            return redirect("care:provider", pk=provider.pk)
    return _provider_page(request, provider, suspend_form=form)


@require_POST
@scoped_object(selectors.provider_get, kwarg="pk")
def reactivate(request, provider):
    provider_set_active(actor=request.user, provider=provider, active=True)
    messages.success(
        request, _("%(name)s serves again: new orders are offered to it.") % {"name": provider.name}
    )
    return redirect("care:provider", pk=provider.pk)
