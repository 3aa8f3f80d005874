"""The legal-aid pages: the advisor refers a consultation from its page; the centre's staff
list the referrals to their centre, read one with the letter, and decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.core import pages
from meihao.core.errors import DomainError, ValidationFailed
from meihao.core.pages import page_of
from meihao.legal import aid, selectors
from meihao.legal.pdf import referral_letter_pdf
from meihao.legal.views import consultation_page


@login_required
@require_POST
def refer(request, number):
    case = selectors.consultation_get(request.user, number)
    post = request.POST
    try:
        aid.legal_aid_refer(
            actor=request.user,
            case=case,
            centre_id=post.get("centre"),
            matter=post.get("matter", ""),
            hardship=post.get("hardship") == "on",
            summary=post.get("summary", ""),
        )
    except ValidationFailed as exc:
        return consultation_page(request, case, error=exc, failed="aid", status=400)
    messages.success(request, _("Referred to the legal-aid centre; the resident is told."))
    return redirect("legal:consultation", number=number)


@pages.requires(aid.may_decide)
@require_GET
def referrals(request):
    return render(
        request,
        "legal/aid_referrals.html",
        {"page": page_of(request, aid.referrals_for(request.user))},
    )


def _answers(case) -> list[str]:
    return [
        event.note
        for event in case.events.filter(action="report_back").order_by("created_at", "pk")
        if event.note
    ]


def _referral_page(request, referral, *, error=None, status=200):
    return render(
        request,
        "legal/aid_referral.html",
        {
            "referral": referral,
            "case": referral.consultation.case,
            "answers": _answers(referral.consultation.case),
            "may_decide": referral.centre_id in aid.centre_ids(request.user)
            and referral.decision == referral.Decision.PENDING,
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@login_required
@require_GET
def referral(request, pk):
    return _referral_page(request, aid.referral_get(request.user, pk))


@login_required
@require_POST
def decide(request, pk):
    found = aid.referral_get(request.user, pk)
    try:
        aid.legal_aid_decide(
            actor=request.user,
            referral=found,
            granted=request.POST.get("decision") == "grant",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        if not isinstance(exc, ValidationFailed):
            raise
        return _referral_page(request, found, error=exc, status=400)
    messages.success(request, _("Decision recorded; the resident is told."))
    return redirect("legal:aid_referral", pk=found.pk)


@login_required
@require_GET
def letter(request, pk):
    found = aid.referral_get(request.user, pk)
    response = HttpResponse(
        referral_letter_pdf(found, _answers(found.consultation.case)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'inline; filename="legal-aid-{found.consultation.case.number}.pdf"'
    )
    return response
