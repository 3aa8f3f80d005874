"""A complaint about an order's provider, sent from the order's page (the form is there); the
complaint itself is then worked on the engine's case page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meihao.care import selectors, services


@login_required
@require_POST
def complain(request, number):
    order = selectors.order_get(request.user, number)
    key = request.POST.get("key", "")
    complaint = services.order_complain(
        actor=request.user,
        order=order,
        text=request.POST.get("text", ""),
        idempotency_key=f"care-complaint:{key}" if key.isalnum() and len(key) <= 40 else None,
    )
    messages.success(
        request,
        _("Your complaint %(number)s is sent. The community will look into it and answer you.")
        % {"number": complaint.case.number},
    )
    return redirect("care:order", number=number)
