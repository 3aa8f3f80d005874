"""Every read of the online applications, scoped to the asking user through the engine's
`Case.objects.visible_to` (which asks egov.holders for this type)."""

from meihao.cases.access import case_abilities
from meihao.cases.models import Case
from meihao.core.errors import NotFound
from meihao.egov.holders import holds_stage
from meihao.egov.models import EGOV_CODE, Attachment


def application_case_get(user, number: str) -> Case:
    case = (
        Case.objects.visible_to(user)
        .filter(case_type__code=EGOV_CODE, number=number)
        .select_related(
            "case_type",
            "application__item__department",
            "application__applicant",
            "application__home",
            "application__department",
        )
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def attachment_get(user, number: str, pk) -> Attachment:
    case = application_case_get(user, number)
    attachment = Attachment.objects.filter(application__case=case, pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


def actions_for(case: Case, user) -> dict[str, bool]:
    """What `user` may do on the application now, for its page."""
    application = case.application
    abilities = case_abilities(case, user)
    holder = holds_stage(application, user)
    waiting = case.status in ("submitted", "accepted")
    working = case.status in ("dispatched", "in_progress")
    last = application.is_last_stage
    return {
        "take_in": holder and waiting and abilities["dispatch"],
        "ask_supplement": holder and waiting and application.may_ask_supplement,
        "refuse_intake": holder and waiting and abilities["reject"],
        "pass_on": holder and working and not last,
        "decide": holder and working and last and application.duty == "decide",
        "supplement": case.status == "parked" and abilities["unpark"] and not holder,
    }
