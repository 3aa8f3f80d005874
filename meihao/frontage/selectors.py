"""Reads of 门前三包, for the workers of the pledges' places."""

from django.db.models import Q

from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.roles import PLACE_WORKERS
from meihao.core.scoping import has_role
from meihao.frontage.models import Pledge
from meihao.places.models import Level, Place


def sees_pledges(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, PLACE_WORKERS)


def pledges_of(user, *, q: str = "", state: str = ""):
    pledges = Pledge.objects.visible_to(user).select_related("grid")
    if q:
        pledges = pledges.filter(Q(name__contains=q) | Q(address__contains=q))
    if state == "failed":
        pledges = pledges.filter(last_passed=False, withdrawn_on__isnull=True)
    elif state == "unchecked":
        pledges = pledges.filter(last_checked_on__isnull=True, withdrawn_on__isnull=True)
    return pledges.order_by("place_path", "name", "pk")


def pledge_get(user, pk) -> Pledge:
    pledge = (
        Pledge.objects.visible_to(user)
        .filter(pk=parse_id(pk))
        .select_related("grid", "merchant", "created_by")
        .first()
    )
    if pledge is None:
        raise NotFound()
    return pledge


def grids_of(user):
    return Place.objects.visible_to(user).filter(level=Level.GRID).order_by("path")
