"""Case photos: attach the copies `core.images` made of an upload to a case.

Each upload is stored three times (`core.images.encode_photo`): `image` (EXIF kept, evidence for
staff), `public_image` (no EXIF) and `thumbnail` (no EXIF). All files of one upload are checked
before anything is written: a bad file changes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.access import holds
from meihao.cases.models import Case, CasePhoto, PhotoStage
from meihao.cases.states import DISPATCHER, HANDLER, VERIFIER
from meihao.core.audit import audit_change
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.images import encode_photos
from meihao.core.photos import store_copies


def is_anonymous_report(case: Case) -> bool:
    """Filed by nobody signed in: a hotline caller's or a public form's report, with at most a
    name and a number for call-backs."""
    return case.submitted_by_id is None


def _may_attach(case: Case, actor, stage: str, *, filing: bool) -> bool:
    if stage == PhotoStage.REPORT:
        if filing:
            # The report's own photos, sent with it: case_submit authorised the filer
            # (may_submit), an anonymous caller too.
            return True
        user_pk = getattr(actor, "pk", None)
        if user_pk is None:
            # Nobody signed in adds to a report afterwards; on an anonymous report `None ==
            # None` would otherwise let anyone.
            return False
        if is_anonymous_report(case):
            # There is no reporter's account to add what the caller sends later: the staff who
            # dispatch the case enter it for them.
            return holds(case, actor, DISPATCHER)
        return case.submitted_by_id == user_pk
    if stage == PhotoStage.REPORT_BACK:
        return holds(case, actor, HANDLER)
    return holds(case, actor, VERIFIER)


def case_photos_attach(
    *, case: Case, actor, files, stage: str, event=None, encoded=None, filing: bool = False
) -> list[CasePhoto]:
    """Attach up to four photos to `case` at `stage` (report, report_back, verification).

    Who may attach: the submitter at report — for an anonymous report (no account filed it:
    a hotline call) the staff who dispatch it, entering what the caller sent —, the handler at
    report-back, the verifier at verification. `filing`: case_submit attaching the photos sent
    with the report it files. `event` links the photos to the timeline step they belong to.
    Callers that already encoded the files (to reject bad ones before their own transaction)
    pass `encoded`, encoded with `anonymous=` for an anonymous report's photos: their full copy
    keeps only the time and place (core.images), so nothing in them names the caller.
    """
    if stage not in PhotoStage.values:
        raise ValidationFailed(_("Unknown photo stage."), field="stage")
    if not _may_attach(case, actor, stage, filing=filing):
        raise PermissionDenied(_("You may not add photos to this case at this stage."))
    if encoded is None:
        encoded = encode_photos(
            files, anonymous=stage == PhotoStage.REPORT and is_anonymous_report(case)
        )
    if not encoded:
        return []
    now = timezone.now()
    photos = []
    with transaction.atomic():
        for item in encoded:
            photo = CasePhoto(
                case=case,
                event=event,
                stage=stage,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
                width=item.width,
                height=item.height,
                created_at=now,
            )
            store_copies(photo, image=item.full, public_image=item.public, thumbnail=item.thumbnail)
            photo.save()
            photos.append(photo)
        audit_change(
            actor=actor,
            action="case.photos_attach",
            target=case,
            changes={"photos": [None, [p.pk for p in photos]], "stage": [None, stage]},
        )
    return photos
