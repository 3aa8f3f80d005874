"""The resident's pages: what my points get me, my one-time code, my redemptions."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from meihao.core.errors import NotFound
from meihao.core.pages import chosen_month, month_links, query_string
from meihao.core.qr import qr_svg
from meihao.ledger.selectors import points_balance
from meihao.people.selectors import home_point, own_person
from meihao.rewards import passes, selectors, services
from meihao.rewards.views.common import PAGE_SIZE, page_view


def _person(request):
    person = own_person(request.user)
    if person is None:
        raise NotFound()
    return person


SEARCH_MAX = 50


@page_view
@require_GET
def catalogue(request):
    person = own_person(request.user)
    balance = points_balance(person) if person else 0
    affordable = request.GET.get("affordable") == "1" and person is not None
    alliance = request.GET.get("alliance") == "1"
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    affordable_for = balance if affordable else None
    entries = selectors.catalogue_order(
        affordable_for=affordable_for,
        search=q,
        home_path=person.home_place_path if person else "",
        home=home_point(person),
        alliance=alliance,
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.catalogue_page(page.object_list, affordable_for=affordable_for)
    markers = [
        {
            "lat": m.lat,
            "lon": m.lon,
            "label": m.organisation.name,
            "anchor": f"merchant-{m.pk}",
        }
        for m in page
        if m.lat is not None and m.lon is not None
    ]
    context = {
        "person": person,
        "balance": balance,
        "affordable": affordable,
        "alliance": alliance,
        "q": q,
        "page": page,
        "markers": markers,
        "query": query_string(
            affordable="1" if affordable else "", alliance="1" if alliance else "", q=q
        ),
    }
    if request.htmx and request.htmx.target == "catalogue-results":
        return render(request, "rewards/_catalogue_results.html", context)
    return render(request, "rewards/catalogue.html", context)


@page_view
@never_cache
@require_http_methods(["GET", "POST"])
def pass_page(request):
    person = _person(request)
    if request.method == "POST":
        services.pass_issue(actor=request.user)
        return redirect("rewards:pass")
    now = timezone.now()
    live = selectors.live_pass(person, now)
    return render(
        request,
        "rewards/pass.html",
        {
            "balance": points_balance(person),
            "pass": live,
            "qr": qr_svg(passes.token_for(live), css_class="pass-qr-svg") if live else "",
            "seconds_left": int((live.expires_at - now).total_seconds()) if live else 0,
            "status_url": reverse("rewards:pass_status", args=[live.pk]) if live else "",
        },
    )


@page_view
@never_cache
@require_GET
def pass_status(request, pk: int):
    """Polled by the open pass page: is the code still waiting, used, or expired?"""
    redemption_pass = selectors.own_pass_get(request.user, pk)
    redemption = selectors.pass_redemption(redemption_pass) if redemption_pass.used_at else None
    return render(
        request,
        "rewards/_pass_status.html",
        {
            "pass": redemption_pass,
            "live": redemption_pass.is_live(),
            "redemption": redemption,
            "balance": points_balance(redemption_pass.person) if redemption else None,
            "status_url": reverse("rewards:pass_status", args=[redemption_pass.pk]),
        },
    )


@page_view
@require_GET
def mine(request):
    person = _person(request)
    year, month = chosen_month(request)
    redemptions = selectors.person_month_redemptions(person, year=year, month=month)
    page = Paginator(redemptions, PAGE_SIZE).get_page(request.GET.get("page"))
    spent = selectors.person_month_points(person, year=year, month=month)
    return render(
        request,
        "rewards/mine.html",
        {
            "page": page,
            "spent": spent,
            "balance": points_balance(person),
            **month_links(year, month),
        },
    )
