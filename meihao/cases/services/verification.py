"""The verifier's actions: verify and close (then the type's close effects), or reopen."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.access import (
    authorise,
)
from meihao.cases.extensions import close_effects
from meihao.cases.models import (
    Case,
)
from meihao.cases.services.step import apply_transition
from meihao.core.errors import (
    DomainError,
)
from meihao.core.inputs import clean_text


@transaction.atomic
def case_verify_close(*, case: Case, actor, note: str = "") -> Case:
    """核查结案: the grid worker (or dispatcher) confirms the fix — for types the requester
    confirms, the requester — and the case closes.

    Then the type's close effects run in the same transaction (cases.extensions: the time bank
    pays the helper's minutes, a micro-wish credits its claimants' points). If they fail (a
    capped account is full), nothing is written, `case` is read again and the error raised.
    """
    authorise(case, actor, "verify_close")
    note = clean_text(note, field="note")
    effects = close_effects(case.case_type.code)
    now = timezone.now()
    try:
        with transaction.atomic():
            apply_transition(
                case, actor, "verify_close", changes={"closed_at": now}, note=note, now=now
            )
            if effects is not None:
                effects(case=case, actor=actor)
    except DomainError:
        case.refresh_from_db()
        raise
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """返工: the fix is not good enough; back to the handler, same deadline."""
    authorise(case, actor, "reopen")
    reason = clean_text(reason, field="reason", required=_("Say what is still wrong."))
    return apply_transition(case, actor, "reopen", note=reason)
