"""Managing partner merchants and their items (community, street and district staff in their
places; a merchant's own staff restock), and the merchant's monthly statement."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.core.errors import ValidationFailed
from meihao.core.forms import add_domain_error
from meihao.core.pages import chosen_month, month_links
from meihao.core.pii import mask_name_to_greet
from meihao.rewards import excel, selectors, services
from meihao.rewards.forms import (
    NewPartnerMerchantForm,
    NewRewardItemForm,
    PartnerMerchantForm,
    RestockForm,
    RewardItemForm,
)
from meihao.rewards.views.common import PAGE_SIZE, page_view


@page_view
@require_GET
def merchant_list(request):
    manager = selectors.may_manage_merchants(request.user)
    if not manager and not selectors.staff_organisation_ids(request.user):
        raise Http404()
    merchants = selectors.managed_merchant_list(request.user)
    page = Paginator(merchants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rewards/manage_list.html",
        {"page": page, "may_add": manager},
    )


@page_view
@require_http_methods(["GET", "POST"])
def merchant_new(request):
    if not selectors.may_manage_merchants(request.user):
        raise Http404()
    form = NewPartnerMerchantForm(
        request.POST or None, candidates=selectors.merchant_candidates(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            merchant = services.partner_merchant_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s is now a partner merchant.") % {"name": merchant})
            return redirect("rewards:merchant", pk=merchant.pk)
    return render(
        request,
        "rewards/merchant_form.html",
        {"form": form, "merchant": None},
        status=400 if form.errors else 200,
    )


@page_view
@require_http_methods(["GET", "POST"])
def merchant_edit(request, pk: int):
    merchant = selectors.merchant_get(request.user, pk)
    if not selectors.merchant_abilities(request.user, merchant)["edit"]:
        raise Http404()
    initial = {
        name: getattr(merchant, name)
        for name in ("description", "address", "opening_hours", "lat", "lon", "joined_on")
    } | {"is_active": merchant.is_active, "red_armband_alliance": merchant.red_armband_alliance}
    form = PartnerMerchantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_merchant_update(
                actor=request.user, merchant=merchant, **form.cleaned_data
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("rewards:merchant", pk=merchant.pk)
    return render(
        request,
        "rewards/merchant_form.html",
        {"form": form, "merchant": merchant},
        status=400 if form.errors else 200,
    )


@page_view
@require_GET
def merchant_detail(request, pk: int):
    merchant = selectors.merchant_get(request.user, pk)
    return render(
        request,
        "rewards/merchant.html",
        {
            "merchant": merchant,
            "items": selectors.merchant_items(merchant),
            "abilities": selectors.merchant_abilities(request.user, merchant),
            "restock_form": RestockForm(),
            "account_code": selectors.merchant_account_code(request.user, merchant),
        },
    )


@page_view
@require_http_methods(["GET", "POST"])
def item_new(request, pk: int):
    merchant = selectors.merchant_get(request.user, pk)
    if not selectors.merchant_abilities(request.user, merchant)["edit_items"]:
        raise Http404()
    form = NewRewardItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_item_create(actor=request.user, merchant=merchant, **form.cleaned_data)
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect("rewards:merchant", pk=merchant.pk)
    return render(
        request,
        "rewards/item_form.html",
        {"form": form, "merchant": merchant, "item": None},
        status=400 if form.errors else 200,
    )


@page_view
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = selectors.item_get(request.user, pk)
    if not selectors.merchant_abilities(request.user, item.merchant)["edit_items"]:
        raise Http404()
    initial = {
        name: getattr(item, name)
        for name in ("name", "description", "points_cost", "limit_per_person", "is_active")
    }
    form = RewardItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("rewards:merchant", pk=item.merchant_id)
    return render(
        request,
        "rewards/item_form.html",
        {"form": form, "merchant": item.merchant, "item": item},
        status=400 if form.errors else 200,
    )


@page_view
@require_POST
def item_stock(request, pk: int):
    item = selectors.item_get(request.user, pk)
    if not selectors.merchant_abilities(request.user, item.merchant)["restock"]:
        raise Http404()
    form = RestockForm(request.POST)
    if form.is_valid():
        try:
            services.reward_item_restock(
                actor=request.user, item=item, change=form.cleaned_data["change"]
            )
        except ValidationFailed as error:
            messages.error(request, f"{item.name}: {error.message}")
        else:
            messages.success(
                request,
                _("%(item)s: %(stock)s in stock.") % {"item": item.name, "stock": item.stock},
            )
    else:
        messages.error(request, f"{item.name}: {' '.join(form.errors['change'])}")
    return redirect("rewards:merchant", pk=item.merchant_id)


@page_view
@require_GET
def statement(request, pk: int):
    merchant = selectors.merchant_get(request.user, pk)
    if not selectors.merchant_abilities(request.user, merchant)["statement"]:
        raise Http404()
    year, month = chosen_month(request)
    figures = selectors.merchant_statement(merchant, year=year, month=month)
    redemptions = selectors.merchant_month_redemptions(merchant, year=year, month=month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            excel.statement_workbook(figures, redemptions.iterator()),
            content_type=excel.XLSX_CONTENT_TYPE,
        )
        filename = f"rewards-statement-{merchant.pk}-{year}-{month:02d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    page = Paginator(redemptions, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    for row in page:
        row.customer = mask_name_to_greet(row.person.real_name)
    return render(
        request,
        "rewards/statement.html",
        {
            "merchant": merchant,
            "statement": figures,
            "page": page,
            "account_code": selectors.merchant_account_code(request.user, merchant),
            **month_links(year, month),
        },
    )
