"""Template context shared by every page: the current user's menu, the large-text switch and the
header's unread count."""

from functools import cache

from meihao.notify.selectors import inbox_unread_count
from meihao.web.menu import menu


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "large_text": False, "inbox_unread": 0}
    return {
        # Built when the header first reads it (fragments without the header cost nothing);
        # scopes_of caches on the user object, one query per request shared with the views.
        "menu": cache(lambda: menu(user)),
        # 长辈模式: stored on the account, so it follows the person to another phone.
        "large_text": bool(user.large_text),
        # The header bell: one COUNT over the partial index of unread messages, made when a
        # template first reads it.
        "inbox_unread": cache(lambda: inbox_unread_count(user)),
    }
