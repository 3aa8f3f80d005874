"""The monthly statements (结算单) of a provider: the page (the figures, the orders, the
call-back sample with its findings, settling), its PDF and Excel, and refunding an order."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.care import selectors, services, statements
from meihao.care.models import SampleCheck, Settlement
from meihao.core.excel import XLSX_CONTENT_TYPE
from meihao.core.inputs import parse_id
from meihao.core.pages import (
    chosen_month,
    month_links,
    page_of,
    query_string,
    requires,
    scoped_object,
)
from meihao.core.pii import mask_name
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role


def _month(request) -> datetime.date:
    year, month = chosen_month(request)
    return datetime.date(year, month, 1)


@require_GET
@scoped_object(statements.provider_for_statement, kwarg="pk")
def statement(request, provider):
    month = _month(request)
    found = statements.statement_of(provider, month)
    name = f"care-statement-{provider.pk}-{month:%Y-%m}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            statements.statement_workbook(found), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if request.GET.get("format") == "pdf":
        response = HttpResponse(statements.statement_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    page = page_of(request, statements.statement_orders(found))
    for order in page.object_list:
        order.masked_name = mask_name(order.elder.person.real_name)
    settlement = found.settlement
    checks = list(
        settlement.sample_checks.select_related("order__case", "order__elder__person")
        if settlement.pk
        else []
    )
    for check in checks:
        check.masked_name = mask_name(check.order.elder.person.real_name)
    corrections = list(
        settlement.corrections.select_related("order__case", "order__service")
        if settlement.pk
        else []
    )
    return render(
        request,
        "care/statement.html",
        {
            "provider": provider,
            "statement": found,
            "page": page,
            "checks": checks,
            "corrections": corrections,
            "findings": [c for c in SampleCheck.Finding.choices if c[0] != "pending"],
            "may_settle": statements.may_settle(request.user, provider),
            "query": query_string(month=f"{month:%Y-%m}"),
            **month_links(month.year, month.month),
        },
    )


def _back(pk, month: datetime.date):
    return redirect(f"{reverse('care:statement', args=[pk])}?month={month:%Y-%m}")


def _settlement(request, pk):
    provider = statements.provider_for_statement(request.user, pk)
    if not statements.may_settle(request.user, provider):
        raise Http404
    return services.settlement_open(provider=provider, month=_month(request))


@login_required
@require_POST
def sample(request, pk):
    settlement = _settlement(request, pk)
    checks = services.sample_draw(actor=request.user, settlement=settlement)
    messages.success(request, _("%(count)s orders drawn for call-backs.") % {"count": len(checks)})
    return _back(pk, settlement.month)


@login_required
@require_POST
def settle(request, pk):
    settlement = _settlement(request, pk)
    services.settlement_settle(actor=request.user, settlement=settlement)
    messages.success(request, _("The month is settled."))
    return _back(pk, settlement.month)


@login_required
@require_POST
def check(request, pk):
    found = (
        SampleCheck.objects.select_related("order", "settlement__provider")
        .filter(pk=parse_id(pk))
        .first()
    )
    if found is None:
        raise Http404
    services.sample_record(
        actor=request.user,
        check=found,
        finding=request.POST.get("finding", ""),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("The call-back is recorded."))
    return _back(found.settlement.provider_id, found.settlement.month)


@login_required
@require_POST
def refund(request, number):
    order = selectors.order_get(request.user, number)
    services.order_refund(actor=request.user, order=order, reason=request.POST.get("reason", ""))
    messages.success(
        request, _("The order is refunded; the correction is on this month's statement.")
    )
    return redirect("care:order", number=number)


def _reads_statements(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


@requires(_reads_statements)
@require_GET
def settlements(request):
    """The month's statements of the providers of the user's places: what each is due."""
    month = _month(request)
    rows = statements.month_statements(request.user, month)
    labels = dict(Settlement.Status.choices)
    for row in rows:
        row.status_label = labels[row.status]
    totals = {
        "orders": sum(r.orders for r in rows),
        "vouchers": sum(r.voucher_cents for r in rows),
        "own": sum(r.own_cents for r in rows),
    }
    page = page_of(request, rows)
    statements.name_rows(page.object_list)
    return render(
        request,
        "care/settlements.html",
        {
            "page": page,
            "totals": totals,
            "query": query_string(month=f"{month:%Y-%m}"),
            **month_links(month.year, month.month),
        },
    )
