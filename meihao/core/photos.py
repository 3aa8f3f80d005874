"""Photos of the things the district shows — venues, showcases, red-culture sites: the one way an
app stores, removes and serves them (`core.models.Photo`), and the file writing every stored
photo shares (`store_copies`, the case photos' too).

An app decides who may add or remove a photo of its object and calls `photos_add` /
`photo_remove` after that check; the kit checks the files (`core.images`: images only, size-
and pixel-limited, re-encoded upright as JPEG), the caption and the limit, and writes in one
transaction, audited. A refusal is a `ValidationFailed` naming the field (`photos`, `caption`)
and nothing is written. Only the EXIF-free copies are stored (see `core.models.Photo`).
"""

import dataclasses
import uuid

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change
from meihao.core.errors import ValidationFailed
from meihao.core.images import EncodedPhoto, encode_photo
from meihao.core.inputs import clean_text
from meihao.core.models import PHOTO_CAPTION_MAX, Photo

MAX_PHOTOS = 6  # a venue's, a showcase's, a site's: a small gallery, not an album
VARIANTS = {"photo": "image", "thumb": "thumbnail"}
# Which copy a file name's suffix says it is (one random stem per photo).
SUFFIXES = {"image": "", "public_image": "-p", "thumbnail": "-t"}


@dataclasses.dataclass
class Gallery:
    """What `core/_photos.html` draws: an object's thumbnails linking to their EXIF-free
    copies, alt text from their captions (else the object's name and the photo's number), an
    empty state, and for those who may edit the object the remove buttons and the upload form.
    `prefix` keeps the form's ids apart when a page shows several; `back` is the page's own
    address, which the remove buttons post as `next`; `error` the refusal of an upload, shown
    by its form."""

    photos: list = dataclasses.field(default_factory=list)
    subject: str = ""
    prefix: str = "photos"
    may_edit: bool = False
    add_url: str = ""
    back: str = ""
    error: ValidationFailed | None = None
    limit: int = MAX_PHOTOS

    @property
    def full(self) -> bool:
        return len(self.photos) >= self.limit


def store_copies(photo: models.Model, **copies: bytes) -> None:
    """Write the JPEG copies of one photo (field name → bytes) under one random stem, without
    saving the row. Files land on disk before the row commits; a rolled-back write leaves
    orphan files (harmless, unreferenced), never a row without its file."""
    stem = uuid.uuid4().hex
    for field, data in copies.items():
        suffix = SUFFIXES.get(field, f"-{field}")
        getattr(photo, field).save(f"{stem}{suffix}.jpg", ContentFile(data), save=False)


def _owner_of(owner: models.Model) -> tuple[type[Photo], str]:
    # The concrete model's related_name, which the type checker cannot know of a Model.
    manager = owner.photos  # type: ignore[attr-defined]
    return manager.model, manager.field.name


def photo_rows(
    owner: models.Model, encoded: list[EncodedPhoto], *, caption: str = "", uploaded_by=None
) -> list[Photo]:
    """Store `encoded` as photos of `owner` after those it has, without any check: the caller
    has checked who and how many (`photos_add`; the demo's loaders, writing their own)."""
    model, field = _owner_of(owner)
    last = model._default_manager.filter(**{field: owner}).aggregate(n=Max("order"))["n"]
    start = 0 if last is None else last + 1
    now = timezone.now()
    rows = []
    for n, item in enumerate(encoded):
        photo = model(
            **{field: owner},
            caption=caption,
            order=start + n,
            uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
            width=item.width,
            height=item.height,
            created_at=now,
        )
        store_copies(photo, image=item.public, thumbnail=item.thumbnail)
        photo.save()
        rows.append(photo)
    return rows


def _too_many(limit: int, have: int) -> ValidationFailed:
    return ValidationFailed(
        _("At most %(limit)s photos: %(have)s are there already. Remove one first.")
        % {"limit": limit, "have": have},
        code="too_many_photos",
        field="photos",
    )


def photos_add(
    *, actor, owner: models.Model, files, caption="", action: str, limit: int = MAX_PHOTOS
) -> list[Photo]:
    """Add the uploaded `files` to `owner`'s photos, each with `caption` (the alt text the
    pages show), after the caller decided `actor` may. All files are checked before anything is
    written; at most `limit` photos an object, counted under a lock on the owner's row, so two
    uploads at once cannot pass it together. Audited as `action`."""
    files = [f for f in (files or []) if f]
    if not files:
        raise ValidationFailed(_("Choose a photo to upload."), code="required", field="photos")
    caption = clean_text(caption, field="caption", max_length=PHOTO_CAPTION_MAX)
    model, field = _owner_of(owner)
    if len(files) > limit:
        raise _too_many(limit, model._default_manager.filter(**{field: owner}).count())
    encoded = [encode_photo(f) for f in files]  # slow: before the transaction
    with transaction.atomic():
        type(owner)._default_manager.select_for_update().filter(pk=owner.pk).values_list(
            "pk", flat=True
        ).get()
        have = model._default_manager.filter(**{field: owner}).count()
        if have + len(encoded) > limit:
            raise _too_many(limit, have)
        rows = photo_rows(owner, encoded, caption=caption, uploaded_by=actor)
        audit_change(
            actor=actor,
            action=action,
            target=owner,
            changes={"photos": [None, [p.pk for p in rows]], "caption": [None, caption]},
        )
    return rows


def photo_remove(*, actor, photo: Photo, owner: models.Model, action: str) -> None:
    """Remove a photo of `owner` (the caller decided `actor` may); its files go once the
    removal commits."""
    names = [name for name in (photo.image.name, photo.thumbnail.name) if name]
    storage = photo.image.storage

    def delete_files():
        for name in names:
            storage.delete(name)

    with transaction.atomic():
        audit_change(
            actor=actor,
            action=action,
            target=owner,
            changes={"photos": [[photo.pk], None], "caption": [photo.caption, None]},
        )
        photo.delete()
        transaction.on_commit(delete_files)


def serve_jpeg(file, *, shared: bool) -> FileResponse:
    """A stored JPEG the calling view found the user may see. `shared`: anyone may (a public
    page's photo), so shared caches may keep it a short while (staff may take it down); else
    only the browser keeps it."""
    try:
        stream = file.open("rb")
    except FileNotFoundError:  # a database restored without its media folder
        raise Http404 from None
    response = FileResponse(stream, content_type="image/jpeg")
    response["Cache-Control"] = "max-age=300" if shared else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def photo_response(photo: Photo, variant: str, *, shared: bool) -> FileResponse:
    """The JPEG of `variant` ("photo" or "thumb", both without EXIF) of a photo the calling
    view found visible (`shared`: see `serve_jpeg`)."""
    field = VARIANTS.get(variant)
    if field is None:
        raise Http404
    return serve_jpeg(getattr(photo, field), shared=shared)
