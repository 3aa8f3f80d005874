"""Case photos: attach the copies `core.images` made of an upload to a case.

Each upload is stored three times (`core.images.encode_photo`): `image` (EXIF kept, evidence for
staff), `public_image` (no EXIF) and `thumbnail` (no EXIF). All files of one upload are checked
before anything is written: a bad file changes nothing.
"""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.access import holds
from meihao.cases.models import Case, CasePhoto, PhotoStage
from meihao.cases.states import HANDLER, VERIFIER
from meihao.core.audit import audit_change
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.images import encode_photos


def _may_attach(case: Case, actor, stage: str) -> bool:
    if stage == PhotoStage.REPORT:
        return actor is not None and case.submitted_by_id == getattr(actor, "pk", None)
    if stage == PhotoStage.REPORT_BACK:
        return holds(case, actor, HANDLER)
    return holds(case, actor, VERIFIER)


def case_photos_attach(
    *, case: Case, actor, files, stage: str, event=None, encoded=None
) -> list[CasePhoto]:
    """Attach up to four photos to `case` at `stage` (report, report_back, verification).

    Who may attach: the submitter at report, the handler at report-back, the verifier at
    verification. `event` links the photos to the timeline step they belong to. Callers that
    already encoded the files (to reject bad ones before their own transaction) pass `encoded`.
    """
    if stage not in PhotoStage.values:
        raise ValidationFailed(_("Unknown photo stage."), field="stage")
    if not _may_attach(case, actor, stage):
        raise PermissionDenied(_("You may not add photos to this case at this stage."))
    if encoded is None:
        encoded = encode_photos(files)
    if not encoded:
        return []
    now = timezone.now()
    photos = []
    with transaction.atomic():
        for item in encoded:
            stem = uuid.uuid4().hex
            photo = CasePhoto(
                case=case,
                event=event,
                stage=stage,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
                width=item.width,
                height=item.height,
                created_at=now,
            )
            # Files land on disk before the row commits; a rolled-back upload leaves orphan
            # files (harmless, unreferenced), never a row without its file.
            photo.image.save(f"{stem}.jpg", ContentFile(item.full), save=False)
            photo.public_image.save(f"{stem}-p.jpg", ContentFile(item.public), save=False)
            photo.thumbnail.save(f"{stem}-t.jpg", ContentFile(item.thumbnail), save=False)
            photo.save()
            photos.append(photo)
        audit_change(
            actor=actor,
            action="case.photos_attach",
            target=case,
            changes={"photos": [None, [p.pk for p in photos]], "stage": [None, stage]},
        )
    return photos
