"""Case photos: validation, re-encoding, EXIF/GPS stripping, storage, access."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from meihao.cases.models import Case, CasePhoto, CaseType, PhotoStage
from meihao.cases.photos import case_photos_attach
from meihao.cases.tests.reporter_helpers import GPS_IFD, exif_of, has_gps, jpeg_bytes, upload
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


# --- Anonymous reports (a 12345 hotline call): photos without naming the caller.


def caller_photo(name="caller.jpg"):
    """A phone photo whose EXIF says whose phone took it, as well as when and where."""
    image = Image.new("RGB", (800, 600), "blue")
    exif = Image.Exif()
    exif[0x0132] = "2024:05:20 09:00:00"  # DateTime
    exif[0x010F] = "Huawei"  # Make
    exif[0x0110] = "Mate 60"  # Model
    exif[0x013B] = "王小明"  # Artist
    exif.get_ifd(0x8769).update(
        {0x9003: "2024:05:20 08:59:00", 0xA430: "王小明", 0xA431: "SN-13912345678"}
    )
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (23.0, 24.0, 36.0), 3: "E", 4: (111.0, 12.0, 18.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return upload(name=name, data=out.getvalue())


def full_exif(photo) -> dict:
    with photo.image.open("rb") as file, Image.open(file) as image:
        exif = image.getexif()
        return {
            "main": dict(exif),
            "exif": dict(exif.get_ifd(0x8769)),
            "gps": dict(exif.get_ifd(GPS_IFD)),
        }


def assert_names_nobody(photo) -> None:
    """The full copy keeps the time and place as evidence, nothing that names the caller."""
    exif = full_exif(photo)
    assert exif["main"] == {
        0x0132: "2024:05:20 09:00:00",
        0x8769: exif["main"][0x8769],
        GPS_IFD: exif["main"][GPS_IFD],
    }
    assert exif["exif"] == {0x9003: "2024:05:20 08:59:00"}
    assert exif["gps"][1] == "N" and exif["gps"][3] == "E"
    with photo.image.open("rb") as file:
        raw = file.read()
    for word in (b"Huawei", "王小明".encode(), b"SN-13912345678"):
        assert word not in raw


@pytest.fixture
def hotline_case(new_case):
    """A hotline caller's report, passed on with a name and number and no account."""

    def make(**overrides):
        fields = {"actor": None, "channel": Case.Channel.HOTLINE, "reporter_phone": "13912345678"}
        return new_case(**{**fields, **overrides})

    return make


def test_a_hotline_report_is_filed_with_its_photos_naming_nobody(hotline_case, media):
    case = hotline_case(photos=[caller_photo(), caller_photo("b.jpg")])
    photos = list(case.photos.order_by("id"))
    assert [p.stage for p in photos] == [PhotoStage.REPORT] * 2
    assert {p.event_id for p in photos} == {case.events.get(action="submit").pk}
    assert case.submitted_by is None and {p.uploaded_by for p in photos} == {None}
    for photo in photos:
        assert_names_nobody(photo)


def test_staff_dispatching_a_hotline_report_add_the_callers_photos_later(
    hotline_case, personas, media
):
    from django.contrib.auth.models import AnonymousUser

    case = hotline_case()
    refused = [
        None,
        AnonymousUser(),
        personas.resident_a,  # lives in the grid, did not file it
        personas.grid_worker_b,  # another grid
        personas.department_staff,  # not dispatched to them; handlers add report-back photos
    ]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            case_photos_attach(case=case, actor=actor, files=[caller_photo()], stage="report")
    assert CasePhoto.objects.count() == 0
    for staff in (personas.community_staff_a, personas.street_chief_a, personas.district_admin):
        (photo,) = case_photos_attach(
            case=case, actor=staff, files=[caller_photo()], stage=PhotoStage.REPORT
        )
        assert photo.uploaded_by == staff  # who entered it, never the caller
        assert_names_nobody(photo)
    assert Case.objects.get(pk=case.pk).submitted_by is None


def test_a_signed_in_reporters_report_takes_photos_from_them_only(new_case, personas, media):
    case = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    with pytest.raises(PermissionDenied):
        case_photos_attach(
            case=case, actor=personas.street_chief_a, files=[upload()], stage=PhotoStage.REPORT
        )
    (photo,) = case_photos_attach(
        case=case, actor=personas.resident_a, files=[caller_photo()], stage=PhotoStage.REPORT
    )
    # Their own photo keeps its EXIF, as every signed-in report's does.
    assert full_exif(photo)["main"][0x010F] == "Huawei"


def test_the_handler_of_a_hotline_report_reports_back_with_photos(hotline_case, personas, media):
    from meihao.cases import services

    case = services.case_dispatch(
        case=hotline_case(), actor=personas.street_chief_a, organisation=personas.department
    )
    case = services.case_start(case=case, actor=personas.department_staff)
    case = services.case_report_back_with_photos(
        case=case, actor=personas.department_staff, note="已清理", files=[upload()]
    )
    (photo,) = case.photos.all()
    assert (photo.stage, photo.uploaded_by) == (PhotoStage.REPORT_BACK, personas.department_staff)
