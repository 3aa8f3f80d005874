"""Template context shared by every page: what the navigation may offer the current user."""

from meihao.core.roles import PEOPLE_EDITORS, PEOPLE_VIEWERS
from meihao.core.scoping import has_role, scopes_of


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"people": False, "people_import": False, "places": False, "admin": False}}
    # scopes_of caches on the user object: one query per request, shared with the views.
    return {
        "nav": {
            "people": user.is_superuser or has_role(user, PEOPLE_VIEWERS),
            "people_import": user.is_superuser or has_role(user, PEOPLE_EDITORS),
            "places": user.is_superuser or bool(scopes_of(user)),
            "admin": user.is_staff,
        }
    }
