"""The rectification panel's forms (appeal, review) on the engine's case page. Parse, call a
service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meihao.cases import selectors as case_selectors
from meihao.core.errors import NotFound
from meihao.ratings import services
from meihao.ratings.models import RECTIFY_CODE


def _rectification_case(request, number):
    case = case_selectors.case_detail(user=request.user, number=number)
    if case.case_type.code != RECTIFY_CODE:
        raise NotFound()
    return case


@login_required
@require_POST
def appeal(request, number):
    case = _rectification_case(request, number)
    services.rectification_appeal(actor=request.user, case=case, reason=request.POST.get("reason"))
    messages.success(request, _("The appeal is sent to the district."))
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def review(request, number):
    case = _rectification_case(request, number)
    upheld = request.POST.get("upheld") == "1"
    services.rectification_review(
        actor=request.user, case=case, upheld=upheld, note=request.POST.get("note")
    )
    messages.success(request, _("The appeal is decided."))
    return redirect("cases:detail", number=number)
