"""Image uploads: validate, re-encode, strip EXIF (the house rule for every upload).

House rule (docs/architecture.md, "Uploads"): images only, size-limited, re-encoded, EXIF (GPS)
stripped from public copies. Every upload is opened and verified by Pillow (the file name and
the browser's content type are ignored), decoded with a pixel limit against decompression
bombs, rotated upright, and written again as three JPEGs:

  full          long side <= 1600 px, EXIF kept (photo time and GPS are evidence for staff;
                an anonymous reporter's keeps only those)
  public        the same pixels, no EXIF: what a public page serves
  thumbnail     long side <= 320 px, no EXIF

`encode_photos` checks all files of one upload before the caller writes anything, so a bad file
changes nothing.
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from meihao.core.errors import ValidationFailed

MAX_BYTES = 8 * 1024 * 1024
MAX_FILES = 4
FULL_SIDE = 1600
THUMB_SIDE = 320
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# 40 megapixels: any phone camera, far below what would exhaust the server's memory.
MAX_PIXELS = 40_000_000
EXIF_ORIENTATION = 0x0112
# What an anonymous reporter's photo keeps as evidence: when (DateTime; DateTimeOriginal and its
# offset in the Exif IFD) and where (the GPS IFD). Everything else — camera make, model and
# serial number, owner and artist names, software, maker notes — could name the sender.
EXIF_DATETIME = 0x0132
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
EVIDENCE_EXIF_TAGS = frozenset({0x9003, 0x9011})  # DateTimeOriginal, OffsetTimeOriginal


@dataclass(frozen=True)
class EncodedPhoto:
    full: bytes
    public: bytes
    thumbnail: bytes
    width: int
    height: int


def _invalid(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("“%(name)s” is not a photo we can read. Use a JPEG, PNG or WebP image.") % {"name": name},
        code="invalid_image",
        field="photos",
    )


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif else {}
    image.save(out, "JPEG", quality=85, optimize=True, **kwargs)
    return out.getvalue()


def _evidence_only(exif: Image.Exif) -> Image.Exif:
    """The photo's time and place, nothing that could say whose camera took it."""
    kept = Image.Exif()
    if EXIF_DATETIME in exif:
        kept[EXIF_DATETIME] = exif[EXIF_DATETIME]
    times = {
        tag: value for tag, value in exif.get_ifd(EXIF_IFD).items() if tag in EVIDENCE_EXIF_TAGS
    }
    if times:
        kept.get_ifd(EXIF_IFD).update(times)
    gps = exif.get_ifd(GPS_IFD)
    if gps:
        kept.get_ifd(GPS_IFD).update(gps)
    return kept


def encode_photo(upload, *, anonymous: bool = False) -> EncodedPhoto:
    """Check one uploaded file and return its three JPEG copies, or raise ValidationFailed.

    `anonymous`: the photo of someone who reported without an account (a hotline caller); its
    full copy keeps only the time and place (`EVIDENCE_EXIF_TAGS`, GPS), so nothing names them.
    """
    name = getattr(upload, "name", "") or _("photo")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationFailed(
            _("“%(name)s” is larger than 8 MB.") % {"name": name},
            code="image_too_large",
            field="photos",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            _("“%(name)s” is larger than 8 MB.") % {"name": name},
            code="image_too_large",
            field="photos",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise _invalid(name)
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(
                    _("“%(name)s” has too many pixels.") % {"name": name},
                    code="image_too_large",
                    field="photos",
                )
            probe.verify()  # structure and checksums; the image must be reopened after this
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            exif = upright.getexif()
            # The pixels are now upright; an orientation tag left in would rotate them again.
            exif.pop(EXIF_ORIENTATION, None)
            if anonymous:
                exif = _evidence_only(exif)
            exif_bytes = exif.tobytes() if len(exif) else None
            full = _rgb(upright)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise _invalid(name) from None
    full.thumbnail((FULL_SIDE, FULL_SIDE), Image.Resampling.LANCZOS)
    thumb = full.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return EncodedPhoto(
        full=_jpeg(full, exif_bytes),
        public=_jpeg(full),
        thumbnail=_jpeg(thumb),
        width=full.width,
        height=full.height,
    )


def encode_photos(files, *, anonymous: bool = False) -> list[EncodedPhoto]:
    """Check a whole upload (at most four files) before anything is stored (`anonymous`: see
    `encode_photo`)."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            _("Attach at most %(count)s photos.") % {"count": MAX_FILES},
            code="too_many_photos",
            field="photos",
        )
    return [encode_photo(f, anonymous=anonymous) for f in files]
