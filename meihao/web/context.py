"""Template context shared by every page: what the navigation may offer the current user."""

from functools import cache

from meihao.cases.selectors import may_use_board, may_use_queue, may_use_verify
from meihao.core.scoping import scopes_of
from meihao.notify.selectors import inbox_unread_count
from meihao.people.selectors import people_abilities

ANONYMOUS_NAV = {
    "people": False,
    "people_import": False,
    "places": False,
    "admin": False,
    "board": False,
    "queue": False,
    "verify": False,
}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": ANONYMOUS_NAV, "inbox_unread": 0}
    # scopes_of caches on the user object: one query per request, shared with the views.
    people = people_abilities(user)
    return {
        "nav": {
            "people": people["list"],
            "people_import": people["import"],
            "places": user.is_superuser or bool(scopes_of(user)),
            "admin": user.is_staff,
            "board": may_use_board(user),
            "queue": may_use_queue(user),
            "verify": may_use_verify(user),
        },
        # The header bell: one COUNT over the partial index of unread messages, made when a
        # template first reads it (fragments without the header cost nothing).
        "inbox_unread": cache(lambda: inbox_unread_count(user)),
    }
