"""门前三包's pages: the pledges of the user's places (search, failed, unchecked), a pledge with
its checks and the check form for the grid's workers, and a new pledge."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.core import pages
from meihao.core.errors import ValidationFailed
from meihao.core.pages import page_of
from meihao.core.scoping import covers
from meihao.frontage import selectors, services
from meihao.frontage.models import Check

pledges_page = pages.requires(selectors.sees_pledges)
pledge_page = pages.scoped_object(selectors.pledge_get, page_ability=selectors.sees_pledges)


def _list(request, *, error=None, status=200):
    q = request.GET.get("q", "").strip()[:40]
    state = request.GET.get("state", "")
    page = page_of(request, selectors.pledges_of(request.user, q=q, state=state))
    return render(
        request,
        "frontage/list.html",
        {
            "page": page,
            "q": q,
            "state": state,
            "query": pages.query_string(q=q, state=state),
            "grids": selectors.grids_of(request.user),
            "today": timezone.localdate(),
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@pledges_page
@require_GET
def pledge_list(request):
    return _list(request)


@pledges_page
@require_POST
def pledge_new(request):
    post = request.POST
    return pages.written(
        request,
        lambda: services.pledge_create(
            actor=request.user,
            grid_id=post.get("grid"),
            name=post.get("name"),
            address=post.get("address"),
            signer=post.get("signer"),
            signed_on=post.get("signed_on"),
        ),
        again=lambda error: _list(request, error=error, status=400),
        success=_("Pledge entered."),
        to=lambda pledge: ("frontage:pledge", pledge.pk),
    )


def _pledge(request, pledge, *, error=None, status=200):
    user = request.user
    return render(
        request,
        "frontage/pledge.html",
        {
            "pledge": pledge,
            "checks": pledge.checks.select_related("checker", "case")[:30],
            "items": Check.Item.choices,
            "may_check": pledge.withdrawn_on is None
            and covers(user, pledge.place_path, services.CHECKERS),
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@pledge_page
@require_GET
def pledge(request, pledge):
    return _pledge(request, pledge)


@pledge_page
@require_POST
def check(request, pledge):
    post = request.POST
    try:
        recorded = services.check_record(
            actor=request.user,
            pledge=pledge,
            passed=post.get("result") == "passed",
            failed=post.getlist("failed"),
            note=post.get("note", ""),
            photos=request.FILES.getlist("photos"),
        )
    except ValidationFailed as exc:
        return _pledge(request, pledge, error=exc, status=400)
    if recorded.case_id:
        messages.warning(
            request, _("Check recorded; case %(number)s filed.") % {"number": recorded.case.number}
        )
    else:
        messages.success(request, _("Check recorded: kept."))
    return redirect("frontage:pledge", pledge.pk)


@pledge_page
@require_POST
def withdraw(request, pledge):
    services.pledge_withdraw(actor=request.user, pledge=pledge)
    messages.success(request, _("Pledge withdrawn."))
    return redirect("frontage:pledge", pledge.pk)
