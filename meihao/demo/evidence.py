"""Evidence files of the demo's staff-entered service records, kept tiny and few.

A staff entry needs a photo as evidence (activities.records). The demo has no photos of paper
sheets, so, like a dual-registration confirmation (dual.services), the evidence is the
sheet's description written into a QR code, readable by any phone; it goes through the case
photos' encoder like any upload, so it is a JPEG as the evidence page serves it.

One file per community and kind of sheet (its scanned register), shared by the records it
evidences, as one sheet evidences everyone on it: making a QR code takes about 10 ms, and a
file per record would cost seconds at scale 1. A file already stored under the same name is
reused: seeding again writes nothing.
"""

import io

import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from meihao.core.images import encode_photo

FOLDER = "service-evidence/demo"


def evidence_file(name: str, lines: list[str]) -> str:
    """Store the QR code of `lines` as `name` (under MEDIA_ROOT's demo evidence folder)
    unless it is there; return the stored name for the records' `evidence` field."""
    name = f"{FOLDER}/{name}"
    if default_storage.exists(name):
        return name
    image = io.BytesIO()
    segno.make("\n".join(lines), error="m", micro=False).save(image, kind="png", scale=3, border=4)
    photo = encode_photo(ContentFile(image.getvalue(), name="sheet.png")).full
    return default_storage.save(name, ContentFile(photo))
