"""Every write of an online application, on the case engine.

    file (the resident, or counter staff for them: 代办) → [ask for what is missing (补正, once,
    the engine's park: the clocks stand still) → hand it in (unpark)] → take in (受理: the
    engine's dispatch; the item's promised working days start) | refuse to take in (reject) →
    pass on, stage by stage (a timeline event; to the department: the engine's dispatch) →
    decide (report back and close, in one step), approving or refusing with reasons

Who may act is decided by `egov.holders` (the body of the current stage); the engine's services
ask it through cases.extensions. Every step tells the applicant (`application_progress`) and,
where the application moves on, the next stage's holders (`application_waiting`).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.access import authorise, can_view
from meihao.cases.classes import active_type
from meihao.cases.extensions import detail_url
from meihao.cases.formschema import validate_data
from meihao.cases.models import Case, CaseType, Status
from meihao.cases.services.step import apply_transition
from meihao.catalogue.applying import current_guide_id
from meihao.catalogue.models import ServiceItem
from meihao.catalogue.routes import COMMUNITY, DECIDE, DEPARTMENT, PUBLICISE, STREET
from meihao.catalogue.services import item_count_use
from meihao.core.attachments import Document, encode_document
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, organisation_ids
from meihao.egov.models import (
    COUNTER_CODE,
    EGOV_CODE,
    WITHDRAWABLE,
    Application,
    Attachment,
    Decision,
)
from meihao.egov.notifications import tell_applicant, tell_holders, tell_of_filing
from meihao.insights import rollups
from meihao.notify.services import notify_enqueue
from meihao.people.models import Person
from meihao.people.selectors import own_person
from meihao.places.models import community_id_of, community_of, community_path

MAX_FILES_PER_MATERIAL = 4
MAX_FILES = 12
NOTE_MAX = 500
REASONS_MAX = 1000


def egov_type() -> CaseType:
    case_type = active_type(EGOV_CODE)
    if case_type is None:
        raise ValidationFailed(_("Online applications are not taken at the moment."))
    return case_type


def application_of(case: Case) -> Application:
    application = (
        Application.objects.filter(case=case)
        .select_related("item", "department", "applicant__user")
        .first()
    )
    if application is None:
        raise NotFound(_("No such application."))
    return application


# ---------------------------------------------------------------------------------------------
# Filing


def _applicant_for(actor, applicant: Person | None, item: ServiceItem) -> tuple[Person, bool]:
    """The applicant, and whether this is counter staff filing for them (代办)."""
    if applicant is None:
        person = own_person(actor)
        if person is None:
            raise ValidationFailed(
                _("Enter your real-name details first: an application needs an applicant."),
                code="no_person",
            )
        return person, False
    if applicant.home_place_path and (
        covers(actor, applicant.home_place_path, OFFICIALS)
        or item.department_id in organisation_ids(actor, {Role.DEPARTMENT_STAFF})
    ):
        return applicant, True
    raise NotFound(_("No such resident."))


def _checked_documents(item: ServiceItem, files: dict, waived: set[int]) -> list[tuple]:
    """(material, document) for every uploaded file, each checked before anything is written;
    every material not waived needs at least one."""
    materials = list(item.materials.all())
    known = {m.pk: m for m in materials}
    unknown = [key for key in files if key not in known]
    if unknown:
        raise ValidationFailed(_("Attach files only to this item's materials."), field="files")
    if sum(len(uploads) for uploads in files.values()) > MAX_FILES:
        raise ValidationFailed(
            _("Attach at most %(count)s files in all.") % {"count": MAX_FILES}, field="files"
        )
    checked = []
    for material in materials:
        uploads = [upload for upload in files.get(material.pk, []) if upload]
        if not uploads and material.pk not in waived and not material.optional:
            raise ValidationFailed(
                _("Attach “%(material)s”.") % {"material": material.name},
                code="material_missing",
                field=f"material-{material.pk}",
            )
        if len(uploads) > MAX_FILES_PER_MATERIAL:
            raise ValidationFailed(
                _("Attach at most %(count)s files for one material.")
                % {"count": MAX_FILES_PER_MATERIAL},
                field=f"material-{material.pk}",
            )
        for upload in uploads:
            checked.append((material, encode_document(upload, field=f"material-{material.pk}")))
    return checked


def _store(application: Application, actor, checked, *, supplement: bool) -> None:
    """Store the checked files and record them, one statement for all of them."""
    now = timezone.now()
    attachments = []
    for material, document in checked:
        document: Document
        attachment = Attachment(
            application=application,
            material=material,
            material_name=material.name[:120],
            content_type=document.content_type,
            size=len(document.content),
            uploaded_by=actor,
            uploaded_at=now,
            supplement=supplement,
        )
        name = f"{secrets.token_hex(16)}.{document.extension}"
        attachment.file.save(name, ContentFile(document.content), save=False)
        attachments.append(attachment)
    Attachment.objects.bulk_create(attachments)


def application_file(
    *,
    actor,
    item: ServiceItem,
    files: dict,
    consent: bool = False,
    note: str = "",
    applicant: Person | None = None,
    idempotency_key: str | None = None,
    answers: dict | None = None,
) -> Application:
    """Apply for `item`: the resident for themself, or counter staff for `applicant` (代办).

    `answers` are the item's own form fields (its guide's `form_schema`), checked before
    anything is written. `files` maps a material's id to its uploads. With `consent`, the
    materials the platform already holds (ID card, household registration, address, photo)
    are taken from its records instead of uploads, and the consent is recorded.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to apply."))
    person, at_counter = _applicant_for(actor, applicant, item)
    if not item.is_active or not (item.online or at_counter):
        raise ValidationFailed(_("This item cannot be applied for online."), field="item")
    community_id = community_id_of(person.home_place)
    if community_id is None:
        raise ValidationFailed(
            _("Your home community is not recorded; ask your community to add it."),
            code="no_home_community",
        )
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    answers = validate_data(item.form_schema, answers)
    waived = set()
    if consent:
        waived = {material.pk for material in item.materials.all() if material.held}
    checked = _checked_documents(item, files, waived)
    guide_id = current_guide_id(item)
    if guide_id is None:
        raise ValidationFailed(_("This item has no published guide yet."), field="item")
    stages = [body for body, _duty in Application(route=item.route).stages]
    case_type = egov_type()
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            description=item.name + (f"\n{note}" if note else ""),
            place=person.home_place,
            channel=Case.Channel.RESIDENT,
            reporter=person,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        if idempotency_key is not None:  # the same form sent twice: the first one stands
            existing = Application.objects.filter(case=case).first()
            if existing is not None:
                return existing
        application = Application.objects.create(
            case=case,
            item=item,
            guide_id=guide_id,
            applicant=person,
            filed_by=actor,
            created_at=case.created_at,
            at_counter=at_counter,
            consent_at=timezone.now() if consent else None,
            answers=answers,
            home_id=community_id,
            home_path=community_path(person.home_place_path),
            department_id=item.department_id,
            route=item.route,
            stage=0,
            stage_body=stages[0],
            via_community=COMMUNITY in stages,
            via_street=STREET in stages,
        )
        _store(application, actor, checked, supplement=False)
        tell_of_filing(application)
    return application


