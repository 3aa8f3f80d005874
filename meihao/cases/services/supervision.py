"""The supervisor's actions: decide on extensions, park and resume, void; and the street's push
on a late case: urge whoever holds it (督办 / 催办) and mark it urgent (加急)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases import sla
from meihao.cases.access import (
    authorise,
)
from meihao.cases.models import (
    Case,
    CaseEvent,
)
from meihao.cases.services.step import apply_transition
from meihao.cases.states import TRANSITIONS
from meihao.core.errors import IllegalTransition
from meihao.core.inputs import clean_text


@transaction.atomic
def case_approve_extension(*, case: Case, actor, note: str = "") -> Case:
    """延期批准: the handling deadline moves to the requested time."""
    authorise(case, actor, "approve_extension")
    now = timezone.now()
    until = case.extension_until
    # Authorised: an extension was requested while the handling clock ran.
    assert until is not None and case.resolve_by is not None
    started = case.handling_started_at or now
    new = sla.extended_thresholds(started, until)
    changes = {
        "resolve_warn_at": new.warn_at,
        "resolve_by": new.due_at,
        "resolve_escalate_at": new.escalate_at,
        "handling_sla": sla.colour(now, new.warn_at, new.due_at),
        "extension_until": None,
        "extension_reason": "",
    }
    data = {"from": case.resolve_by.isoformat(), "to": until.isoformat()}
    return apply_transition(
        case,
        actor,
        "approve_extension",
        changes=changes,
        note=clean_text(note, field="note"),
        data=data,
        now=now,
    )


@transaction.atomic
def case_deny_extension(*, case: Case, actor, reason: str) -> Case:
    """The supervisor refuses the extension; the deadline stays."""
    authorise(case, actor, "deny_extension")
    reason = clean_text(reason, field="reason", required=_("Give a reason for the refusal."))
    changes = {"extension_until": None, "extension_reason": ""}
    return apply_transition(case, actor, "deny_extension", changes=changes, note=reason)


@transaction.atomic
def case_park(*, case: Case, actor, reason: str) -> Case:
    """挂账: the case cannot be solved for now (needs funds, planning); clocks stop."""
    authorise(case, actor, "park")
    reason = clean_text(reason, field="reason", required=_("Say why the case is parked."))
    return apply_transition(case, actor, "park", note=reason)


@transaction.atomic
def case_unpark(*, case: Case, actor, note: str = "") -> Case:
    """Take a parked case back up: it returns to accepted, ready to dispatch. The clocks stood
    still while it was parked: every deadline still running moves by the time it was parked."""
    authorise(case, actor, "unpark")
    now = timezone.now()
    parked_at = (
        CaseEvent.objects.filter(case=case, action="park")
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    changes = {}
    if parked_at is not None and now > parked_at:
        stood = now - parked_at
        running = []
        if case.responded_at is None:
            running += ["respond_warn_at", "respond_by", "respond_escalate_at"]
        if case.handling_started_at is not None:
            running += ["resolve_warn_at", "resolve_by", "resolve_escalate_at"]
        changes = {
            field: getattr(case, field) + stood
            for field in running
            if getattr(case, field) is not None
        }
    return apply_transition(
        case, actor, "unpark", changes=changes, note=clean_text(note, field="note"), now=now
    )


@transaction.atomic
def case_void(*, case: Case, actor, reason: str) -> Case:
    """作废: withdraw a case filed in error."""
    authorise(case, actor, "void")
    reason = clean_text(reason, field="reason", required=_("Say why the case is void."))
    return apply_transition(case, actor, "void", note=reason)


@transaction.atomic
def case_urge(*, case: Case, actor, note: str = "") -> Case:
    """督办 / 催办: a dispatcher covering the case pushes whoever holds it now — the handler and
    their team leader, the verifiers, or the dispatchers of an undispatched case — with a
    timeline event, one more on the case's counter and a message to each of them."""
    authorise(case, actor, "urge")
    now = timezone.now()
    count = case.urge_count + 1
    changes = {"urge_count": count, "last_urged_at": now}
    return apply_transition(
        case,
        actor,
        "urge",
        changes=changes,
        note=clean_text(note, field="note"),
        data={"count": count},
        now=now,
    )


@transaction.atomic
def case_urge_automatically(*, case: Case, note: str) -> Case:
    """催办 by the system, not by a person: an app's sweep urges its overdue cases (a petition
    past its reply deadline). The same event, counter and messages as a dispatcher's urge."""
    if case.status not in TRANSITIONS["urge"].sources:
        raise IllegalTransition(_("This case cannot be urged now."))
    now = timezone.now()
    count = case.urge_count + 1
    return apply_transition(
        case,
        None,
        "urge",
        changes={"urge_count": count, "last_urged_at": now},
        note=note,
        data={"count": count, "auto": True},
        now=now,
    )


@transaction.atomic
def case_mark_urgent(*, case: Case, actor, note: str = "") -> Case:
    """加急: the case sorts first on the board, the department queue and the verification list."""
    authorise(case, actor, "mark_urgent")
    return apply_transition(
        case, actor, "mark_urgent", changes={"urgent": True}, note=clean_text(note, field="note")
    )


@transaction.atomic
def case_unmark_urgent(*, case: Case, actor, note: str = "") -> Case:
    """Take the urgent mark off: the case sorts by its deadline again."""
    authorise(case, actor, "unmark_urgent")
    return apply_transition(
        case, actor, "unmark_urgent", changes={"urgent": False}, note=clean_text(note, field="note")
    )
