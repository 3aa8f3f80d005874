"""What the rewards pages share: the chosen month, and answering a domain error on a page."""

import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from meihao.core.errors import NotFound, PermissionDenied
from meihao.core.inputs import month_up_to

PAGE_SIZE = 20


def chosen_month(request) -> tuple[int, int]:
    """?month=YYYY-MM, default this month; anything unreadable or in the future is this month."""
    return month_up_to(request.GET.get("month"), today=timezone.localdate())


def month_links(year: int, month: int) -> dict:
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    return {
        "month_start": first,
        "month_value": f"{first:%Y-%m}",
        "previous_month": f"{previous:%Y-%m}",
        "next_month": (
            f"{following:%Y-%m}" if following.replace(day=1) <= timezone.localdate() else ""
        ),
    }


def page_view(view):
    """A logged-in page on which anything the user may not see or do answers 404."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied) as error:
            raise Http404(str(error.message)) from None

    return wrapped
