"""What the rewards pages share: the chosen month, and answering a domain error on a page."""

import datetime

from django.utils import timezone

from meihao.core.inputs import month_up_to
from meihao.core.pages import requires

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


def _anyone(user) -> bool:
    return True


# A logged-in page on which anything the user may not see or do answers 404.
page_view = requires(_anyone, refusal_is_404=True)