# ---------------------------------------------------------------------------------------------
# A visit to the service counter


def counter_visit_record(
    *, actor, item: ServiceItem, visitor: Person, note, idempotency_key: str | None = None
) -> Case:
    """A visit to the counter that ended there (a question answered, a form explained, a
    document handed over): filed for the resident and closed at once (当场办结), so that they
    can rate it like an application. The serving body is the item's department when the actor
    serves there, else the actor in person (community and street staff); the actor must be
    someone who may file the item for this resident at the counter."""
    person, _at_counter = _applicant_for(actor, visitor, item)
    community = community_of(person.home_place)
    if community is None:
        raise ValidationFailed(
            _("The resident's home community is not recorded; add it first."),
            code="no_home_community",
        )
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=_("Say what was done."))
    case_type = active_type(COUNTER_CODE)
    if case_type is None:
        raise ValidationFailed(_("Counter visits are not recorded at the moment."))
    body = (
        item.department
        if item.department_id in organisation_ids(actor, {Role.DEPARTMENT_STAFF})
        else None
    )
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            description=f"{item.name}\n{note}",
            place=community,
            channel=Case.Channel.COUNTER,
            reporter=person,
            data={"item": item.name, "item_code": item.code},
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        if case.status != Status.SUBMITTED:  # recorded before, under the same key
            return case
        case = case_services.case_serve_on_the_spot(
            case=case, actor=actor, organisation=body, note=note
        )
        item_count_use(item=item, community=community)
        if person.user_id:
            notify_enqueue(
                recipients=[person.user],
                kind="counter_visit",
                subject=gettext_lazy("Your visit to the counter: {{ item }}"),
                body=gettext_lazy(
                    "{{ number }}: {{ item }} was served at the counter. How was it? Rate it "
                    "from 非常满意 to 非常不满意."
                ),
                link=detail_url(case),
                target=case,
                idempotency_key=f"counter-visit:{case.pk}",
                context={"number": case.number, "item": item.name},
            )
    return case


