"""The dispute pages (矛盾纠纷调解): the staff and grid workers take disputes in, the advisors
mediate them, the street follows the major ones, a party who is a resident follows their own.
`/legal/disputes/` is every side's list, by what the user holds."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases.access import case_abilities, holds, sees_as_citizen
from meihao.cases.states import HANDLER, WORKING
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import case_page, decorate
from meihao.core import pages
from meihao.core.errors import DomainError, ValidationFailed
from meihao.legal import disputes, selectors
from meihao.legal.models import (
    FACTS_MAX,
    PARTIES_MAX,
    SESSION_MINUTES_MAX,
    SESSION_NOTE_MAX,
    TERMS_MAX,
    Dispute,
    DisputeParty,
)
from meihao.legal.pdf import agreement_pdf
from meihao.legal.steps import DISPUTE_STEPS, ESCALATE, SESSION

# Rows of the intake form: two filled (an applicant and a respondent) and room for more.
PARTY_ROWS = 4


@login_required
@require_GET
def dispute_list(request):
    user = request.user
    lists = {
        "waiting": selectors.disputes_waiting(user),
        "mediating": selectors.disputes_mediating(user),
        "taken_in": selectors.disputes_taken_in(user),
        "escalated": selectors.disputes_escalated(user),
        "mine": selectors.my_disputes(user),
    }
    context = {"may_take_in": disputes.may_take_in(user), "advisor": selectors.is_advisor(user)}
    for name, queryset in lists.items():
        context[name] = case_page(request, queryset, param=name)
    return render(request, "legal/disputes.html", context)


def _party_rows(post) -> list[dict]:
    return [
        {
            "side": post.get(f"party_side_{index}", ""),
            "name": post.get(f"party_name_{index}", ""),
            "phone": post.get(f"party_phone_{index}", ""),
            "address": post.get(f"party_address_{index}", ""),
        }
        for index in range(PARTIES_MAX)
        if f"party_name_{index}" in post
    ]


def _intake_page(request, *, error=None, status=200):
    post = request.POST
    rows = _party_rows(post) if post else []
    while len(rows) < PARTY_ROWS:
        side = DisputeParty.Side.APPLICANT if not rows else DisputeParty.Side.RESPONDENT
        rows.append({"side": side, "name": "", "phone": "", "address": ""})
    return render(
        request,
        "legal/dispute_new.html",
        {
            "places": disputes.intake_places(request.user),
            "kinds": selectors.dispute_kinds(),
            "rows": rows,
            "sides": DisputeParty.Side.choices,
            "facts_max": FACTS_MAX,
            "error": error,
            "values": post,
            "token": uuid.uuid4().hex,
        },
        status=status,
    )


@pages.requires(disputes.may_take_in)
@require_http_methods(["GET", "POST"])
def dispute_new(request):
    if request.method == "GET":
        return _intake_page(request)
    post = request.POST
    try:
        dispute = disputes.dispute_open(
            actor=request.user,
            place_code=post.get("place", ""),
            kind=post.get("kind", ""),
            facts=post.get("facts", ""),
            parties=_party_rows(post),
            major=post.get("major") == "on",
            major_reason=post.get("major_reason", ""),
            idempotency_key=post.get("idempotency_key") or None,
        )
    except DomainError as exc:
        return _intake_page(request, error=exc, status=400)
    messages.success(
        request,
        _("Dispute %(number)s is taken in; the community's legal advisor is told.")
        % {"number": dispute.case.number},
    )
    return redirect("legal:dispute", number=dispute.case.number)


def _abilities(case, user) -> dict:
    abilities = case_abilities(case, user)
    abilities[SESSION] = case.status in WORKING and holds(case, user, HANDLER)
    abilities[ESCALATE] = disputes.may_escalate(case, user)
    return abilities


def _dispute_page(request, case, *, error=None, failed_step="", status=200):
    decorate([case])
    user = request.user
    citizen = sees_as_citizen(case, user)
    return render(
        request,
        "legal/dispute.html",
        {
            "case": case,
            "dispute": case.dispute,
            "parties": selectors.dispute_parties(case),
            # A session's record is for the dispute's holders, never its parties.
            "sessions": [] if citizen else selectors.dispute_sessions(case),
            "citizen": citizen,
            "events": timeline(case, case.events.all(), viewer=user),
            "abilities": _abilities(case, user),
            "steps": DISPUTE_STEPS.by_action,
            "outcomes": Dispute.Outcome.choices,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "minutes_max": SESSION_MINUTES_MAX,
            "note_max": SESSION_NOTE_MAX,
            "terms_max": TERMS_MAX,
            "error": error,
            "failed_step": failed_step,
            "values": request.POST,
        },
        status=status,
    )


@login_required
@require_GET
def dispute(request, number):
    return _dispute_page(request, selectors.dispute_get(request.user, number))


# The steps whose forms are shown again with what was typed when refused.
FORM_STEPS = {"session", "conclude", "follow-up", "escalate"}


@login_required
@require_POST
def dispute_act(request, number, step):
    if DISPUTE_STEPS.get(step) is None:
        raise Http404
    case = selectors.dispute_get(request.user, number)
    try:
        DISPUTE_STEPS.take(step, case=case, actor=request.user, inputs=request.POST.dict())
    except DomainError as exc:
        if step not in FORM_STEPS or not isinstance(exc, ValidationFailed):
            raise
        return _dispute_page(request, case, error=exc, failed_step=step, status=400)
    messages.success(request, DISPUTE_STEPS.get(step).done)
    return redirect("legal:dispute", number=number)


@login_required
@require_GET
def agreement(request, number):
    """The agreement to print and sign, once the mediation has reached one."""
    case = selectors.dispute_get(request.user, number)
    if case.dispute.outcome != Dispute.Outcome.AGREEMENT:
        raise Http404
    response = HttpResponse(agreement_pdf(case.dispute), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{case.number}.pdf"'
    return response
