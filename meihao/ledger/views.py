"""The ledger's pages: my points and minutes, and one account's monthly statement."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from meihao.core.inputs import month_up_to
from meihao.ledger import selectors
from meihao.ledger.models import Unit


def _month(request) -> tuple[int, int]:
    """?month=YYYY-MM, default this month; anything unreadable is this month too."""
    return month_up_to(request.GET.get("month"), today=timezone.localdate())


def _neighbours(year: int, month: int) -> dict:
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    today = timezone.localdate()
    return {
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}" if following.replace(day=1) <= today else "",
        "month_start": first,
    }


@login_required
@require_GET
def mine(request):
    accounts = selectors.own_accounts(request.user)
    unit = request.GET.get("unit")
    if unit not in Unit.values:
        unit = Unit.POINTS
    year, month = _month(request)
    account = accounts[unit]
    statement = selectors.account_statement(account, year=year, month=month) if account else None
    return render(
        request,
        "ledger/mine.html",
        {
            "accounts": accounts,
            "points": accounts[Unit.POINTS],
            "minutes": accounts[Unit.MINUTES],
            "unit": unit,
            "statement": statement,
            **_neighbours(year, month),
        },
    )


@login_required
@require_GET
def statement(request, code: str):
    account = selectors.accounts_visible_to(request.user).filter(code=code).first()
    if account is None:
        raise Http404
    year, month = _month(request)
    return render(
        request,
        "ledger/statement.html",
        {
            "account": account,
            "statement": selectors.account_statement(account, year=year, month=month),
            **_neighbours(year, month),
        },
    )
