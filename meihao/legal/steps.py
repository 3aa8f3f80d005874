"""The steps of a consultation, read by its page (see cases.steps). Answering is the app's own
(it records the minutes); the others are the engine's."""

from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.steps import Step, StepTable
from meihao.legal.services import consultation_answer


def _answer(*, case, actor, inputs):
    return consultation_answer(
        actor=actor, case=case, answer=inputs.get("answer"), minutes=inputs.get("minutes")
    )


def _engine(action: str, field: str = ""):
    def perform(*, case, actor, inputs):
        kwargs = {field: inputs.get(field) or ""} if field else {}
        return case_services.ACTION_SERVICES[action](case=case, actor=actor, **kwargs)

    return perform


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
        _engine("verify_close"),
    ),
    Step(
        "ask-again",
        "reopen",
        gettext_lazy("Ask again"),
        gettext_lazy("Sent to the advisor again."),
        _engine("reopen", "reason"),
    ),
    Step(
        "turn-away",
        "reject",
        gettext_lazy("Not a legal question"),
        gettext_lazy("The resident is told why."),
        _engine("reject", "reason"),
    ),
    Step(
        "withdraw",
        "void",
        gettext_lazy("Withdraw the question"),
        gettext_lazy("Your question is withdrawn."),
        _engine("void", "reason"),
    ),
)
