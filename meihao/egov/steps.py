"""The steps of an online application, read by its page (and by its API when it has one; see
cases.steps). Each is an egov service around the engine action it takes. Inputs: `note`,
`missing`, `reason`, `reasons`, and `files` (a material's id → its uploads)."""

from django.utils.translation import gettext_lazy

from meihao.cases.steps import Step, StepTable
from meihao.egov import services

STEPS = StepTable(
    Step(
        "take-in",
        "dispatch",
        gettext_lazy("Take in"),
        gettext_lazy("Taken in. The promised time limit runs from now."),
        lambda *, case, actor, inputs: services.application_take_in(
            actor=actor, case=case, note=inputs.get("note") or ""
        ),
    ),
    Step(
        "ask-supplement",
        "park",
        gettext_lazy("Ask for the missing materials"),
        gettext_lazy("The applicant is told what is missing."),
        lambda *, case, actor, inputs: services.application_ask_supplement(
            actor=actor,
            case=case,
            missing=inputs.get("missing") or "",
            beyond_guide=inputs.get("beyond_guide") == "on",
        ),
    ),
    Step(
        "refuse-intake",
        "reject",
        gettext_lazy("Do not take in"),
        gettext_lazy("Not taken in; the applicant is told why."),
        lambda *, case, actor, inputs: services.application_refuse_intake(
            actor=actor, case=case, reason=inputs.get("reason") or ""
        ),
    ),
    Step(
        "pass-on",
        "dispatch",
        gettext_lazy("Pass on to the next stage"),
        gettext_lazy("Passed on to the next stage."),
        lambda *, case, actor, inputs: services.application_pass(
            actor=actor, case=case, note=inputs.get("note") or ""
        ),
    ),
    Step(
        "approve",
        "report_back",
        gettext_lazy("Approve"),
        gettext_lazy("Approved. The applicant is told."),
        lambda *, case, actor, inputs: services.application_decide(
            actor=actor, case=case, approve=True, reasons=inputs.get("reasons") or ""
        ),
    ),
    Step(
        "refuse",
        "report_back",
        gettext_lazy("Refuse"),
        gettext_lazy("Refused. The applicant receives your reasons."),
        lambda *, case, actor, inputs: services.application_decide(
            actor=actor, case=case, approve=False, reasons=inputs.get("reasons") or ""
        ),
    ),
    Step(
        "withdraw",
        "void",
        gettext_lazy("Withdraw the application"),
        gettext_lazy("Withdrawn. The office is told that nothing more is to be done."),
        lambda *, case, actor, inputs: services.application_withdraw(
            actor=actor, case=case, reason=inputs.get("reason") or ""
        ),
    ),
    Step(
        "supplement",
        "unpark",
        gettext_lazy("Hand in"),
        gettext_lazy("Handed in. The office takes it up again."),
        lambda *, case, actor, inputs: services.application_supplement(
            actor=actor, case=case, files=inputs.get("files") or {}, note=inputs.get("note") or ""
        ),
    ),
)
