"""The steps of a care order, read by the order page (see cases.steps): each keyed by the engine
action whose ability (cases.access.case_abilities) says who may take it now."""

from django.utils.translation import gettext_lazy

from meihao.care import services
from meihao.cases import services as case_services
from meihao.cases.steps import Step, StepTable


def _order(case):
    return services.order_of(case)


def _take(*, case, actor, inputs):
    return services.order_take(actor=actor, order=_order(case))


def _check_in(*, case, actor, inputs):
    return services.order_check_in(
        actor=actor, order=_order(case), lat=inputs.get("lat"), lon=inputs.get("lon")
    )


def _check_out(*, case, actor, inputs):
    return services.order_check_out(
        actor=actor,
        order=_order(case),
        lat=inputs.get("lat"),
        lon=inputs.get("lon"),
        note=inputs.get("note") or "",
    )


def _confirm(*, case, actor, inputs):
    return services.order_confirm(actor=actor, order=_order(case))


def _send_back(*, case, actor, inputs):
    return case_services.case_reopen(case=case, actor=actor, reason=inputs.get("reason") or "")


STEPS = StepTable(
    Step(
        "take",
        "claim",
        gettext_lazy("Take this order"),
        gettext_lazy("The order is yours. Check in at the elder's home when you arrive."),
        _take,
    ),
    Step(
        "check-in",
        "start",
        gettext_lazy("Check in at the home"),
        gettext_lazy("Checked in. Check out when the service is done."),
        _check_in,
    ),
    Step(
        "check-out",
        "report_back",
        gettext_lazy("Check out"),
        gettext_lazy("Checked out. The elder or the family is asked to confirm."),
        _check_out,
    ),
    Step(
        "confirm",
        "verify_close",
        gettext_lazy("Confirm the service was given"),
        gettext_lazy("Confirmed and paid. Please rate the service."),
        _confirm,
    ),
    Step(
        "send-back",
        "reopen",
        gettext_lazy("Not finished: send back"),
        gettext_lazy("Sent back to the provider."),
        _send_back,
    ),
)
