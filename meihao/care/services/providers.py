"""Providers and their staff, set up by the officials of the place the provider is based in:
registering an organisation as a provider (what it offers, where, when), adding its staff with
their skills (which also gives them the care-provider role on the organisation), and recording
their certificates."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from meihao.care.models import (
    CareService,
    Certificate,
    CertificateKind,
    Provider,
    ProviderArea,
    ProviderStaff,
    Skill,
)
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, forget_scopes, sees_place
from meihao.people.models import Organisation, Person, RoleAssignment
from meihao.places.geo import validate_point

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
    services = [s for s in services if isinstance(s, CareService) and not s.is_activity]
    areas = list(areas) or [organisation.place]
    for area in areas:
        if not sees_place(actor, area.path):
            raise NotFound(_("No such place."))
    provider = Provider.objects.create(
        organisation=organisation,
        kind=kind,
        place_path=organisation.place_path,
        address=clean_text(address, field="address", max_length=200),
        lat=lat,
        lon=lon,
        opens_at=opens_at,
        closes_at=closes_at,
        on_call=bool(on_call),
    )
    provider.services.set(services)
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
    number = clean_text(number, field="number", max_length=40, required=True)
    if not isinstance(expires_on, datetime.date):
        raise ValidationFailed(
            _("Enter the date the certificate is valid until."), field="expires_on"
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
