"""The photo kit (`core.photos`), through a venue's photos: every file checked before anything is
written, the EXIF-free copies alone stored, captions and the limit checked, six at most even
when uploads race, files gone with the removal, POST with CSRF only."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from meihao.cases.tests.reporter_helpers import exif_of, has_gps, jpeg_bytes, upload
from meihao.core import images
from meihao.core.errors import ValidationFailed
from meihao.core.photos import MAX_PHOTOS, Gallery, photo_remove, photos_add
from meihao.core.testing import race
from meihao.places.models import Venue
from meihao.venues.models import VenuePhoto


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def venue(personas):
    community = personas.tree.community_a
    return Venue.objects.create(
        name="骑楼社区文体活动室",
        kind=Venue.Kind.ACTIVITY_ROOM,
        place=community,
        place_path=community.path,
        bookable=True,
        opens_at=datetime.time(8, 0),
        closes_at=datetime.time(21, 30),
    )


def _add(actor, venue, *files, caption=""):
    return photos_add(actor=actor, owner=venue, files=files, caption=caption, action="test.add")


def _files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_only_the_exif_free_copies_are_stored(personas, venue, media):
    photo = _add(personas.community_staff_a, venue, upload(data=jpeg_bytes(gps=True)))[0]
    assert len(_files(media)) == 2  # the public copy and the thumbnail, no copy with EXIF
    assert photo.image.name.startswith("photos/venues/") and photo.image.name.endswith(".jpg")
    for field in (photo.image, photo.thumbnail):
        data = field.open("rb").read()
        assert exif_of(data) == {} and not has_gps(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "caption", "code"),
    [
        ([], "", "required"),
        ([b"GIF89a" + b"\0" * 50], "", "invalid_image"),
        ([None, b"%PDF-1.4 not a photo"], "", "invalid_image"),
        ([None], "说" * 101, "max_length"),
        ([None] * (MAX_PHOTOS + 1), "", "too_many_photos"),
    ],
    ids=["no-file", "gif", "pdf-beside-a-photo", "long-caption", "seven-at-once"],
)
def test_a_refused_upload_writes_nothing(personas, venue, media, files, caption, code):
    uploads = [upload(data=data) if data else upload(size=(40, 30)) for data in files]
    with pytest.raises(ValidationFailed) as refused:
        _add(personas.community_staff_a, venue, *uploads, caption=caption)
    assert refused.value.code == code
    assert refused.value.field in ("photos", "caption")
    assert not VenuePhoto.objects.exists() and _files(media) == []


@pytest.mark.django_db
def test_an_over_size_file_is_refused(personas, venue, media, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 1024)
    with pytest.raises(ValidationFailed) as refused:
        _add(personas.community_staff_a, venue, upload(data=jpeg_bytes(size=(800, 600))))
    assert refused.value.code == "image_too_large" and "8 MB" in str(refused.value.message)
    assert not VenuePhoto.objects.exists() and _files(media) == []


@pytest.mark.django_db
def test_photos_keep_their_order_and_removal_deletes_the_files(
    personas, venue, media, django_capture_on_commit_callbacks
):
    first, second = _add(personas.community_staff_a, venue, upload(), upload(), caption="正门")
    (third,) = _add(personas.community_staff_a, venue, upload())
    assert [p.order for p in (first, second, third)] == [0, 1, 2]
    assert Gallery(photos=[first, second]).full is False
    assert Gallery(photos=[first] * MAX_PHOTOS).full is True
    with django_capture_on_commit_callbacks(execute=True):
        photo_remove(actor=personas.community_staff_a, photo=first, owner=venue, action="t.rm")
    assert len(_files(media)) == 4
    assert list(venue.photos.all()) == [second, third]


@pytest.mark.django_db
def test_uploads_are_posts_with_csrf(personas, venue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.community_staff_a)
    url = reverse("venues:photo_add", args=[venue.pk])
    assert client.post(url, {"photos": [upload()]}).status_code == 403
    assert client.get(url).status_code == 405
    assert not VenuePhoto.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_racing_uploads_never_pass_the_limit(personas, venue):
    _add(personas.community_staff_a, venue, *[upload(size=(40, 30)) for _ in range(4)])

    def attempt(n):
        _add(personas.community_staff_a, venue, upload(size=(40, 30)))

    won, refused, errors = race(4, attempt)
    assert errors == []
    assert len(won) == 2 and refused == ["too_many_photos"] * 2
    assert VenuePhoto.objects.count() == MAX_PHOTOS
