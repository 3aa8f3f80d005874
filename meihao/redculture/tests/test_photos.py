"""A red-culture site's photos: those who keep the map (the officials over the district) add and
remove them on the site's page; the public page (what the QR code opens) shows the thumbnails,
captions escaped as alt text, and serves the EXIF-free copy to anyone; a bad file or a seventh
changes nothing; anyone else gets a 404, an unpublished site's photos too."""

import pytest
from django.urls import reverse

from meihao.cases.tests.reporter_helpers import exif_of, has_gps, jpeg_bytes, upload
from meihao.core.models import AuditEvent
from meihao.core.photos import MAX_PHOTOS
from meihao.redculture import photos, services
from meihao.redculture.models import SitePhoto

pytestmark = pytest.mark.django_db
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def _add(client, site, *files, caption=""):
    return client.post(
        reverse("redculture:photo_add", args=[site.code]),
        {"photos": list(files), "caption": caption},
    )


def test_the_keeper_uploads_and_the_public_page_shows_it(client, personas, red_map, media):
    site = red_map.memorial
    page = reverse("redculture:site", args=[site.code])
    assert "暂无照片" in client.get(page).content.decode()
    client.force_login(red_map.admin)
    html = client.get(page).content.decode()
    assert 'name="photos"' in html and 'enctype="multipart/form-data"' in html
    response = _add(client, site, upload(data=jpeg_bytes(gps=True)), caption=XSS)
    assert response.status_code == 302 and response["Location"] == page
    photo = SitePhoto.objects.get(site=site)
    assert photo.uploaded_by == red_map.admin
    assert AuditEvent.objects.filter(action="redculture.photos_add").count() == 1
    for stored in (photo.image, photo.thumbnail):
        data = stored.open("rb").read()
        assert exif_of(data) == {} and not has_gps(data)
    client.logout()
    html = client.get(page).content.decode()
    assert XSS not in html and 'alt="&lt;img src=x onerror=alert(1)&gt;"' in html
    assert f'href="{photo.photo_url}"' in html and f'src="{photo.thumb_url}"' in html
    assert "暂无照片" not in html and 'name="photos"' not in html
    assert photo.remove_url not in html
    served = client.get(photo.photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    body = b"".join(served.streaming_content)
    assert exif_of(body) == {} and not has_gps(body)
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_bad_file_or_a_seventh_is_refused_and_nothing_changes(client, red_map, media):
    site = red_map.mural
    client.force_login(red_map.admin)
    bad = _add(client, site, upload(name="plaque.png", data=b"\x89PNG\r\n\x1a\n broken"))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "plaque.png" in html and 'id="site-photos"' in html and 'role="alert"' in html
    assert not SitePhoto.objects.exists() and _files(media) == []
    photos.site_photos_add(
        actor=red_map.admin, site=site, files=[upload(size=(40, 30)) for _ in range(MAX_PHOTOS)]
    )
    stored = len(_files(media))
    seventh = _add(client, site, upload(size=(40, 30)))
    assert seventh.status_code == 400 and "最多 6 张照片" in seventh.content.decode()
    assert site.photos.count() == MAX_PHOTOS and len(_files(media)) == stored


def test_nobody_else_adds_or_removes(client, personas, red_map, django_capture_on_commit_callbacks):
    site = red_map.memorial
    photo = photos.site_photos_add(actor=red_map.admin, site=site, files=[upload()])[0]
    # The street's chief covers the site's street, not the district: not a keeper of the map.
    for outsider in (personas.street_chief_a, personas.community_staff_a, personas.resident_a):
        client.force_login(outsider)
        assert _add(client, site, upload()).status_code == 404
        assert client.post(photo.remove_url).status_code == 404
        assert (
            'name="photos"'
            not in client.get(reverse("redculture:site", args=[site.code])).content.decode()
        )
    client.logout()
    assert _add(client, site, upload()).status_code == 302  # to the log-in page
    assert client.post(photo.remove_url).status_code == 302
    assert client.get(photo.remove_url).status_code == 302
    assert SitePhoto.objects.count() == 1
    client.force_login(red_map.admin)
    assert client.get(photo.remove_url).status_code == 405
    assert _add(client, red_map.draft, upload()).status_code == 404  # no page, no photos
    page = reverse("redculture:site", args=[site.code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(photo.remove_url, {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert not SitePhoto.objects.exists()


def test_an_unpublished_sites_photos_are_not_served(client, red_map):
    site = red_map.board
    photo = photos.site_photos_add(actor=red_map.admin, site=site, files=[upload()])[0]
    assert client.get(photo.thumb_url).status_code == 200
    services.set_published(actor=red_map.admin, record=red_map.route, published=False)
    services.set_published(actor=red_map.admin, record=site, published=False)
    assert client.get(photo.thumb_url).status_code == 404
    assert client.get(reverse("redculture:photo", args=[photo.pk, "exif"])).status_code == 404
