"""The merchant's counter, phone-first: scan or type the customer's code → the items they may
redeem → confirm → done; and a redemption's page with its refund.

Each step is a plain form post (it works without JavaScript; the camera only fills in the code).
The confirm form carries an idempotency key made when it is shown, so a confirm sent twice (a
double tap, a retry on a bad connection) redeems once and shows the same redemption.
"""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.core.errors import DomainError, ValidationFailed
from meihao.core.forms import add_domain_error
from meihao.core.inputs import parse_id
from meihao.core.pii import mask_name_to_greet
from meihao.core.throttle import rate_limited
from meihao.rewards import passes, selectors, services
from meihao.rewards.forms import RefundForm
from meihao.rewards.models import Redemption
from meihao.rewards.views.common import page_view


def _counter_merchant(request, chosen):
    """The merchant whose counter the user staffs: the chosen one, or their first."""
    merchants = selectors.staff_merchants(request.user)
    if not merchants:
        raise Http404()
    if chosen in (None, ""):
        return merchants[0], merchants
    for merchant in merchants:
        if str(merchant.pk) == str(chosen):
            return merchant, merchants
    raise Http404()


def _scan_page(request, merchant, merchants, *, error: DomainError | None = None, code=""):
    status = 200 if error is None else error.status
    return render(
        request,
        "rewards/counter.html",
        {
            "merchant": merchant,
            "merchants": merchants,
            "error": error.message if error else "",
            "typed": "" if ":" in code else code,
            "scan_strings": {
                "starting": _("Starting the camera…"),
                "aim": _("Point the camera at the customer's QR code."),
                "found": _("Code read, looking it up…"),
                "denied": _("No camera: allow it for this site, or type the code."),
                "no_camera": _("This browser cannot use the camera here: type the code."),
            },
        },
        status=status,
    )


def _customer_page(request, merchant, customer, code, *, error=None):
    return render(
        request,
        "rewards/counter_customer.html",
        {"merchant": merchant, "customer": customer, "code": code, "error": error},
        status=400 if error else 200,
    )


def _live_customer(merchant, code):
    redemption_pass = passes.find_pass(code)
    passes.check_live(redemption_pass)
    return selectors.customer_at(merchant, redemption_pass)


@page_view
@never_cache
@require_GET
def counter(request):
    merchant, merchants = _counter_merchant(request, request.GET.get("merchant"))
    return _scan_page(request, merchant, merchants)


@page_view
@never_cache
@require_POST
@rate_limited("pass_code")
def customer(request):
    merchant, merchants = _counter_merchant(request, request.POST.get("merchant"))
    code = request.POST.get("code", "").strip()[:200]
    try:
        found = _live_customer(merchant, code)
    except DomainError as error:
        return _scan_page(request, merchant, merchants, error=error, code=code)
    return _customer_page(request, merchant, found, code)


def _offered_item(merchant, value):
    item = merchant.items.filter(pk=parse_id(value, default=0), is_active=True).first()
    if item is None:
        raise ValidationFailed(_("Choose one of the items."), field="item")
    return item


@page_view
@never_cache
@require_POST
@rate_limited("pass_code")
def confirm(request):
    merchant, merchants = _counter_merchant(request, request.POST.get("merchant"))
    code = request.POST.get("code", "").strip()[:200]
    try:
        found = _live_customer(merchant, code)
    except DomainError as error:
        return _scan_page(request, merchant, merchants, error=error, code=code)
    try:
        item = _offered_item(merchant, request.POST.get("item"))
    except ValidationFailed as error:
        return _customer_page(request, merchant, found, code, error=error.message)
    return render(
        request,
        "rewards/counter_confirm.html",
        {
            "merchant": merchant,
            "customer": found,
            "item": item,
            "code": code,
            "balance_after": found.balance - item.points_cost,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@page_view
@never_cache
@require_POST
@rate_limited("pass_code")
def redeem(request):
    merchant, merchants = _counter_merchant(request, request.POST.get("merchant"))
    code = request.POST.get("code", "").strip()[:200]
    try:
        item = _offered_item(merchant, request.POST.get("item"))
        result = services.redemption_redeem(
            actor=request.user,
            code=code,
            item=item,
            idempotency_key=request.POST.get("idempotency_key", "")[:64],
        )
    except DomainError as error:
        # Back to the customer's items while their code is still good, else to the scanner.
        try:
            found = _live_customer(merchant, code)
        except DomainError:
            return _scan_page(request, merchant, merchants, error=error, code=code)
        return _customer_page(request, merchant, found, code, error=error.message)
    url = reverse("rewards:redemption", args=[result.redemption.number])
    return redirect(f"{url}?done=1")


@page_view
@require_GET
def redemption(request, number: str):
    found = selectors.redemption_get(request.user, number)
    abilities = selectors.merchant_abilities(request.user, found.merchant)
    own = found.person.user_id == request.user.pk
    return render(
        request,
        "rewards/redemption.html",
        {
            "redemption": found,
            "done": request.GET.get("done") == "1",
            "customer_name": (
                found.person.real_name if own else mask_name_to_greet(found.person.real_name)
            ),
            "may_refund": abilities["refund"] and found.status == Redemption.Status.COMPLETED,
            "may_statement": abilities["statement"],
            "at_counter": abilities["redeem"],
        },
    )


@page_view
@never_cache
@require_http_methods(["GET", "POST"])
def refund(request, number: str):
    found = selectors.redemption_get(request.user, number)
    if not selectors.merchant_abilities(request.user, found.merchant)["refund"]:
        raise Http404()
    form = RefundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.redemption_refund(
                actor=request.user, redemption=found, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Refunded: %(points)s points returned to the customer.")
                % {"points": found.points},
            )
            return redirect("rewards:redemption", number=found.number)
    return render(
        request,
        "rewards/refund.html",
        {
            "redemption": found,
            "form": form,
            "customer_name": mask_name_to_greet(found.person.real_name),
        },
        status=400 if form.errors else 200,
    )
