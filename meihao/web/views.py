from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache

from meihao.web.health import health_report, may_see_details
from meihao.web.home import account_links, work_cards


@login_required
def home(request):
    return render(
        request,
        "web/home.html",
        {"cards": work_cards(request.user), "account_links": account_links(request.user)},
    )


@login_not_required
def set_language(request):
    """Django's language switch, open because the log-in page offers it; wrapped, so that
    Django's own function stays unmarked."""
    return i18n.set_language(request)


@login_not_required
@never_cache
def healthz(request):
    """Public probe for load balancers and `make demo`: JSON, 503 only when the database is down;
    the details only for staff and a local probe (web.health.may_see_details)."""
    body, status = health_report()
    if not may_see_details(request):
        body = {"status": body["status"]}
    return JsonResponse(body, status=status)
