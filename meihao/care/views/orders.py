"""Home care's pages. Parse, call a selector or service, render.

- The elder's page (large text for the elder and family): one-tap help, the services to order,
  their orders and balances; the order form with the price and the vouchers' share spelt out
  before confirming.
- The order page: its state in the elder's words, who serves it and when, and the step each
  person may take (take it, check in and out on site, confirm, send back, cancel, rate; assign
  for the officials).
- The provider's work page, the officials' list of orders (the providers' pages are
  care.views.providers).
"""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.care import selectors, services
from meihao.care.models import KIND_OF_FAMILY, Correction, Family
from meihao.care.services.complaints import may_complain
from meihao.care.steps import STEPS
from meihao.care.vouchers import estimate, policy_for, voucher_balance, wallet_balance
from meihao.cases.access import case_abilities, is_requester
from meihao.cases.extensions import detail_url
from meihao.cases.models import CaseRating
from meihao.cases.services import case_rate
from meihao.cases.states import TERMINAL_STATES, Status
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import decorate
from meihao.core.errors import ValidationFailed
from meihao.core.inputs import parse_date, parse_id, parse_int
from meihao.core.pages import page_of, query_string, requires, scoped_object
from meihao.core.pii import mask_name
from meihao.core.roles import ELDER_CARE, OFFICIALS
from meihao.core.scoping import covers, has_role

# The times offered on the order form: every half hour of a provider's day.
TIMES = [f"{h:02d}:{m:02d}" for h in range(7, 21) for m in (0, 30)]


def _may_manage(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def home(request):
    """Where 养老服务 leads: the provider's work, the elder's own page (or the one elder the
    user acts for), the list of elders to choose from, or the officials' orders."""
    user = request.user
    if selectors.own_staff(user):
        return redirect("care:work")
    elders = selectors.elders_ordered_for(user)
    if len(elders) == 1:
        return redirect("care:elder", pk=elders[0].pk)
    if not elders and _may_manage(user):
        return redirect("care:orders")
    for elder in elders:
        elder.is_self = elder.person.user_id == user.pk
    return render(request, "care/choose.html", {"elders": elders})


def _elder_context(request, elder) -> dict:
    user = request.user
    orders = selectors.orders_of_elder(elder)
    decorate([o.case for o in orders["open"] + orders["past"]])
    for order in orders["open"]:
        order.to_confirm = order.case.status == Status.REPORTED_BACK
    families = {}
    for service in selectors.orderable_services():
        families.setdefault(service.family, []).append(service)
    policy = policy_for(elder)
    return {
        "elder": elder,
        "is_self": elder.person.user_id == user.pk,
        "is_staff": covers(user, elder.place_path, ELDER_CARE),
        "families": [
            (Family(f).label, KIND_OF_FAMILY[Family(f)], items) for f, items in families.items()
        ],
        "activities": list(selectors.activity_services()),
        "orders": orders,
        "policy": policy,
        "vouchers": voucher_balance(elder),
        "wallet": wallet_balance(elder),
    }


@require_GET
@scoped_object(selectors.elder_for, kwarg="pk")
def elder_home(request, elder):
    context = _elder_context(request, elder)
    # 长辈模式 by default for the elder and the family; the staff's desk keeps its own choice.
    context["page_large_text"] = not context["is_staff"] or context["is_self"]
    return render(request, "care/elder.html", context)


def _starts_at(post) -> datetime.datetime:
    day = parse_date(post.get("day"))
    time = post.get("time", "")
    if day is None:
        raise ValidationFailed(_("Choose the day of the service."), field="day")
    if time not in TIMES:
        raise ValidationFailed(_("Choose the time of the service."), field="time")
    hour, minute = (int(part) for part in time.split(":"))
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _days(today: datetime.date) -> list[tuple[str, str]]:
    names = [_("Today"), _("Tomorrow"), _("The day after tomorrow")]
    return [((today + datetime.timedelta(days=i)).isoformat(), names[i]) for i in range(3)]


@require_http_methods(["GET", "POST"])
@scoped_object(selectors.elder_for, kwarg="pk")
def order_new(request, elder, code):
    service = selectors.orderable_services().filter(code=code).first()
    if service is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "elder": elder,
        "service": service,
        "days": _days(today),
        "times": TIMES,
        "today": today,
        "is_self": elder.person.user_id == request.user.pk,
        "page_large_text": not covers(request.user, elder.place_path, ELDER_CARE)
        or elder.person.user_id == request.user.pk,
        "chosen": {"day": request.POST.get("day", ""), "time": request.POST.get("time", "")},
    }
    if request.method == "GET":
        context["estimate"] = estimate(elder, service)
        return render(request, "care/order_new.html", context)
    try:
        starts_at = _starts_at(request.POST)
        if request.POST.get("confirm") != "1":
            # The price and the vouchers' share spelt out before anything is ordered.
            context.update(
                starts_at=starts_at,
                estimate=estimate(elder, service),
                key=uuid.uuid4().hex,
            )
            return render(request, "care/order_confirm.html", context)
        key = request.POST.get("key", "")
        order = services.order_place(
            actor=request.user,
            elder=elder,
            service=service,
            starts_at=starts_at,
            note=request.POST.get("note", ""),
            idempotency_key=f"care-order:{key}" if key.isalnum() and len(key) <= 40 else None,
        )
    except ValidationFailed as error:
        context["error"] = error.message
        context["estimate"] = estimate(elder, service)
        return render(request, "care/order_new.html", context, status=400)
    messages.success(
        request, _("Ordered. The providers nearby are told; you will see who takes it.")
    )
    return redirect("care:order", number=order.case.number)


