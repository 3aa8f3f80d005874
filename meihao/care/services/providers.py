"""Providers and their staff, set up by the officials of the place the provider is based in:
registering an organisation as a provider (what it offers, where, when) and changing that later,
suspending and reactivating it, adding its staff with their skills (which also gives them the
care-provider role on the organisation), and recording their certificates."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.care.models import (
    CareOffer,
    CareService,
    Certificate,
    CertificateKind,
    Provider,
    ProviderArea,
    ProviderService,
    ProviderStaff,
    Skill,
)
from meihao.care.services.orders import staff_users
from meihao.cases.states import CLAIMABLE_STATES
from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, forget_scopes, sees_place
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import Organisation, Person, RoleAssignment
from meihao.places.geo import validate_point

register_kind(
    "care_provider_status", label=gettext_lazy("My care provider is suspended or serves again")
)

PROVIDER_KINDS = {
    Provider.Kind.MERCHANT: Organisation.Kind.MERCHANT,
    Provider.Kind.ORGANISATION: Organisation.Kind.SOCIAL_ORGANISATION,
    Provider.Kind.SQUAD: Organisation.Kind.SOCIAL_ORGANISATION,
}


def _require_official(actor, path: str) -> None:
    if not sees_place(actor, path):
        raise NotFound(_("No such provider."))
    if not covers(actor, path, OFFICIALS):
        raise PermissionDenied(_("Providers are managed by the officials of their place."))


def _checked_hours(opens_at, closes_at) -> tuple[datetime.time, datetime.time]:
    if not isinstance(opens_at, datetime.time) or not isinstance(closes_at, datetime.time):
        raise ValidationFailed(_("Enter the opening hours."), field="opens_at")
    if closes_at <= opens_at:
        raise ValidationFailed(
            _("The closing time must be after the opening time."), field="closes_at"
        )
    return opens_at, closes_at


def _checked_services(services) -> list[CareService]:
    # Recreation and learning are activities, never offered by a provider.
    return [s for s in services if isinstance(s, CareService) and not s.is_activity]


def _checked_areas(actor, areas, default, serving=frozenset()) -> list:
    """The places a provider serves (`default`, its organisation's place, when none are given);
    one the actor cannot see is NotFound, unless the provider already serves it (`serving`:
    place ids), set by an official who sees further."""
    areas = list(dict.fromkeys(areas)) or [default]
    for area in areas:
        if area.pk not in serving and not sees_place(actor, area.path):
            raise NotFound(_("No such place."))
    return areas


@transaction.atomic
def provider_register(
    *,
    actor,
    organisation: Organisation,
    kind: str,
    lat: float,
    lon: float,
    address: str = "",
    services=(),
    areas=(),
    opens_at: datetime.time = datetime.time(8, 0),
    closes_at: datetime.time = datetime.time(20, 0),
    on_call: bool = False,
) -> Provider:
    """Make `organisation` a care provider at (lat, lon), offering `services` in `areas`
    (places; its own place when none are given)."""
    _require_official(actor, organisation.place_path)
    if kind not in Provider.Kind.values:
        raise ValidationFailed(_("Choose the kind of provider."), field="kind")
    if PROVIDER_KINDS[Provider.Kind(kind)] != organisation.kind:
        raise ValidationFailed(
            _("%(name)s is not an organisation of this kind.") % {"name": organisation.name},
            field="kind",
        )
    if Provider.objects.filter(organisation=organisation).exists():
        raise ValidationFailed(_("This organisation is already a provider."), field="organisation")
    lat, lon = validate_point(lat, lon)
    opens_at, closes_at = _checked_hours(opens_at, closes_at)
    services = _checked_services(services)
    areas = _checked_areas(actor, areas, organisation.place)
    address = clean_text(address, field="address", max_length=200)
    try:
        with transaction.atomic():
            provider = Provider.objects.create(
                organisation=organisation,
                kind=kind,
                place_path=organisation.place_path,
                address=address,
                lat=lat,
                lon=lon,
                opens_at=opens_at,
                closes_at=closes_at,
                on_call=bool(on_call),
            )
    except IntegrityError:
        # Registered by someone else since the check above.
        raise ValidationFailed(
            _("This organisation is already a provider."), field="organisation"
        ) from None
    _offer(provider, services)
    ProviderArea.objects.bulk_create(
        [ProviderArea(provider=provider, place=area, place_path=area.path) for area in areas]
    )
    audit_change(
        actor=actor,
        action="care.provider_register",
        target=provider,
        changes={"organisation": [None, organisation.pk], "kind": [None, kind]},
    )
    return provider


@transaction.atomic
def provider_update(
    *,
    actor,
    provider: Provider,
    lat: float,
    lon: float,
    address: str = "",
    services=(),
    areas=(),
    opens_at: datetime.time,
    closes_at: datetime.time,
    on_call: bool = False,
) -> Provider:
    """Change where the provider is, what it offers, the places it serves and its hours. Orders
    already offered or taken keep their provider; new orders follow the new terms."""
    _require_official(actor, provider.place_path)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    lat, lon = validate_point(lat, lon)
    opens_at, closes_at = _checked_hours(opens_at, closes_at)
    services = _checked_services(services)
    before = {
        "services": sorted(provider.services.values_list("pk", flat=True)),
        "areas": sorted(provider.areas.values_list("place_id", flat=True)),
    }
    areas = _checked_areas(
        actor, areas, provider.organisation.place, serving=frozenset(before["areas"])
    )
    address = clean_text(address, field="address", max_length=200)
    changes = audit_changes(
        provider,
        {
            "address": address,
            "lat": lat,
            "lon": lon,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "on_call": bool(on_call),
        },
    )
    provider.address, provider.lat, provider.lon = address, lat, lon
    provider.opens_at, provider.closes_at, provider.on_call = opens_at, closes_at, bool(on_call)
    provider.save(
        update_fields=["address", "lat", "lon", "opens_at", "closes_at", "on_call", "updated_at"]
    )
    _offer(provider, services)
    area_ids = {area.pk for area in areas}
    provider.areas.exclude(place_id__in=sorted(area_ids)).delete()
    kept = set(provider.areas.values_list("place_id", flat=True))
    ProviderArea.objects.bulk_create(
        [
            ProviderArea(provider=provider, place=area, place_path=area.path)
            for area in areas
            if area.pk not in kept
        ]
    )
    after = {"services": sorted(s.pk for s in services), "areas": sorted(area_ids)}
    for key, old in before.items():
        if old != after[key]:
            changes[key] = [old, after[key]]
    if changes:
        audit_change(actor=actor, action="care.provider_update", target=provider, changes=changes)
    return provider


@transaction.atomic
def provider_set_active(*, actor, provider: Provider, active: bool, reason: str = "") -> Provider:
    """Suspend a provider (暂停: `active` False, with the reason) or let it serve again. A
    suspended provider is offered no orders (`care.eligibility`), and its offers of orders
    nobody has taken yet are withdrawn; orders its staff already took stay theirs."""
    _require_official(actor, provider.place_path)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    active = bool(active)
    reason = clean_text(
        reason,
        field="reason",
        max_length=200,
        required=None if active else _("Give the reason for suspending the provider."),
    )
    if provider.is_active == active:
        raise ValidationFailed(
            _("The provider is already serving.")
            if active
            else _("The provider is already suspended."),
            code="already_active" if active else "already_suspended",
        )
    provider.is_active = active
    provider.save(update_fields=["is_active", "updated_at"])
    withdrawn = 0
    if not active:
        withdrawn, _deleted = CareOffer.objects.filter(
            provider=provider, order__case__status__in=CLAIMABLE_STATES
        ).delete()
    event = audit_change(
        actor=actor,
        action="care.provider_set_active",
        target=provider,
        changes={
            "is_active": [not active, active],
            "reason": [None, reason],
            "offers_withdrawn": [None, withdrawn],
        },
    )
    # Its staff learn at once why the offers stopped (or that they start again).
    notify_enqueue(
        recipients=staff_users([provider.pk]),
        kind="care_provider_status",
        subject=gettext_lazy("{{ name }} serves again")
        if active
        else gettext_lazy("{{ name }} is suspended"),
        body=gettext_lazy("New orders are offered to {{ name }} again.")
        if active
        else gettext_lazy(
            "{{ name }} is suspended by the community: no new orders are offered to it. "
            "Orders you already took are still yours. Reason: {{ reason }}"
        ),
        link=reverse("care:provider", args=[provider.pk]),
        target=provider,
        idempotency_key=f"care-provider:{provider.pk}:active:{event.pk}",
        context={"name": provider.name, "reason": reason},
    )
    return provider


def _offer(provider: Provider, services) -> None:
    """What the provider offers, each item at the provider's position (ProviderService: the
    nearest-first search of an order's providers narrows on it), kept when it moves."""
    provider.services.set(services, through_defaults={"lat": provider.lat, "lon": provider.lon})
    ProviderService.objects.filter(provider=provider).update(lat=provider.lat, lon=provider.lon)


def _checked_skills(skills) -> list[str]:
    skills = sorted(set(skills or ()))
    unknown = [s for s in skills if s not in Skill.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown skill: %(skill)s.") % {"skill": unknown[0]}, field="skills"
        )
    return skills


@transaction.atomic
def staff_add(*, actor, provider: Provider, person: Person, skills=()) -> ProviderStaff:
    """Add `person` to the provider's staff with `skills`; a person with a log-in gets the
    care-provider role on the provider's organisation, so the provider's orders reach them."""
    _require_official(actor, provider.place_path)
    skills = _checked_skills(skills)
    staff, created = ProviderStaff.objects.get_or_create(
        provider=provider, person=person, defaults={"skills": skills}
    )
    if not created:
        staff.skills, staff.is_active = skills, True
        staff.save(update_fields=["skills", "is_active", "updated_at"])
    if person.user_id is not None:
        RoleAssignment.objects.get_or_create(
            user_id=person.user_id, role=Role.CARE_PROVIDER, organisation=provider.organisation
        )
        forget_scopes(person.user)
    audit_change(
        actor=actor,
        action="care.staff_add",
        target=staff,
        changes={"person": [None, person.pk], "skills": [None, skills]},
    )
    return staff


@transaction.atomic
def certificate_add(
    *, actor, staff: ProviderStaff, kind: str, number: str, expires_on: datetime.date
) -> Certificate:
    _require_official(actor, staff.provider.place_path)
    if kind not in CertificateKind.values:
        raise ValidationFailed(_("Choose the kind of certificate."), field="kind")
    number = clean_text(
        number, field="number", max_length=40, required=_("Enter the certificate number.")
    )
    if not isinstance(expires_on, datetime.date):
        raise ValidationFailed(
            _("Enter the date the certificate is valid until."), field="expires_on"
        )
    if expires_on < timezone.localdate():
        raise ValidationFailed(
            _("This certificate has expired; record one that is still valid."),
            field="expires_on",
        )
    certificate = Certificate.objects.create(
        staff=staff, kind=kind, number=number, expires_on=expires_on
    )
    audit_change(
        actor=actor,
        action="care.certificate_add",
        target=certificate,
        changes={"kind": [None, kind], "expires_on": [None, expires_on.isoformat()]},
    )
    return certificate
