"""The online application's page (phone first): where it is, what was handed in, what is
missing, the decision; and the step its viewer may take now — the holder of its stage (take in,
ask for what is missing, refuse to take in, pass on, decide) or the applicant (hand in what was
asked for). Parse, call a selector or service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meihao.cases.access import sees_as_citizen
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import decorate
from meihao.catalogue.routes import route_for
from meihao.core.pages import scoped_object
from meihao.egov import selectors, services

# The staff's timeline words for the application's own event.
STEP_LABELS = {"stage_passed": gettext_lazy("passed on to the next stage")}


@require_GET
@scoped_object(selectors.application_case_get, kwarg="number")
def detail(request, case):
    decorate([case])
    application = case.application
    stages = route_for(application.item, application.home_path)
    return render(
        request,
        "egov/detail.html",
        {
            "case": case,
            "application": application,
            "citizen": sees_as_citizen(case, request.user),
            "stages": stages,
            "materials": list(application.item.materials.all()),
            "attachments": list(application.attachments.all()),
            "events": timeline(
                case, case.events.all(), viewer=request.user, staff_labels=STEP_LABELS
            ),
            "actions": selectors.actions_for(case, request.user),
        },
    )


@login_required
@require_GET
def attachment(request, number, pk):
    found = selectors.attachment_get(request.user, number, pk)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def _files(request) -> dict:
    files = {}
    for key in request.FILES:
        if key.startswith("material-") and key[9:].isdigit() and len(key) < 24:
            files[int(key[9:])] = request.FILES.getlist(key)
    return files


STEPS = {
    "take-in": (
        lambda request, case: services.application_take_in(
            actor=request.user, case=case, note=request.POST.get("note", "")
        ),
        gettext_lazy("Taken in. The promised time limit runs from now."),
    ),
    "ask-supplement": (
        lambda request, case: services.application_ask_supplement(
            actor=request.user, case=case, missing=request.POST.get("missing", "")
        ),
        gettext_lazy("The applicant is told what is missing."),
    ),
    "refuse-intake": (
        lambda request, case: services.application_refuse_intake(
            actor=request.user, case=case, reason=request.POST.get("reason", "")
        ),
        gettext_lazy("Not taken in; the applicant is told why."),
    ),
    "pass-on": (
        lambda request, case: services.application_pass(
            actor=request.user, case=case, note=request.POST.get("note", "")
        ),
        gettext_lazy("Passed on to the next stage."),
    ),
    "approve": (
        lambda request, case: services.application_decide(
            actor=request.user, case=case, approve=True, reasons=request.POST.get("reasons", "")
        ),
        gettext_lazy("Approved. The applicant is told."),
    ),
    "refuse": (
        lambda request, case: services.application_decide(
            actor=request.user, case=case, approve=False, reasons=request.POST.get("reasons", "")
        ),
        gettext_lazy("Refused. The applicant receives your reasons."),
    ),
    "supplement": (
        lambda request, case: services.application_supplement(
            actor=request.user, case=case, files=_files(request), note=request.POST.get("note", "")
        ),
        gettext_lazy("Handed in. The office takes it up again."),
    ),
}


@login_required
@require_POST
def act(request, number, step):
    if step not in STEPS:
        raise Http404
    perform, done = STEPS[step]
    case = selectors.application_case_get(request.user, number)
    perform(request, case)
    messages.success(request, done)
    return redirect("egov:detail", number=number)