@require_POST
@scoped_object(selectors.elder_for, kwarg="pk")
def help_call(request, elder):
    order = services.order_help_call(actor=request.user, elder=elder)
    messages.success(
        request,
        _("Help is called. The family, the grid worker and the provider on call are told."),
    )
    return redirect("care:order", number=order.case.number)


@require_GET
@scoped_object(selectors.order_get, kwarg="number")
def order(request, order):
    user = request.user
    case = order.case
    decorate([case])
    abilities = case_abilities(case, user)
    requester = is_requester(case, user)
    staff_side = order.staff_id is not None and order.staff.person.user_id == user.pk
    open_ = case.status not in (Status.CLOSED, Status.VOID, Status.REJECTED, Status.DUPLICATE)
    manages = covers(user, order.place_path, ELDER_CARE)
    # A provider sees the elder's name, address and phone while the order is open only.
    show_elder = requester or manages or user.is_superuser or open_
    rated = case.ratings.exists()
    complaints = list(order.complaints.select_related("case__case_type").order_by("-created_at"))
    decorate([c.case for c in complaints])
    for complaint in complaints:
        complaint.url = detail_url(complaint.case)
    context = {
        "order": order,
        "case": case,
        "abilities": abilities,
        "steps": STEPS.by_action,
        "events": timeline(case, case.events.all(), viewer=user),
        "requester": requester,
        "staff_side": staff_side,
        "manages": manages,
        "show_elder": show_elder,
        "elder_name": order.elder.person.real_name
        if show_elder
        else mask_name(order.elder.person.real_name),
        "may_cancel": case.status in services.CANCELLABLE and (requester or manages),
        "may_rate": requester and case.status == Status.CLOSED and not rated,
        "may_refund": manages
        and order.paid_at is not None
        and order.price_cents > 0
        and not Correction.objects.filter(order=order).exists(),
        "assignable": selectors.eligible_staff(order)
        if manages and abilities.get("dispatch")
        else [],
        "complaints": complaints,
        "may_complain": complaint_open(order, complaints, user),
        "complaint_key": uuid.uuid4().hex,
        "no_show": order.is_no_show(timezone.now()),
        "page_large_text": requester and not manages,
        "rating_choices": CaseRating.Score.choices,
    }
    return render(request, "care/order.html", context)


