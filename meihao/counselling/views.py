"""The 心灵驿站 pages: a resident asks for an appointment and follows it; a counsellor takes
requests, sets appointments, keeps private notes and refers those in crisis."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meihao.cases.access import case_abilities, sees_as_citizen
from meihao.cases.steps import Step, StepTable, engine_step
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import case_page, decorate
from meihao.core.errors import DomainError, ValidationFailed
from meihao.counselling import selectors, services
from meihao.counselling.models import NOTE_MAX, REQUEST_MAX, SESSION_MINUTES_MAX


def _home(request, *, error=None, status=200):
    user = request.user
    mine = case_page(request, selectors.my_requests(user), param="mine")
    context = {
        "counsellors": selectors.my_counsellors(user),
        "topics": selectors.topics(),
        "mine": mine,
        "error": error,
        "values": request.POST,
        "words_max": REQUEST_MAX,
        "token": uuid.uuid4().hex,
        "counsellor": selectors.is_counsellor(user),
    }
    if context["counsellor"]:
        waiting = case_page(request, selectors.waiting(user), param="waiting")
        taken = case_page(request, selectors.taken(user), param="taken")
        context.update(waiting=waiting, taken=taken)
    return render(request, "counselling/home.html", context, status=status)


@login_required
@require_GET
def home(request):
    return _home(request)


@login_required
@require_POST
def ask(request):
    try:
        found = services.counselling_ask(
            actor=request.user,
            topic=request.POST.get("topic", ""),
            words=request.POST.get("words", ""),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as exc:
        return _home(request, error=exc, status=400)
    messages.success(request, _("Your request is sent; the counsellor will set a time with you."))
    return redirect("counselling:detail", number=found.case.number)


def _schedule(*, case, actor, inputs):
    return services.counselling_schedule(
        actor=actor, case=case, at=inputs.get("at"), room=inputs.get("room")
    )


def _record(*, case, actor, inputs):
    return services.counselling_record(
        actor=actor,
        case=case,
        minutes=inputs.get("minutes"),
        notes=inputs.get("notes"),
        crisis=inputs.get("crisis") == "on",
    )


STEPS = StepTable(
    Step(
        "schedule",
        "claim",
        gettext_lazy("Set the appointment"),
        gettext_lazy("Appointment set; the resident is told."),
        _schedule,
    ),
    Step(
        "record",
        "report_back",
        gettext_lazy("Record the counselling session"),
        gettext_lazy("Session recorded. Your notes are yours alone."),
        _record,
    ),
    Step(
        "confirm",
        "verify_close",
        gettext_lazy("The session helped"),
        gettext_lazy("Thank you. Take care."),
        engine_step("verify_close"),
    ),
    Step(
        "again",
        "reopen",
        gettext_lazy("Ask for another session"),
        gettext_lazy("The counsellor will set another time."),
        engine_step("reopen", "reason"),
    ),
    Step(
        "withdraw",
        "void",
        gettext_lazy("Withdraw my request"),
        gettext_lazy("Your request is withdrawn."),
        engine_step("void", "reason"),
    ),
)
FORM_STEPS = {"schedule", "record"}


def _page(request, case, *, error=None, failed="", status=200):
    decorate([case])
    user = request.user
    abilities = case_abilities(case, user)
    # Setting (or moving) the appointment: whoever may take the request, or its counsellor
    # while it is open.
    abilities["schedule"] = abilities["claim"] or abilities["report_back"]
    citizen = sees_as_citizen(case, user)
    return render(
        request,
        "counselling/detail.html",
        {
            "case": case,
            "counselling": case.counselling,
            "citizen": citizen,
            "notes": [] if citizen else selectors.my_notes(user, case),
            "events": timeline(case, case.events.all(), viewer=user),
            "abilities": abilities,
            "steps": STEPS.by_action,
            "note_max": NOTE_MAX,
            "minutes_max": SESSION_MINUTES_MAX,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "error": error,
            "failed": failed,
            "values": request.POST,
        },
        status=status,
    )


@login_required
@require_GET
def detail(request, number):
    return _page(request, selectors.request_get(request.user, number))


@login_required
@require_POST
def act(request, number, step):
    if STEPS.get(step) is None:
        raise Http404
    case = selectors.request_get(request.user, number)
    try:
        STEPS.take(step, case=case, actor=request.user, inputs=request.POST.dict())
    except ValidationFailed as exc:
        if step not in FORM_STEPS:
            raise
        return _page(request, case, error=exc, failed=step, status=400)
    messages.success(request, STEPS.get(step).done)
    return redirect("counselling:detail", number=number)
