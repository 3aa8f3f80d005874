"""The steps of a consultation and of a dispute, read by their pages (see cases.steps).
Answering a consultation, a mediation session, concluding and escalating a dispute are the
app's own (they keep its records); the others are the engine's."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.steps import Step, StepTable, engine_step
from meihao.core.inputs import clean_text
from meihao.legal import disputes
from meihao.legal.services import consultation_answer


def _answer(*, case, actor, inputs):
    return consultation_answer(
        actor=actor, case=case, answer=inputs.get("answer"), minutes=inputs.get("minutes")
    )


STEPS = StepTable(
    Step(
        "answer",
        "report_back",
        gettext_lazy("Send the answer"),
        gettext_lazy("Answer sent. The resident is asked to confirm it."),
        _answer,
    ),
    Step(
        "confirm",
        "verify_close",
        gettext_lazy("The answer helps"),
        gettext_lazy("Confirmed. Thank you."),
        engine_step("verify_close"),
    ),
    Step(
        "ask-again",
        "reopen",
        gettext_lazy("Ask again"),
        gettext_lazy("Sent to the advisor again."),
        engine_step("reopen", "reason"),
    ),
    Step(
        "turn-away",
        "reject",
        gettext_lazy("Not a legal question"),
        gettext_lazy("The resident is told why."),
        engine_step("reject", "reason"),
    ),
    Step(
        "withdraw",
        "void",
        gettext_lazy("Withdraw the question"),
        gettext_lazy("Your question is withdrawn."),
        engine_step("void", "reason"),
    ),
)


# --- disputes: the engine's steps and the dispute's own (a session, the escalation) ----------
def _session(*, case, actor, inputs):
    return disputes.mediation_session_record(
        actor=actor,
        case=case,
        held_at=inputs.get("held_at"),
        minutes=inputs.get("minutes"),
        note=inputs.get("note"),
    )


def _conclude(*, case, actor, inputs):
    return disputes.dispute_conclude(
        actor=actor,
        case=case,
        outcome=inputs.get("outcome"),
        terms=inputs.get("terms"),
        performance=inputs.get("performance"),
        referred_to=inputs.get("referred_to"),
    )


def _escalate(*, case, actor, inputs):
    return disputes.dispute_escalate(actor=actor, case=case, reason=inputs.get("reason"))


def _follow_up(*, case, actor, inputs):
    note = clean_text(
        inputs.get("note"),
        field="note",
        required=_("Write what the parties said at the follow-up visit."),
        max_length=1000,
    )
    return case_services.case_verify_close(case=case, actor=actor, note=note)


# The dispute's own steps are keyed by their timeline event, the engine's by their action.
SESSION, ESCALATE = "mediation_session", "escalate_street"

DISPUTE_STEPS = StepTable(
    Step(
        "take",
        "claim",
        gettext_lazy("Take on the mediation"),
        gettext_lazy("You are the dispute's mediator."),
        engine_step("claim"),
    ),
    Step(
        "session",
        SESSION,
        gettext_lazy("Record the session"),
        gettext_lazy("Session recorded; its minutes count toward your hours."),
        _session,
    ),
    Step(
        "conclude",
        "report_back",
        gettext_lazy("Conclude the mediation"),
        gettext_lazy("Mediation concluded. The staff who took it in visit the parties."),
        _conclude,
    ),
    Step(
        "follow-up",
        "verify_close",
        gettext_lazy("Record the follow-up visit"),
        gettext_lazy("Follow-up recorded; the dispute is closed."),
        _follow_up,
    ),
    Step(
        "reopen",
        "reopen",
        gettext_lazy("Not resolved: mediate again"),
        gettext_lazy("Sent back to the mediator."),
        engine_step("reopen", "reason"),
    ),
    Step(
        "escalate",
        ESCALATE,
        gettext_lazy("Escalate to the street"),
        gettext_lazy("Flagged major; the street is told."),
        _escalate,
    ),
    Step(
        "turn-away",
        "reject",
        gettext_lazy("Not for mediation"),
        gettext_lazy("The staff who took it in are told why."),
        engine_step("reject", "reason"),
    ),
    Step(
        "withdraw",
        "void",
        gettext_lazy("Withdraw the dispute"),
        gettext_lazy("The dispute is withdrawn."),
        engine_step("void", "reason"),
    ),
)
