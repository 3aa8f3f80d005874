"""Every read of 云家庭's elder records, scoped to the asking user: care staff covering the
elder's home (core.roles.ELDER_CARE), and family members acting for the elder. Out of scope is
NotFound, the same as missing."""

from django.db.models import QuerySet

from meihao.core.errors import NotFound
from meihao.eldercare.models import Assessment, Elder


def elders_visible_to(user) -> QuerySet[Elder]:
    return Elder.objects.visible_to(user).select_related("person", "person__home_place")


def elder_get(user, pk) -> Elder:
    elder = elders_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if elder is None:
        raise NotFound()
    return elder


def elders_acted_for(user) -> QuerySet[Elder]:
    """The elders `user` acts for as family, on their consent still standing."""
    if not getattr(user, "is_authenticated", False):
        return Elder.objects.none()
    return Elder.objects.filter(family__user=user, family__ended_at__isnull=True).select_related(
        "person"
    )


def current_assessment(elder: Elder) -> Assessment | None:
    """The latest assessment: what the elder's level is now."""
    return elder.assessments.select_related("scale").first()