# ---------------------------------------------------------------------------------------------
# Intake


@transaction.atomic
def application_ask_supplement(
    *, actor, case: Case, missing: str, beyond_guide: bool = False
) -> Application:
    """补正: tell the applicant, once and all at once, what is missing (one item per line). The
    application is parked: its clocks stand still until the materials are handed in.
    `beyond_guide`: the office asks for a material the guide does not list (what the guide
    accuracy figure counts)."""
    application = application_of(case)
    authorise(case, actor, "park")
    if case.status not in (Status.SUBMITTED, Status.ACCEPTED):
        raise IllegalTransition(_("Missing materials are asked for before the intake."))
    if not application.may_ask_supplement:
        raise IllegalTransition(
            _("Missing materials are asked for once, all at once; this application was asked.")
        )
    missing = clean_text(
        missing,
        field="missing",
        required=_("List what is missing, one item per line."),
        max_length=REASONS_MAX,
    )
    case_services.case_park(case=case, actor=actor, reason=missing)
    now = timezone.now()
    beyond_guide = bool(beyond_guide)
    Application.objects.filter(pk=application.pk).update(
        supplement_asked=missing, supplement_asked_at=now, supplement_beyond_guide=beyond_guide
    )
    application.supplement_asked, application.supplement_asked_at = missing, now
    application.supplement_beyond_guide = beyond_guide
    tell_applicant(
        application,
        "supplement-asked",
        gettext_lazy("Materials missing: {{ item }}"),
        gettext_lazy(
            "Your application {{ number }} ({{ item }}) needs these materials:\n{{ missing }}\n"
            "Hand them in on the application's page; the time limit stands still until then."
        ),
        {"missing": missing},
    )
    return application


@transaction.atomic
def application_supplement(*, actor, case: Case, files: dict, note: str = "") -> Application:
    """The applicant hands in what was asked for; the application waits for intake again."""
    application = application_of(case)
    authorise(case, actor, "unpark")
    uploads = [upload for batch in files.values() for upload in batch if upload]
    if not uploads:
        raise ValidationFailed(_("Attach the missing materials."), field="files")
    known = {m.pk: m for m in application.item.materials.all()}
    if any(key not in known for key in files):
        raise ValidationFailed(_("Attach files only to this item's materials."), field="files")
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(
            _("Attach at most %(count)s files in all.") % {"count": MAX_FILES}, field="files"
        )
    checked = [
        (known[key], encode_document(upload, field=f"material-{key}"))
        for key, batch in files.items()
        for upload in batch
        if upload
    ]
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    case_services.case_unpark(case=case, actor=actor, note=note)
    _store(application, actor, checked, supplement=True)
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(supplemented_at=now)
    application.supplemented_at = now
    tell_holders(application, "supplemented")
    return application


def _local_day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _dispatch_target(application: Application, actor, body: str) -> dict:
    if body == DEPARTMENT:
        return {"organisation": application.department}
    return {"user": actor}


@transaction.atomic
def application_take_in(*, actor, case: Case, note: str = "") -> Application:
    """受理: the holder of the first stage takes the application in; the item's promised time
    limit starts (the engine's handling clock)."""
    application = application_of(case)
    authorise(case, actor, "dispatch")
    if case.status not in (Status.SUBMITTED, Status.ACCEPTED):
        raise IllegalTransition(_("This application has been taken in already."))
    case_services.case_dispatch(
        case=case,
        actor=actor,
        note=note,
        **_dispatch_target(application, actor, application.stage_body),
    )
    tell_applicant(
        application,
        "taken-in",
        gettext_lazy("Application taken in: {{ item }}"),
        gettext_lazy(
            "Your application {{ number }} ({{ item }}) is taken in. It is to be decided by "
            "{{ due }}."
        ),
        {"due": _local_day(case.resolve_by)},
    )
    return application


