"""Legal aid (法律援助): an advisor screens a consultation against the Legal Aid Law's two
conditions — a matter legal aid covers, and an applicant who cannot afford a lawyer (not tested
for victims of domestic violence, abuse or abandonment, art. 32) — and refers it, with the
question and the answers so far, to the legal-aid centre serving the community; the centre's
staff grant or refuse it and the resident is told. The referral answers the consultation (the
engine's report-back), which the resident then confirms as usual."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.access import authorise
from meihao.cases.models import Case
from meihao.core.audit import audit_pii_read
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text, parse_id
from meihao.core.roles import Role
from meihao.core.scoping import ancestor_paths, organisation_ids
from meihao.legal.models import LegalAidCentre, LegalAidReferral
from meihao.legal.services import consultation_of
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.selectors import department_staff

SUMMARY_MAX = 2000
NO_MEANS_TEST = frozenset({LegalAidReferral.Matter.FAMILY})

register_kind("legal_aid_referred", label=gettext_lazy("A legal-aid request referred to my centre"))
register_kind("legal_aid_decided", label=gettext_lazy("The decision on my legal-aid request"))


def centres_for(path: str):
    """The legal-aid centres serving the place `path` (their department's place is it or above)."""
    return LegalAidCentre.objects.filter(
        organisation__place_path__in=ancestor_paths(path)
    ).select_related("organisation")


def legal_aid_refer(*, actor, case: Case, centre_id, matter, hardship: bool, summary):
    """Refer the consultation to legal aid, taking it first if nobody has."""
    taking = case.assigned_user_id is None
    authorise(case, actor, "claim" if taking else "report_back")
    consultation = consultation_of(case)
    centre = centres_for(consultation.place_path).filter(pk=parse_id(centre_id)).first()
    if centre is None:
        raise ValidationFailed(_("Choose the legal-aid centre."), field="centre")
    if matter not in LegalAidReferral.Matter.values:
        raise ValidationFailed(_("Choose what the matter is."), field="matter")
    if not hardship and matter not in NO_MEANS_TEST:
        raise ValidationFailed(
            _(
                "Legal aid is for those who cannot afford a lawyer (victims of domestic violence, "
                "abuse or abandonment excepted): answer the question yourself instead."
            ),
            field="hardship",
            code="not_eligible",
        )
    summary = clean_text(
        summary,
        field="summary",
        required=_("Summarise the matter for the centre."),
        max_length=SUMMARY_MAX,
    )
    with transaction.atomic():
        if taking:
            case = case_services.case_claim(case=case, actor=actor)
        case = case_services.case_report_back(
            case=case,
            actor=actor,
            note=_(
                "Your matter is referred to %(centre)s for legal aid; the centre will contact "
                "you about your application."
            )
            % {"centre": centre.organisation.name},
        )
        referral = LegalAidReferral.objects.create(
            consultation=consultation,
            centre=centre,
            advisor=actor,
            matter=matter,
            hardship=bool(hardship),
            summary=summary,
            place_path=consultation.place_path,
        )
        notify_enqueue(
            recipients=department_staff(centre.organisation_id),
            kind="legal_aid_referred",
            subject=gettext_lazy("A legal-aid request from {{ community }}"),
            body=gettext_lazy(
                "The legal advisor of {{ community }} refers consultation {{ number }} for legal "
                "aid. Open it to decide."
            ),
            link=reverse("legal:aid_referral", args=[referral.pk]),
            target=referral,
            idempotency_key=f"legal:aid:{referral.pk}:referred",
            context={"community": consultation.community.name, "number": case.number},
        )
    return referral


def centre_ids(user) -> set[int]:
    """The legal-aid centres the user is staff of."""
    return set(
        LegalAidCentre.objects.filter(
            organisation_id__in=organisation_ids(user, {Role.DEPARTMENT_STAFF})
        ).values_list("pk", flat=True)
    )


def may_decide(user) -> bool:
    return bool(centre_ids(user))


def referrals_for(user):
    """The referrals to the user's centres, waiting ones first."""
    return (
        LegalAidReferral.objects.filter(centre_id__in=centre_ids(user))
        .select_related("consultation__case__category", "consultation__community", "advisor")
        .order_by("-decision", "-referred_at", "-pk")
    )


def referral_get(user, pk) -> LegalAidReferral:
    """A referral its centre's staff or its advisor may read; every reading is audited (it
    carries the consultation)."""
    referral = (
        LegalAidReferral.objects.select_related(
            "consultation__case__reporter",
            "consultation__case__category",
            "consultation__community",
            "centre__organisation",
            "advisor",
        )
        .filter(pk=parse_id(pk))
        .first()
    )
    if referral is None or not (
        referral.centre_id in centre_ids(user) or referral.advisor_id == user.pk
    ):
        raise NotFound()
    audit_pii_read(actor=user, target=referral.consultation.case, field="case")
    return referral


def legal_aid_decide(*, actor, referral: LegalAidReferral, granted: bool, note):
    """The centre grants or refuses legal aid (a refusal says why); the resident is told."""
    if referral.centre_id not in centre_ids(actor):
        raise PermissionDenied(_("Only the centre's staff decide."))
    if referral.decision != LegalAidReferral.Decision.PENDING:
        raise ValidationFailed(_("This request is already decided."), code="decided")
    note = clean_text(
        note,
        field="note",
        required=None if granted else _("Say why legal aid is refused."),
        max_length=500,
    )
    decision = LegalAidReferral.Decision.GRANTED if granted else LegalAidReferral.Decision.REFUSED
    case = referral.consultation.case
    with transaction.atomic():
        updated = LegalAidReferral.objects.filter(
            pk=referral.pk, decision=LegalAidReferral.Decision.PENDING
        ).update(decision=decision, decision_note=note, decided_at=timezone.now(), decided_by=actor)
        if not updated:
            raise ValidationFailed(_("This request is already decided."), code="decided")
        case_services.case_record_event(
            case=case, actor=actor, action="legal_aid_decided", note=note, data={"granted": granted}
        )
        resident = getattr(case.reporter, "user", None)
        if resident is not None:
            notify_enqueue(
                recipients=[resident],
                kind="legal_aid_decided",
                subject=gettext_lazy("Your legal-aid request: {{ decision }}"),
                body=gettext_lazy(
                    "{{ centre }} decided on consultation {{ number }}: {{ decision }}. {{ note }}"
                ),
                link=reverse("legal:consultation", args=[case.number]),
                target=case,
                idempotency_key=f"legal:aid:{referral.pk}:decided",
                context={
                    "centre": referral.centre.organisation.name,
                    "number": case.number,
                    "decision": LegalAidReferral.Decision(decision).label,
                    "note": note,
                },
            )
    referral.refresh_from_db()
    return referral
