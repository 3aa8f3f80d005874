"""Documents a person hands in (an application's materials): a photo of a paper, or a PDF.

Photos go through core.images (checked, re-encoded as JPEG, upright). A PDF is kept as sent,
but only when it is one: it starts with the PDF header, ends with its end-of-file marker, and
is not larger than core.images' limit. Anything else is refused with the file's name.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed
from meihao.core.images import MAX_BYTES, encode_photo

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    extension: str


def _refused(name: str, field: str) -> ValidationFailed:
    return ValidationFailed(
        _("“%(name)s” is neither a photo nor a PDF we can read. Use a JPEG, PNG or PDF file.")
        % {"name": name},
        code="invalid_document",
        field=field,
    )


def encode_document(upload, *, field: str = "files") -> Document:
    name = getattr(upload, "name", "") or _("file")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            _("“%(name)s” is larger than 8 MB.") % {"name": name},
            code="document_too_large",
            field=field,
        )
    if data.startswith(PDF_HEADER):
        # Trailing whitespace after the marker is common; anything longer is not a whole PDF.
        if PDF_END not in data[-1024:]:
            raise _refused(name, field)
        return Document(content=data, content_type="application/pdf", extension="pdf")
    upload.seek(0)
    try:
        photo = encode_photo(upload)
    except ValidationFailed as refusal:
        if refusal.code == "image_too_large":
            raise ValidationFailed(
                refusal.message, code="document_too_large", field=field
            ) from None
        raise _refused(name, field) from None
    return Document(content=photo.full, content_type="image/jpeg", extension="jpg")
