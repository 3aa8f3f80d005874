"""Helpers shared by the reporter-side tests: generated photos and a case walked to closure."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def jpeg_bytes(size=(2400, 1200), colour="red", gps=True, fmt="JPEG") -> bytes:
    image = Image.new("RGB" if fmt != "PNG" else "RGBA", size, colour)
    exif = Image.Exif()
    exif[0x0132] = "2024:05:20 09:00:00"  # DateTime
    if gps:
        exif.get_ifd(GPS_IFD).update(
            {1: "N", 2: (23.0, 24.0, 36.0), 3: "E", 4: (111.0, 12.0, 18.0)}
        )
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes()) if fmt != "PNG" else image.save(out, fmt)
    return out.getvalue()


def upload(name="photo.jpg", data=None, content_type="image/jpeg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data if data is not None else jpeg_bytes(**kwargs), content_type
    )


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif())


def close_case(case, personas):
    """Accept, dispatch, start, report back and verify: the case ends closed."""
    from meihao.cases import services

    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    services.case_start(case=case, actor=personas.department_staff)
    services.case_report_back(case=case, actor=personas.department_staff, note="已清理")
    services.case_verify_close(case=case, actor=personas.grid_worker_a)
    return case
