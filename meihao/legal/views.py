"""The legal-advisor pages: a resident asks their community's advisor and follows the answer; an
advisor works the questions of their communities. `/legal/` is both, by role."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.cases.access import case_abilities, sees_as_citizen
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import case_page, decorate, rating_context
from meihao.core import pages
from meihao.core.errors import DomainError, ValidationFailed
from meihao.core.excel import XLSX_CONTENT_TYPE, Sheet, workbook_bytes
from meihao.core.pages import chosen_month, month_links, page_of, query_string
from meihao.legal import aid, selectors, services
from meihao.legal.compliance import posts_month
from meihao.legal.models import (
    ANSWER_MAX,
    ANSWER_MINUTES_MAX,
    QUESTION_MAX,
    AdvisorService,
    LegalAidReferral,
)
from meihao.legal.steps import STEPS


def _home(request, *, error=None, status=200):
    user = request.user
    advisor = selectors.is_advisor(user)
    asked = case_page(request, selectors.my_consultations(user), param="asked")
    context = {
        "advisors": selectors.my_advisors(user),
        "duty_sessions": selectors.upcoming_duty_sessions(user),
        "topics": selectors.consultation_topics(),
        "asked": asked,
        "error": error,
        "values": request.POST,
        "question_max": QUESTION_MAX,
        "token": uuid.uuid4().hex,
        "advisor": advisor,
    }
    if advisor:
        waiting = case_page(request, selectors.advisor_waiting(user), param="waiting")
        taken = case_page(request, selectors.advisor_taken(user), param="taken")
        context.update(waiting=waiting, taken=taken)
    return render(request, "legal/home.html", context, status=status)


@login_required
@require_GET
def home(request):
    return _home(request)


@login_required
@require_POST
def ask(request):
    try:
        consultation = services.consultation_ask(
            actor=request.user,
            topic=request.POST.get("topic", ""),
            question=request.POST.get("question", ""),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as exc:
        return _home(request, error=exc, status=400)
    messages.success(
        request,
        _("Your question %(number)s is sent to your community's legal advisor.")
        % {"number": consultation.case.number},
    )
    return redirect("legal:consultation", number=consultation.case.number)


def consultation_page(request, case, *, error=None, failed="answer", status=200):
    """The consultation with its step forms; `failed` names the form a refused `error` is
    shown in (the answer, or the legal-aid referral)."""
    decorate([case])
    user = request.user
    abilities = case_abilities(case, user)
    may_refer = abilities["claim"] or abilities["report_back"]
    return render(
        request,
        "legal/consultation.html",
        {
            "case": case,
            "consultation": case.consultation,
            "citizen": sees_as_citizen(case, user),
            "events": timeline(case, case.events.all(), viewer=user),
            "abilities": abilities,
            "steps": STEPS.by_action,
            "aid_centres": aid.centres_for(case.consultation.place_path) if may_refer else [],
            "aid_matters": LegalAidReferral.Matter.choices,
            "aid_referral": LegalAidReferral.objects.filter(consultation=case.consultation)
            .select_related("centre__organisation")
            .first(),
            "failed": failed if error else "",
            "answer_max": ANSWER_MAX,
            "minutes_max": ANSWER_MINUTES_MAX,
            "error": error,
            "values": request.POST,
            **rating_context(case, user),
        },
        status=status,
    )


@login_required
@require_GET
def consultation(request, number):
    return consultation_page(request, selectors.consultation_get(request.user, number))


@login_required
@require_POST
def act(request, number, step):
    if STEPS.get(step) is None:
        raise Http404
    case = selectors.consultation_get(request.user, number)
    try:
        STEPS.take(step, case=case, actor=request.user, inputs=request.POST.dict())
    except DomainError as exc:
        if step != "answer" or not isinstance(exc, ValidationFailed):
            raise
        # The answer's form is shown again with what was typed, and why it was refused.
        return consultation_page(request, case, error=exc, status=400)
    messages.success(request, STEPS.get(step).done)
    return redirect("legal:consultation", number=number)


compliance_page = pages.requires(selectors.may_read_compliance)
XLSX_NAME = "legal-advisor-hours-{code}-{month}.xlsx"


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def _compliance_table(rows) -> tuple[list, list[list]]:
    kinds = AdvisorService.Kind.choices
    header = [
        _("Community"),
        _("Advisor"),
        *(label for _kind, label in kinds),
        _("Hours done"),
        _("Hours owed"),
        _("Met"),
    ]
    body = [
        [
            row.community_name,
            row.advisor_name,
            *(_hours(row.kind_minutes(kind)) for kind, _label in kinds),
            _hours(row.minutes),
            _hours(row.required),
            _("yes") if row.met else _("no"),
        ]
        for row in rows
    ]
    return header, body


@compliance_page
@require_GET
def compliance(request):
    place = selectors.compliance_place(request.user, request.GET.get("place", ""))
    code = place.code if place is not None else selectors.EVERYWHERE
    year, month = chosen_month(request)
    rows = posts_month(place.path if place is not None else "", year, month)
    if request.GET.get("format") == "xlsx":
        header, body = _compliance_table(rows)
        title = _("Legal advisors' hours %(month)s") % {"month": f"{year}-{month:02d}"}
        response = HttpResponse(
            workbook_bytes([Sheet(title[:31], body, header=header)]),
            content_type=XLSX_CONTENT_TYPE,
        )
        name = XLSX_NAME.format(code=code, month=f"{year}-{month:02d}")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = page_of(request, rows)
    kinds = AdvisorService.Kind.values
    table = [
        {
            "advisor_id": row.advisor_id,
            "advisor": row.advisor_name,
            "community_code": row.community_code,
            "community": row.community_name,
            "by_kind": [_hours(row.kind_minutes(kind)) for kind in kinds],
            "hours": _hours(row.minutes),
            "met": row.met,
            "short": _hours(row.minutes_short),
        }
        for row in page.object_list
    ]
    return render(
        request,
        "legal/compliance.html",
        {
            "place": place,
            "code": code,
            "everywhere": selectors.EVERYWHERE if request.user.is_superuser else "",
            "places": selectors.compliance_places(request.user),
            "page": page,
            "table": table,
            "query": query_string(place=code, month=f"{year}-{month:02d}"),
            "kinds": AdvisorService.Kind.choices,
            "posts": len(rows),
            "met": sum(row.met for row in rows),
            "required_hours": settings.LEGAL_ADVISOR_MONTHLY_HOURS,
            **month_links(year, month),
        },
    )
