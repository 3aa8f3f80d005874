"""Every write about volunteers: registration (实名注册) and suspension.

Keyword-only functions, one transaction each, the actor explicit and the change audited.
The alliance's teams are in `volunteers.teams`, certificates in `volunteers.certificates`;
dual registration (双报到) is the `dual` app.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core import idcard
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, forget_scopes
from meihao.people.identity import id_number_fields
from meihao.people.models import Person, PersonTag, RoleAssignment, age_on
from meihao.people.validation import mobile_number
from meihao.places.models import Level, Place, community_of
from meihao.volunteers import consent
from meihao.volunteers.models import (
    ServiceArea,
    VolunteerProfile,
)

ADULT_AGE = 18
SKILLS_MAX = 200
REASON_MAX = 200


# ---------------------------------------------------------------------------------------------
# Helpers


def lock_own_person(actor) -> Person:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    person = Person.objects.select_for_update().filter(user=actor).first()
    if person is None:
        raise ValidationFailed(
            _("Your account has no real-name details yet: enter them under My profile."),
            code="no_person",
        )
    return person


def _require_manager(actor, path: str) -> None:
    if not covers(actor, path, OFFICIALS):
        raise PermissionDenied(_("You may not manage volunteers here."))


def _grant_volunteer_role(*, actor, user, community: Place) -> None:
    """The VOLUNTEER role on the community: what other apps (activities, points) check.

    Created here rather than through `people.services.role_assign`, which asks the actor to be
    a grantor: registering oneself is the one way a resident gets this role without staff.
    """
    if RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER, place=community).exists():
        return
    assignment = RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, place=community)
    audit_change(
        actor=actor,
        action="role_assign",
        target=assignment,
        changes={"user": [None, str(user.pk)], "role": [None, Role.VOLUNTEER]},
    )
    forget_scopes(user)


def _tag(person: Person, tag: str) -> None:
    PersonTag.objects.get_or_create(person=person, tag=tag)


# ---------------------------------------------------------------------------------------------
# Registration


def _clean_service_areas(service_areas: Iterable[str]) -> list[str]:
    cleaned = []
    for code in service_areas or ():
        if code not in ServiceArea.values:
            raise ValidationFailed(_("Unknown service preference."), field="service_areas")
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _real_name_fields(person: Person, *, real_name: str, id_number: str) -> dict:
    """The person's fields to set for a real-name registration; {} when already on file.

    A record with an ID number on file was checked by staff: it is used as it is.
    """
    if person.id_number_hash:
        return {}
    name = (real_name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter your real name as on your ID card."), field="real_name")
    if len(name) > Person._meta.get_field("real_name").max_length:
        raise ValidationFailed(_("Your name is too long."), field="real_name")
    if not (id_number or "").strip():
        raise ValidationFailed(
            _("Enter your ID-card number: volunteers register under their real name."),
            field="id_number",
        )
    try:
        number = idcard.validate_id_number(id_number, birth_date=person.birth_date)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field="id_number") from None
    stored = id_number_fields(number)
    if (
        Person.objects.filter(id_number_hash=stored["id_number_hash"])
        .exclude(pk=person.pk)
        .exists()
    ):
        raise ValidationFailed(
            _("This ID-card number belongs to another registered person; ask your community."),
            code="duplicate_id_number",
            field="id_number",
        )
    return {
        "real_name": name,
        "birth_date": idcard.birth_date_of(number),
        "gender": person.gender or idcard.gender_of(number),
        **stored,
    }


def _guardian_fields(
    *, minor: bool, guardian_name: str, guardian_phone: str, guardian_consent: bool, now
) -> dict:
    if not minor:
        return {"guardian_name": "", "guardian_phone": "", "guardian_consent_at": None}
    name = (guardian_name or "").strip()
    if not name:
        raise ValidationFailed(
            _("You are under 18: enter the name of your parent or guardian."),
            field="guardian_name",
        )
    if len(name) > VolunteerProfile._meta.get_field("guardian_name").max_length:
        raise ValidationFailed(_("The guardian's name is too long."), field="guardian_name")
    phone = mobile_number(guardian_phone, field="guardian_phone")
    if not phone:
        raise ValidationFailed(
            _("You are under 18: enter your guardian's mobile number."), field="guardian_phone"
        )
    if not guardian_consent:
        raise ValidationFailed(
            _("You are under 18: your guardian must agree to your registration."),
            field="guardian_consent",
        )
    return {"guardian_name": name, "guardian_phone": phone, "guardian_consent_at": now}


@transaction.atomic
def volunteer_register(
    *,
    actor,
    consent_given: bool,
    community: Place | None = None,
    real_name: str = "",
    id_number: str = "",
    skills: str = "",
    service_areas: Iterable[str] = (),
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_consent: bool = False,
) -> VolunteerProfile:
    """Register the logged-in resident as a volunteer (实名注册) with a community.

    Needs agreement to the consent text (`volunteers.consent`); someone under 18 on the day
    also needs a guardian's name, mobile number and agreement. Gives the VOLUNTEER role on the
    community. Anything missing or wrong raises ValidationFailed and changes nothing.
    """
    person = lock_own_person(actor)
    if VolunteerProfile.objects.filter(person=person).exists():
        raise ValidationFailed(
            _("You are already registered as a volunteer."), code="already_registered"
        )
    if not consent_given:
        raise ValidationFailed(
            _("Registration needs your agreement to the use of your personal data."),
            code="consent_required",
            field="consent",
        )
    community = community or community_of(person.home_place)
    if community is None:
        raise ValidationFailed(_("Choose the community you volunteer in."), field="community")
    if community.level != Level.COMMUNITY:
        raise ValidationFailed(_("Choose a community, not a street or grid."), field="community")
    person_fields = _real_name_fields(person, real_name=real_name, id_number=id_number)
    born = person_fields.get("birth_date") or person.birth_date
    if born is None:
        raise ValidationFailed(
            _("Your birth date is not on file; ask your community to complete your record."),
            code="no_birth_date",
        )
    skills = (skills or "").strip()
    if len(skills) > SKILLS_MAX:
        raise ValidationFailed(
            _("Describe your skills in at most %(max)d characters.") % {"max": SKILLS_MAX},
            field="skills",
        )
    areas = _clean_service_areas(service_areas)
    now = timezone.now()
    minor = age_on(born, timezone.localdate(now)) < ADULT_AGE
    guardian = _guardian_fields(
        minor=minor,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        guardian_consent=guardian_consent,
        now=now,
    )

    if person_fields:
        old = {"real_name": person.real_name, "id_number": person.id_number_masked or None}
        for field, value in person_fields.items():
            setattr(person, field, value)
        try:
            with transaction.atomic():
                person.save(update_fields=[*person_fields, "updated_at"])
        except IntegrityError as exc:  # the same number registered concurrently
            raise ValidationFailed(
                _("This ID-card number belongs to another registered person; ask your community."),
                code="duplicate_id_number",
                field="id_number",
            ) from exc
        audit_change(
            actor=actor,
            action="person_real_name",
            target=person,
            changes={
                "real_name": [old["real_name"], person.real_name],
                "id_number": [old["id_number"], person.id_number_masked],
            },
        )
    profile = VolunteerProfile.objects.create(
        person=person,
        community=community,
        community_path=community.path,
        registered_at=now,
        consent_version=consent.VERSION,
        consent_at=now,
        skills=skills,
        service_areas=areas,
        **guardian,
    )
    _grant_volunteer_role(actor=actor, user=actor, community=community)
    _tag(person, PersonTag.Tag.VOLUNTEER)
    audit_change(
        actor=actor,
        action="volunteer_register",
        target=profile,
        changes={
            "community": [None, community.code],
            "consent_version": [None, consent.VERSION],
            "guardian": [None, "yes" if minor else "no"],
        },
    )
    return profile


def _profile_for_manager(actor, profile: VolunteerProfile) -> VolunteerProfile:
    """The profile locked for update; 404 outside the actor's view, 403 when only their own."""
    if not VolunteerProfile.objects.visible_to(actor).filter(pk=profile.pk).exists():
        raise NotFound()
    _require_manager(actor, profile.community_path)
    return VolunteerProfile.objects.select_for_update().select_related("person").get(pk=profile.pk)