def complaint_open(order, complaints, user) -> bool:
    """Whether `user` may complain about `order` now: one complaint is looked into at a time."""
    if not may_complain(user, order):
        return False
    return all(c.case.status in TERMINAL_STATES for c in complaints)


@login_required
@require_POST
def act(request, number, step):
    if STEPS.get(step) is None:
        raise Http404
    order = selectors.order_get(request.user, number)
    inputs = {
        **request.POST.dict(),
        "lat": _float(request.POST.get("lat")),
        "lon": _float(request.POST.get("lon")),
    }
    STEPS.take(step, case=order.case, actor=request.user, inputs=inputs)
    messages.success(request, STEPS.get(step).done)
    return redirect("care:order", number=number)


@login_required
@require_POST
def assign(request, number):
    order = selectors.order_get(request.user, number)
    staff_pk = parse_id(request.POST.get("staff"))
    staff = next((s for s in selectors.eligible_staff(order) if s.pk == staff_pk), None)
    if staff is None:
        raise ValidationFailed(_("Choose a staff member from the list."), field="staff")
    services.order_assign(actor=request.user, order=order, staff=staff)
    messages.success(request, _("Assigned to %(name)s.") % {"name": staff.person.real_name})
    return redirect("care:order", number=number)


@login_required
@require_POST
def cancel(request, number):
    order = selectors.order_get(request.user, number)
    services.order_cancel(actor=request.user, order=order, reason=request.POST.get("reason", ""))
    messages.success(request, _("The order is cancelled."))
    return redirect("care:order", number=number)


@login_required
@require_POST
def rate(request, number):
    order = selectors.order_get(request.user, number)
    case_rate(
        case=order.case,
        actor=request.user,
        score=parse_int(request.POST.get("score"), default=0, minimum=0, maximum=5),
        comment=request.POST.get("comment", ""),
    )
    messages.success(request, _("Thank you for rating the service."))
    return redirect("care:order", number=number)


@require_POST
@scoped_object(selectors.elder_for, kwarg="pk")
def top_up(request, elder):
    amount = request.POST.get("amount", "").strip()
    try:
        cents = round(float(amount) * 100) if amount else 0
    except ValueError:
        cents = 0
    services.wallet_top_up(
        actor=request.user,
        elder=elder,
        cents=cents if 0 < cents < 10**9 else 0,
        receipt=request.POST.get("receipt", ""),
        paid_by=request.POST.get("paid_by", ""),
    )
    messages.success(request, _("The top-up is recorded."))
    return redirect("care:elder", pk=elder.pk)


def _is_staff(user) -> bool:
    return bool(selectors.own_staff(user))


@requires(_is_staff)
@require_GET
def work(request):
    work = selectors.work_of(request.user)
    for group in work.values():
        decorate([o.case for o in group])
    return render(request, "care/work.html", {**work, "staff": selectors.own_staff(request.user)})


STATES = {
    "open": [s for s in Status.values if s not in ("closed", "void", "rejected", "duplicate")],
    "closed": ["closed"],
    "cancelled": ["void", "rejected", "duplicate"],
}


@requires(_may_manage)
@require_GET
def orders(request):
    state = request.GET.get("state", "")
    code = request.GET.get("service", "")[:16]
    day = parse_date(request.GET.get("day"))
    rows = selectors.orders_visible_to(request.user)
    if state in STATES:
        rows = rows.filter(case__status__in=STATES[state])
    if code:
        rows = rows.filter(service__code=code)
    if day is not None:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        rows = rows.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
    page = page_of(request, rows.order_by("-starts_at", "-pk"))
    decorate([o.case for o in page.object_list])
    for row in page.object_list:
        row.masked_name = mask_name(row.elder.person.real_name)
    return render(
        request,
        "care/orders.html",
        {
            "page": page,
            "state": state,
            "code": code,
            "day": day.isoformat() if day else "",
            "services": selectors.orderable_services(),
            "query": query_string(state=state, service=code, day=day.isoformat() if day else ""),
        },
    )
