"""Case photos: validation, re-encoding, EXIF/GPS stripping, storage, access."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from meihao.cases.models import Case, CasePhoto, CaseType, PhotoStage
from meihao.cases.photos import case_photos_attach
from meihao.cases.tests.reporter_helpers import exif_of, has_gps, jpeg_bytes, upload
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.images import MAX_BYTES, encode_photo


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_photo_with_gps_exif_loses_it_in_the_public_copy_and_thumbnail():
    original = jpeg_bytes(gps=True)
    assert has_gps(original)
    encoded = encode_photo(upload(data=original))
    assert not has_gps(encoded.public)
    assert not has_gps(encoded.thumbnail)
    assert exif_of(encoded.public) == {}
    assert exif_of(encoded.thumbnail) == {}
    # The staff copy keeps the camera's evidence.
    assert has_gps(encoded.full)


def test_photo_is_re_encoded_as_jpeg_within_1600_and_thumbnail_within_320():
    encoded = encode_photo(upload(size=(4000, 3000)))
    assert max(_size(encoded.full)) == 1600
    assert max(_size(encoded.thumbnail)) == 320
    for data in (encoded.full, encoded.public, encoded.thumbnail):
        assert Image.open(io.BytesIO(data)).format == "JPEG"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_become_jpeg(fmt):
    encoded = encode_photo(upload(name="x.img", data=jpeg_bytes(size=(300, 200), fmt=fmt)))
    assert Image.open(io.BytesIO(encoded.public)).format == "JPEG"
    assert (encoded.width, encoded.height) == (300, 200)


def test_orientation_tag_is_applied_to_the_pixels():
    image = Image.new("RGB", (400, 200), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    encoded = encode_photo(upload(data=out.getvalue()))
    assert _size(encoded.full) == (200, 400)
    assert 0x0112 not in exif_of(encoded.full)


@pytest.mark.parametrize(
    "data",
    [b"not an image at all", b"GIF89a" + b"\0" * 100, jpeg_bytes(size=(50, 50))[:200]],
    ids=["text", "gif-header", "truncated-jpeg"],
)
def test_files_that_are_not_valid_photos_are_refused(data):
    with pytest.raises(ValidationFailed) as exc:
        encode_photo(upload(name="evil.jpg", data=data))
    assert exc.value.field == "photos"


def test_gif_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationFailed):
        encode_photo(upload(name="a.gif", data=out.getvalue()))


def test_file_over_8_mb_is_refused():
    big = upload(data=b"\xff\xd8" + b"0" * MAX_BYTES)
    with pytest.raises(ValidationFailed) as exc:
        encode_photo(big)
    assert exc.value.code == "image_too_large"


def test_submit_stores_photos_under_media_cases_year_month(new_case, media):
    case = new_case(photos=[upload(), upload(name="b.png", data=jpeg_bytes(fmt="PNG"))])
    photos = list(case.photos.order_by("id"))
    assert len(photos) == 2
    prefix = timezone.now().strftime("cases/%Y/%m/")
    submit_event = case.events.get(action="submit")
    for photo in photos:
        assert photo.stage == PhotoStage.REPORT
        assert photo.event_id == submit_event.pk
        assert photo.uploaded_by == case.submitted_by
        for field in (photo.image, photo.public_image, photo.thumbnail):
            assert field.name.startswith(prefix)
            assert (Path(media) / field.name).exists()
        assert not has_gps((Path(media) / photo.public_image.name).read_bytes())


def test_submit_with_five_photos_files_nothing(new_case, media):
    with pytest.raises(ValidationFailed) as exc:
        new_case(photos=[upload() for _ in range(5)])
    assert exc.value.code == "too_many_photos"
    assert Case.objects.count() == 0
    assert not list(Path(media).rglob("*.jpg"))


def test_submit_with_one_bad_photo_files_nothing(new_case, media):
    with pytest.raises(ValidationFailed):
        new_case(photos=[upload(), upload(name="x.jpg", data=b"nope")])
    assert Case.objects.count() == 0
    assert CasePhoto.objects.count() == 0
    assert not list(Path(media).rglob("*.jpg"))


def test_attach_report_photo_by_someone_else_is_refused(new_case, personas):
    case = new_case()
    with pytest.raises(PermissionDenied):
        case_photos_attach(
            case=case, actor=personas.resident_b, files=[upload()], stage=PhotoStage.REPORT
        )
    assert CasePhoto.objects.count() == 0


def test_attach_report_back_photo_by_handler(new_case, personas):
    from meihao.cases import services

    case = new_case()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    with pytest.raises(PermissionDenied):
        case_photos_attach(
            case=case, actor=personas.grid_worker_a, files=[upload()], stage="report_back"
        )
    photos = case_photos_attach(
        case=case, actor=personas.department_staff, files=[upload()], stage="report_back"
    )
    assert [p.stage for p in photos] == ["report_back"]


# --- Serving photos: the full copy only to people who may see the case.

FULL_MATRIX = {
    "grid_worker_a": 200,
    "grid_worker_b": 404,
    "community_staff_a": 200,
    "street_chief_a": 200,
    "department_staff": 404,
    "district_admin": 200,
    "resident_a": 200,  # the reporter
    "resident_b": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), FULL_MATRIX.items())
def test_full_photo_is_served_only_to_people_who_see_the_case(
    client, new_case, personas, persona, expected
):
    case = new_case(actor=personas.resident_a, photos=[upload()], channel=Case.Channel.RESIDENT)
    photo = case.photos.get()
    client.force_login(getattr(personas, persona))
    response = client.get(f"/cases/photos/{photo.pk}/full.jpg")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert has_gps(b"".join(response.streaming_content))


def test_anonymous_gets_public_copy_of_a_published_photo_but_never_the_full_copy(
    client, new_case, personas
):
    from meihao.cases import services

    case = new_case(photos=[upload()])
    photo = case.photos.get()
    # Not reviewed: nothing of it is served to the public.
    for variant in ("full", "public", "thumb"):
        assert client.get(f"/cases/photos/{photo.pk}/{variant}.jpg").status_code == 404
    services.case_accept(case=case, actor=personas.street_chief_a)
    # The case is published, the photo not yet.
    assert client.get(f"/cases/photos/{photo.pk}/public.jpg").status_code == 404
    services.case_photo_set_public(
        case=case, photo=photo, actor=personas.street_chief_a, public=True
    )
    assert client.get(f"/cases/photos/{photo.pk}/full.jpg").status_code == 404
    response = client.get(f"/cases/photos/{photo.pk}/public.jpg")
    assert response.status_code == 200
    assert not has_gps(b"".join(response.streaming_content))
    assert client.get(f"/cases/photos/{photo.pk}/thumb.jpg").status_code == 200
    assert client.get(f"/cases/photos/{photo.pk}/other.jpg").status_code == 404


def test_photos_of_private_case_are_404_for_outsiders(client, new_case, grid_type, personas):
    CaseType.objects.filter(pk=grid_type.pk).update(visibility=CaseType.Visibility.PRIVATE)
    case = new_case(photos=[upload()])
    photo = case.photos.get()
    for variant in ("full", "public", "thumb"):
        assert client.get(f"/cases/photos/{photo.pk}/{variant}.jpg").status_code == 404
    client.force_login(personas.resident_b)
    assert client.get(f"/cases/photos/{photo.pk}/public.jpg").status_code == 404
    client.force_login(personas.grid_worker_a)
    assert client.get(f"/cases/photos/{photo.pk}/public.jpg").status_code == 200
