"""The steps of a help request, read by the request page and the API (see cases.steps)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.steps import Step, StepTable


def _engine(action: str, *, on_site: bool = False):
    def perform(*, case, actor, inputs):
        kwargs = {}
        if on_site:
            kwargs["lat"], kwargs["lon"] = inputs.get("lat"), inputs.get("lon")
        if action == "report_back":
            kwargs["note"] = inputs.get("note") or _("Help given.")
        if action == "reopen":
            kwargs["reason"] = inputs.get("reason") or ""
        return case_services.ACTION_SERVICES[action](case=case, actor=actor, **kwargs)

    return perform


STEPS = StepTable(
    Step(
        "claim",
        "claim",
        gettext_lazy("I will help"),
        gettext_lazy("You have taken this request on. Check in when you arrive."),
        _engine("claim"),
    ),
    Step(
        "check-in",
        "start",
        gettext_lazy("Check in on site"),
        gettext_lazy("Checked in. Check out when you leave."),
        _engine("start", on_site=True),
    ),
    Step(
        "check-out",
        "report_back",
        gettext_lazy("Check out"),
        gettext_lazy("Checked out. The requester is asked to confirm."),
        _engine("report_back", on_site=True),
    ),
    Step(
        "confirm",
        "verify_close",
        gettext_lazy("Confirm the help"),
        gettext_lazy("Confirmed. Thank you; the helper's minutes are paid."),
        _engine("verify_close"),
    ),
    Step(
        "send-back",
        "reopen",
        gettext_lazy("Send back to the helper"),
        gettext_lazy("Sent back to the helper."),
        _engine("reopen"),
    ),
)
