from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meihao.bulletins.selectors import home_notices
from meihao.core.errors import ValidationFailed
from meihao.core.middleware import safe_next
from meihao.people.selectors import large_text_offer_due
from meihao.people.services import user_set_large_text
from meihao.web.health import health_report, may_see_details
from meihao.web.home import account_links, essential_entries, work_cards
from meihao.web.menu import home_label, works_here


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "web/home.html",
        {
            "home_label": home_label(user),
            "cards": work_cards(user),
            "account_links": account_links(user),
            # 长辈模式 simplifies a resident's home to a few big tiles; work lists stay whole.
            "tiles": essential_entries(user) if user.large_text and not works_here(user) else [],
            "offer_large_text": large_text_offer_due(user, timezone.localdate()),
            "notices": home_notices(user),
        },
    )


@require_POST
@login_required
def large_text(request):
    """The 长辈模式 switch in every page's header (and the elders' offer on the home page)."""
    choice = request.POST.get("large_text")
    if choice not in ("on", "off"):
        raise ValidationFailed
    user_set_large_text(user=request.user, large_text=choice == "on")
    return redirect(safe_next(request) or "home")


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
