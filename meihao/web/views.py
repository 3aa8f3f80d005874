from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from meihao.web.health import health_report
from meihao.web.home import account_links, work_cards


@login_required
def home(request):
    return render(
        request,
        "web/home.html",
        {"cards": work_cards(request.user), "account_links": account_links(request.user)},
    )


@never_cache
def healthz(request):
    """Public probe for load balancers and `make demo`: JSON, 503 only when the database is down."""
    body, status = health_report()
    return JsonResponse(body, status=status)
