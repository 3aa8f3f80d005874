"""The steps of a tip, read by its page (see cases.steps): the officer looks into it and closes
it with what came of it (the app's own: it records the time to action and the outcome); the
reporter may withdraw it (the engine's)."""

from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.steps import Step, StepTable
from meihao.police import services


def _start(*, case, actor, inputs):
    return services.tip_start(actor=actor, case=case)


def _close(*, case, actor, inputs):
    return services.tip_close(
        actor=actor, case=case, outcome=inputs.get("outcome"), note=inputs.get("note")
    )


def _withdraw(*, case, actor, inputs):
    return case_services.case_void(case=case, actor=actor, reason=inputs.get("reason") or "")


TIP_STEPS = StepTable(
    Step(
        "start",
        "start",
        gettext_lazy("Looking into it"),
        gettext_lazy("Marked as being looked into."),
        _start,
    ),
    Step(
        "close",
        "report_back",
        gettext_lazy("Close the tip"),
        gettext_lazy("Closed. The reporter is told it was handled, nothing more."),
        _close,
    ),
    Step(
        "withdraw",
        "void",
        gettext_lazy("Withdraw my tip"),
        gettext_lazy("Your tip is withdrawn."),
        _withdraw,
    ),
)
