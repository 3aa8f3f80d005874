"""Every write of 云家庭's elder records: registering an elder, who may act for them, and their
ability assessments. Each is done by care staff covering the elder's home (core.roles.ELDER_CARE)
and leaves an audit entry."""

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text, phone_digits
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import covers
from meihao.eldercare import scoring
from meihao.eldercare.models import (
    ELDER_MIN_AGE,
    NOTES_MAX,
    Assessment,
    AssessmentScale,
    Elder,
    FamilyLink,
    Living,
)
from meihao.people.models import Person, age_on
from meihao.people.validation import mobile_number

CONTACTS_MAX = 5
RISK_EVENTS_MAX = 99


def _authorise(actor, path: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not covers(actor, path, ELDER_CARE):
        raise NotFound()


def _contacts(contacts) -> list[dict]:
    cleaned = []
    for index, contact in enumerate(contacts or []):
        name = clean_text(contact.get("name", ""), field=f"contact-{index}-name", max_length=50)
        relation = clean_text(
            contact.get("relation", ""), field=f"contact-{index}-relation", max_length=20
        )
        phone = (contact.get("phone") or "").strip()
        if not (name or relation or phone):
            continue
        if not name or not phone:
            raise ValidationFailed(
                _("An emergency contact needs a name and a phone number."),
                field=f"contact-{index}-name",
            )
        cleaned.append(
            {
                "name": name,
                "relation": relation,
                "phone": _contact_phone(phone, field=f"contact-{index}-phone"),
            }
        )
    if len(cleaned) > CONTACTS_MAX:
        raise ValidationFailed(
            _("Record at most %(count)s emergency contacts.") % {"count": CONTACTS_MAX},
            field="contacts",
        )
    return cleaned


def _contact_phone(typed: str, *, field: str) -> str:
    """A mobile or a landline with its area code (0774-1234567): 7 to 15 digits."""
    digits = phone_digits(typed)
    if not 7 <= len(digits) <= 15 or len(typed) > 20:
        raise ValidationFailed(_("Enter a phone number of 7 to 15 digits."), field=field)
    return typed.strip()


def _living(living: str) -> str:
    if living not in Living.values:
        raise ValidationFailed(_("Choose how the elder lives."), field="living")
    return living


def elder_register(
    *,
    actor,
    person: Person,
    living: str,
    low_income: bool = False,
    health_notes: str = "",
    contacts=(),
    today: datetime.date | None = None,
) -> Elder:
    """Take a resident of 60 or more into the community's care (云家庭)."""
    _authorise(actor, person.home_place_path)
    today = today or timezone.localdate()
    if person.birth_date is None or age_on(person.birth_date, today) < ELDER_MIN_AGE:
        raise ValidationFailed(
            _("Only a resident aged %(age)s or more can be registered as an elder.")
            % {"age": ELDER_MIN_AGE},
            field="person",
        )
    if not person.home_place_path:
        raise ValidationFailed(
            _("Record the resident's home first: the elder is cared for where they live."),
            field="person",
        )
    living = _living(living)
    notes = clean_text(health_notes, field="health_notes", max_length=NOTES_MAX)
    contacts = _contacts(contacts)
    with transaction.atomic():
        try:
            with transaction.atomic():
                elder = Elder.objects.create(
                    person=person,
                    place_path=person.home_place_path,
                    living=living,
                    low_income=bool(low_income),
                    health_notes=notes,
                    registered_by=actor,
                )
        except IntegrityError:
            raise ValidationFailed(
                _("This resident is already registered."), field="person"
            ) from None
        elder.contacts.bulk_create(
            [elder.contacts.model(elder=elder, position=i, **c) for i, c in enumerate(contacts)]
        )
        audit_change(
            actor=actor, action="eldercare.elder_register", target=elder, changes={"living": living}
        )
    return elder


@transaction.atomic
def elder_update(
    *, actor, elder: Elder, living: str, low_income: bool, health_notes: str, contacts=()
) -> Elder:
    _authorise(actor, elder.place_path)
    values = {
        "living": _living(living),
        "low_income": bool(low_income),
        "health_notes": clean_text(health_notes, field="health_notes", max_length=NOTES_MAX),
    }
    contacts = _contacts(contacts)
    # The notes' text stays out of the audit trail: it records that they changed, not what.
    changed = sorted(field for field, value in values.items() if getattr(elder, field) != value)
    for field, value in values.items():
        setattr(elder, field, value)
    elder.save()
    elder.contacts.all().delete()
    elder.contacts.bulk_create(
        [elder.contacts.model(elder=elder, position=i, **c) for i, c in enumerate(contacts)]
    )
    audit_change(
        actor=actor, action="eldercare.elder_update", target=elder, changes={"fields": changed}
    )
    return elder


def family_link_record(*, actor, elder: Elder, phone: str, relation: str) -> FamilyLink:
    """The elder agreed, before the actor, that the family member with this log-in acts for
    them: ordering, confirming visits, reading their orders and balance."""
    _authorise(actor, elder.place_path)
    relation = clean_text(
        relation, field="relation", max_length=20, required=_("Say who they are.")
    )
    phone = mobile_number(phone, field="phone")
    member = get_user_model().objects.filter(phone=phone, is_active=True).first()
    if member is None:
        raise ValidationFailed(
            _("No account uses this mobile number: the family member registers first."),
            field="phone",
        )
    if elder.person.user_id == member.pk:
        raise ValidationFailed(_("The elder cannot be their own family member."), field="phone")
    try:
        with transaction.atomic():
            link = FamilyLink.objects.create(
                elder=elder,
                user=member,
                relation=relation,
                consent_at=timezone.now(),
                consent_recorded_by=actor,
            )
            audit_change(
                actor=actor,
                action="eldercare.family_link",
                target=elder,
                changes={"user": member.pk, "relation": relation},
            )
    except IntegrityError:
        raise ValidationFailed(
            _("This family member already acts for the elder."), field="phone"
        ) from None
    return link


@transaction.atomic
def family_link_end(*, actor, link: FamilyLink) -> FamilyLink:
    """The elder withdrew the consent (recorded by care staff), or the family member stops."""
    if link.user_id != getattr(actor, "pk", None):
        _authorise(actor, link.elder.place_path)
    if link.ended_at is not None:
        raise ValidationFailed(_("This link has already ended."), field="link")
    link.ended_at = timezone.now()
    link.save(update_fields=["ended_at"])
    audit_change(
        actor=actor,
        action="eldercare.family_link_end",
        target=link.elder,
        changes={"user": link.user_id},
    )
    return link


def scale_current() -> AssessmentScale:
    scale = AssessmentScale.objects.filter(is_current=True).first()
    if scale is None:
        raise ValidationFailed(_("No assessment scale is in use; the district sets one first."))
    return scale


def assessment_record(
    *,
    actor,
    elder: Elder,
    reason: str,
    assessed_on: datetime.date,
    answers: dict,
    conditions=(),
    risk_events: int = 0,
    note: str = "",
) -> Assessment:
    """An assessor's ability assessment, scored under the current scale and kept for good."""
    _authorise(actor, elder.place_path)
    if reason not in Assessment.Reason.values:
        raise ValidationFailed(_("Choose why the elder is assessed."), field="reason")
    if not isinstance(assessed_on, datetime.date) or assessed_on > timezone.localdate():
        raise ValidationFailed(_("The assessment date cannot be in the future."), field="date")
    if type(risk_events) is not int or not 0 <= risk_events <= RISK_EVENTS_MAX:
        raise ValidationFailed(
            _("Count the care risk events of the last 30 days (0 to %(max)s).")
            % {"max": RISK_EVENTS_MAX},
            field="risk_events",
        )
    conditions = set(conditions)
    if "risk_events" in conditions or conditions - set(scoring.CONDITIONS):
        raise ValidationFailed(_("Unknown condition."), field="conditions")
    if risk_events >= scoring.RISK_EVENTS_THRESHOLD:
        conditions.add("risk_events")
    note = clean_text(note, field="note", max_length=NOTES_MAX)
    with transaction.atomic():
        Elder.objects.select_for_update().filter(pk=elder.pk).first()
        earlier = elder.assessments.exists()
        if reason == Assessment.Reason.FIRST and earlier:
            raise ValidationFailed(
                _("The elder was assessed before: choose another reason."), field="reason"
            )
        if reason != Assessment.Reason.FIRST and not earlier:
            raise ValidationFailed(
                _("This is the elder's first assessment: choose “first assessment”."),
                field="reason",
            )
        scale = scale_current()
        result = scoring.score(scale.definition, answers, conditions)
        assessment = Assessment.objects.create(
            elder=elder,
            scale=scale,
            reason=reason,
            assessed_on=assessed_on,
            assessor=actor,
            answers=answers,
            conditions=sorted(conditions),
            risk_events=risk_events,
            dimension_scores=result.dimensions,
            total=result.total,
            initial_level=result.initial_level,
            level=result.level,
            override_reasons=list(result.reasons),
            note=note,
        )
        audit_change(
            actor=actor,
            action="eldercare.assessment",
            target=elder,
            changes={"assessment": assessment.pk, "level": result.level},
        )
    return assessment


def scale_validate(*, code: str, name: str, definition) -> tuple[str, str]:
    """The cleaned code and name of a table that can be adopted, or a refusal: a table that could
    not score every answer, or a changed table under a code assessments were scored with."""
    scoring.check_scale(definition)
    code = clean_text(code, field="code", max_length=40, required=_("Give the table a code."))
    name = clean_text(name, field="name", max_length=100, required=_("Give the table a name."))
    scale = AssessmentScale.objects.filter(code=code).first()
    if scale is not None and scale.definition != definition and scale.assessments.exists():
        raise ValidationFailed(
            _("Assessments were scored with this table: save the new version under a new code."),
            field="code",
        )
    return code, name


@transaction.atomic
def scale_adopt(*, actor, code: str, name: str, definition) -> AssessmentScale:
    """Score new assessments with this table from now on (a province's version of the standard).
    The earlier tables stay, with the assessments made under them."""
    if not getattr(actor, "is_superuser", False):
        raise NotFound()
    code, name = scale_validate(code=code, name=name, definition=definition)
    AssessmentScale.objects.filter(is_current=True).exclude(code=code).update(is_current=False)
    scale, _created = AssessmentScale.objects.update_or_create(
        code=code, defaults={"name": name, "definition": definition, "is_current": True}
    )
    audit_change(actor=actor, action="eldercare.scale_adopt", target=scale, changes={"code": code})
    return scale
