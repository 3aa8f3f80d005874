"""A venue's photos: the officials covering it upload and remove them on its page (re-encoded,
no EXIF in what is served), at most six; a bad file or a seventh changes nothing; anyone else
gets a 404; the page shows the thumbnails with the captions escaped as alt text."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from meihao.cases.tests.reporter_helpers import exif_of, has_gps, jpeg_bytes, upload
from meihao.core.models import AuditEvent
from meihao.core.photos import MAX_PHOTOS
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.venues import services
from meihao.venues.models import VenuePhoto

pytestmark = pytest.mark.django_db
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def _add(client, venue, *files, caption=""):
    return client.post(
        reverse("venues:photo_add", args=[venue.pk]),
        {"photos": list(files), "caption": caption},
    )


def test_the_venues_official_uploads_a_photo_stored_without_exif(client, hall, personas, media):
    client.force_login(personas.community_staff_a)
    original = jpeg_bytes(size=(2400, 1200), gps=True)
    assert has_gps(original)
    response = _add(client, hall.venue, upload(data=original), caption="活动室全景")
    assert response.status_code == 302
    assert response["Location"] == reverse("venues:detail", args=[hall.venue.pk])
    photo = VenuePhoto.objects.get(venue=hall.venue)
    assert (photo.caption, photo.uploaded_by, photo.order) == (
        "活动室全景",
        personas.community_staff_a,
        0,
    )
    for stored in (photo.image, photo.thumbnail):
        data = stored.open("rb").read()
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
        assert exif_of(data) == {} and not has_gps(data)
    assert max(photo.width, photo.height) == 1600
    assert AuditEvent.objects.filter(action="venues.photos_add").count() == 1
    # What the page links to is that copy, for everyone logged in.
    client.force_login(personas.resident_a)
    served = client.get(reverse("venues:photo", args=[photo.pk, "photo"]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    body = b"".join(served.streaming_content)
    assert exif_of(body) == {} and body == photo.image.open("rb").read()
    assert client.get(reverse("venues:photo", args=[photo.pk, "full"])).status_code == 404
    client.logout()
    assert client.get(reverse("venues:photo", args=[photo.pk, "thumb"])).status_code == 302


def test_the_page_shows_thumbnails_with_the_caption_escaped(client, hall, personas):
    client.force_login(personas.resident_a)
    html = client.get(reverse("venues:detail", args=[hall.venue.pk])).content.decode()
    assert "暂无照片" in html and 'type="file"' not in html  # empty; no form for a resident
    photo = services.venue_photos_add(
        actor=personas.community_staff_a, venue=hall.venue, files=[upload()], caption=XSS
    )[0]
    html = client.get(reverse("venues:detail", args=[hall.venue.pk])).content.decode()
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert f'href="{reverse("venues:photo", args=[photo.pk, "photo"])}"' in html
    assert f'src="{reverse("venues:photo", args=[photo.pk, "thumb"])}"' in html
    assert "暂无照片" not in html and photo.remove_url not in html
    client.force_login(personas.street_chief_a)  # the street covers the venue's community
    html = client.get(reverse("venues:detail", args=[hall.venue.pk])).content.decode()
    assert photo.remove_url in html and 'name="photos"' in html


def test_a_file_that_is_not_an_image_is_refused_and_nothing_stored(client, hall, personas, media):
    client.force_login(personas.community_staff_a)
    bad = upload(name="notes.jpg", data=b"this is not a photo", content_type="image/jpeg")
    response = _add(client, hall.venue, upload(), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "“notes.jpg”不是可以读取的照片" in html or "notes.jpg" in html
    assert "JPEG" in html
    assert not VenuePhoto.objects.exists() and _stored(media) == []
    assert not AuditEvent.objects.filter(action="venues.photos_add").exists()
    nothing = _add(client, hall.venue)
    assert nothing.status_code == 400 and "请选择要上传的照片" in nothing.content.decode()


def test_a_seventh_photo_is_refused(client, hall, personas, media):
    services.venue_photos_add(
        actor=personas.community_staff_a,
        venue=hall.venue,
        files=[upload(size=(40, 30)) for _ in range(MAX_PHOTOS - 1)],
    )
    client.force_login(personas.community_staff_a)
    two = _add(client, hall.venue, upload(size=(40, 30)), upload(size=(40, 30)))
    assert two.status_code == 400 and "最多 6 张照片" in two.content.decode()
    assert VenuePhoto.objects.count() == MAX_PHOTOS - 1
    assert _add(client, hall.venue, upload(size=(40, 30))).status_code == 302
    files = len(_stored(media))
    seventh = _add(client, hall.venue, upload(size=(40, 30)))
    assert seventh.status_code == 400 and "已有 6 张" in seventh.content.decode()
    assert VenuePhoto.objects.count() == MAX_PHOTOS and len(_stored(media)) == files
    assert list(hall.venue.photos.values_list("order", flat=True)) == list(range(MAX_PHOTOS))


def test_nobody_else_uploads_or_removes(client, hall, personas, django_capture_on_commit_callbacks):
    photo = services.venue_photos_add(
        actor=personas.community_staff_a, venue=hall.venue, files=[upload()]
    )[0]
    tree = personas.tree
    elsewhere = make_user(
        "13800000096",
        "河东社区干部",
        home=tree.community_b,
        roles=[(Role.COMMUNITY_STAFF, tree.community_b)],
    )
    for outsider in (elsewhere, personas.resident_a, hall.leader):
        client.force_login(outsider)
        assert _add(client, hall.venue, upload()).status_code == 404
        assert client.post(photo.remove_url).status_code == 404
    assert VenuePhoto.objects.count() == 1
    client.force_login(personas.community_staff_a)
    assert client.get(photo.remove_url).status_code == 405  # POST only
    hall.venue.bookable = False
    hall.venue.save()
    assert _add(client, hall.venue, upload()).status_code == 404
    assert client.get(reverse("venues:photo", args=[photo.pk, "thumb"])).status_code == 404
    hall.venue.bookable = True
    hall.venue.save()
    names = [photo.image.name, photo.thumbnail.name]
    page = reverse("venues:detail", args=[hall.venue.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(photo.remove_url, {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert not VenuePhoto.objects.exists()
    assert not any(photo.image.storage.exists(name) for name in names)
    assert AuditEvent.objects.filter(action="venues.photo_remove").count() == 1
