"""Publication: the case's dispatchers choose which photos the public sees (审核后公开)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.access import (
    DISPATCHER,
    can_view,
    holds,
)
from meihao.cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
)
from meihao.cases.services.step import acting_user
from meihao.core.audit import audit_change
from meihao.core.errors import (
    NotFound,
    PermissionDenied,
)


def case_photo_set_public(*, case: Case, photo: CasePhoto, actor, public: bool) -> CasePhoto:
    """Show one photo of a case to the public (its EXIF-free copy), or stop showing it.

    A dispatcher's decision, like accepting the case: the people who review what is published.
    It goes on the timeline and into the audit trail; setting what is already set is a no-op.
    """

    if acting_user(actor) is None or not can_view(case, actor) or photo.case_id != case.pk:
        raise NotFound(_("No such photo."))
    if not holds(case, actor, DISPATCHER):
        raise PermissionDenied(_("Only the case's dispatchers decide which photos are public."))
    if photo.is_public == public:
        return photo
    now = timezone.now()
    with transaction.atomic():
        changed = CasePhoto.objects.filter(pk=photo.pk, is_public=not public).update(
            is_public=public
        )
        if changed:
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                created_at=now,
                action="photo_published" if public else "photo_withdrawn",
                from_status=case.status,
                to_status=case.status,
                data={"photo": photo.pk},
            )
            audit_change(
                actor=actor,
                action="case.photo_public",
                target=photo,
                changes={"is_public": [not public, public]},
            )
    photo.is_public = public
    return photo
