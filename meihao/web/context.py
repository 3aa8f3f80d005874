"""Template context shared by every page: what the navigation may offer the current user."""

from functools import cache

from meihao.core.scoping import scopes_of
from meihao.notify.selectors import inbox_unread_count
from meihao.people.selectors import people_abilities


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav": {"people": False, "people_import": False, "places": False, "admin": False},
            "inbox_unread": 0,
        }
    # scopes_of caches on the user object: one query per request, shared with the views.
    people = people_abilities(user)
    return {
        "nav": {
            "people": people["list"],
            "people_import": people["import"],
            "places": user.is_superuser or bool(scopes_of(user)),
            "admin": user.is_staff,
        },
        # The header bell: one COUNT over the partial index of unread messages, made when a
        # template first reads it (fragments without the header cost nothing).
        "inbox_unread": cache(lambda: inbox_unread_count(user)),
    }