@transaction.atomic
def application_refuse_intake(*, actor, case: Case, reason: str) -> Application:
    """不予受理: the first stage refuses to take the application in, with the reason."""
    application = application_of(case)
    authorise(case, actor, "reject")
    reason = clean_text(reason, field="reason", required=_("Give a reason for rejecting it."))
    case_services.case_reject(case=case, actor=actor, reason=reason)
    tell_applicant(
        application,
        "not-taken-in",
        gettext_lazy("Application not taken in: {{ item }}"),
        gettext_lazy("Your application {{ number }} ({{ item }}) is not taken in: {{ reason }}"),
        {"reason": reason},
    )
    return application


@transaction.atomic
def application_withdraw(*, actor, case: Case, reason: str = "") -> Application:
    """撤回: the applicant withdraws their application at any stage before the decision (the
    engine's void, taken by the applicant, whom this service authorises itself). Whoever holds
    its current stage is told, so that nobody works on it any more; a notice running ends."""
    application = application_of(case)
    if case.reporter_id is None or case.reporter.user_id != getattr(actor, "pk", None):
        if not can_view(case, actor):
            raise NotFound(_("No such application."))
        raise PermissionDenied(_("Only the applicant may withdraw an application."))
    if case.status not in WITHDRAWABLE:
        raise IllegalTransition(_("This application is decided and can no longer be withdrawn."))
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX)
    apply_transition(
        case, actor, "void", note=reason or _("Withdrawn by the applicant."), notify=False
    )
    tell_holders(application, "withdrawn")
    return application


# ---------------------------------------------------------------------------------------------
# Stages and the decision


@transaction.atomic
def application_pass(*, actor, case: Case, note: str = "") -> Application:
    """The current stage is done (checked, reviewed): the application goes to the next stage's
    body. To a department, that is the engine's dispatch; otherwise a timeline event."""
    application = application_of(case)
    authorise(case, actor, "dispatch")
    if case.status not in (Status.DISPATCHED, Status.IN_PROGRESS):
        raise IllegalTransition(_("Take the application in first."))
    if application.is_last_stage:
        raise IllegalTransition(_("This stage decides the application."))
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    now = timezone.now()
    if application.duty == PUBLICISE:
        if application.publicity_until is None or now < application.publicity_until:
            raise IllegalTransition(
                _("The public notice runs until %(until)s; pass it on after that.")
                % {"until": _local_day(application.publicity_until)}
            )
        if not note:
            raise ValidationFailed(
                _("Say what the public notice brought: objections, or none."), field="note"
            )
    body, duty = application.stages[application.stage + 1]
    publicity = {}
    if duty == PUBLICISE:
        publicity = {
            "publicity_from": now,
            "publicity_until": now + timedelta(days=settings.EGOV_PUBLICITY_DAYS),
        }
    if body == DEPARTMENT:
        case_services.case_dispatch(
            case=case, actor=actor, note=note, organisation=application.department
        )
    else:
        case_services.case_record_event(
            case=case,
            actor=actor,
            action="stage_passed",
            note=note,
            data={"stage": application.stage + 1, "body": body, "duty": duty},
        )
    Application.objects.filter(pk=application.pk, stage=application.stage).update(
        stage=application.stage + 1, stage_body=body, **publicity
    )
    application.stage, application.stage_body = application.stage + 1, body
    for field, value in publicity.items():
        setattr(application, field, value)
    tell_holders(application, f"stage-{application.stage}")
    return application


@transaction.atomic
def application_decide(*, actor, case: Case, approve: bool, reasons: str = "") -> Application:
    """The competent body decides: approve, or refuse in writing with the reasons. The case is
    reported back and closed in one step; the applicant is told (the engine's close message)."""
    application = application_of(case)
    authorise(case, actor, "report_back")
    if not application.is_last_stage or application.duty != DECIDE:
        raise IllegalTransition(_("This stage does not decide the application."))
    reasons = clean_text(
        reasons,
        field="reasons",
        required=None if approve else _("Give the reasons for refusing, in writing."),
        max_length=REASONS_MAX,
    )
    decision = Decision.APPROVED if approve else Decision.REFUSED
    note = str(decision.label) + (f": {reasons}" if reasons else "")
    case_services.case_report_back(case=case, actor=actor, note=note)
    case_services.case_verify_close(case=case, actor=actor)
    now = timezone.now()
    rollups.mark_update(application, {"decided_at": now})  # an UPDATE: its figures' days marked
    Application.objects.filter(pk=application.pk).update(
        decision=decision, reasons=reasons, decided_at=now
    )
    application.decision, application.reasons, application.decided_at = decision, reasons, now
    return application
