"""Reads of the reports app, scoped to the asking user."""

from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role, scope_q
from meihao.places.models import Place
from meihao.reports.content import REPORT_LEVELS
from meihao.reports.models import Report


def may_use(user) -> bool:
    """The officials (community staff, street chiefs, district admins) read and ask for the
    reports of their places."""
    return bool(getattr(user, "is_superuser", False) or has_role(user, OFFICIALS))


def report_list(user):
    return (
        Report.objects.visible_to(user)
        .select_related("place", "requested_by")
        .order_by("-created_at", "-id")
    )


def place_choices(user) -> list[Place]:
    """The places the user may ask a report of: theirs and those below, down to communities."""
    return list(
        Place.objects.filter(scope_q(user, path_field="path", roles=OFFICIALS))
        .filter(level__in=REPORT_LEVELS)
        .only("id", "code", "name", "level", "path")
        .order_by("path")
    )