@transaction.atomic
def volunteer_suspend(*, actor, profile: VolunteerProfile, reason: str) -> VolunteerProfile:
    """Suspend a volunteer (暂停): the VOLUNTEER role on the community goes with it, so other
    apps stop offering them sign-ups; teams and certificates refuse them until reactivated."""
    profile = _profile_for_manager(actor, profile)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for suspending."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("The reason is too long."), field="reason")
    if not profile.is_active:
        raise ValidationFailed(_("This volunteer is already suspended."), code="already_suspended")
    profile.status = VolunteerProfile.Status.SUSPENDED
    profile.status_reason = reason
    profile.save(update_fields=["status", "status_reason", "updated_at"])
    user = profile.person.user
    if user is not None:
        RoleAssignment.objects.filter(
            user=user, role=Role.VOLUNTEER, place=profile.community
        ).delete()
        forget_scopes(user)
    audit_change(
        actor=actor,
        action="volunteer_suspend",
        target=profile,
        changes={
            "status": [VolunteerProfile.Status.ACTIVE, profile.status],
            "reason": [None, reason],
        },
    )
    return profile


@transaction.atomic
def volunteer_reactivate(*, actor, profile: VolunteerProfile) -> VolunteerProfile:
    profile = _profile_for_manager(actor, profile)
    if profile.is_active:
        raise ValidationFailed(_("This volunteer is already active."), code="already_active")
    profile.status = VolunteerProfile.Status.ACTIVE
    profile.status_reason = ""
    profile.save(update_fields=["status", "status_reason", "updated_at"])
    if profile.person.user is not None:
        _grant_volunteer_role(actor=actor, user=profile.person.user, community=profile.community)
    audit_change(
        actor=actor,
        action="volunteer_reactivate",
        target=profile,
        changes={"status": [VolunteerProfile.Status.SUSPENDED, profile.status]},
    )
    return profile
