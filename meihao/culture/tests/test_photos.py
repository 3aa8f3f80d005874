"""A showcase's photos: the officials of its place add them when publishing it or on it, remove
them; the public page shows the thumbnails (captions escaped as alt text) and serves the
EXIF-free copy to anyone; a bad file or a seventh changes nothing; anyone else gets a 404."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meihao.activities.models import Activity
from meihao.cases.tests.reporter_helpers import exif_of, has_gps, jpeg_bytes, upload
from meihao.core.models import AuditEvent
from meihao.core.photos import MAX_PHOTOS
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.culture import services
from meihao.culture.models import Showcase, ShowcasePhoto

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def _held(personas, title="骑楼读书会"):
    starts = datetime.datetime(2026, 8, 20, 19, 0, tzinfo=ZONE)
    community = personas.tree.community_a
    return Activity.objects.create(
        kind="cultural_event",
        title=title,
        place=community,
        place_path=community.path,
        venue="骑楼书屋",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=50,
        status=Activity.Status.FINISHED,
        created_by=personas.community_staff_a,
    )


@pytest.fixture
def showcase(personas):
    return services.showcase_create(
        actor=personas.community_staff_a,
        category="reading",
        title="骑楼读书会",
        write_up="每月一次。",
        activity=_held(personas, "每月读书会"),
    )


def _add(client, showcase, *files, caption=""):
    return client.post(
        reverse("culture:showcase_photo_add", args=[showcase.pk]),
        {"photos": list(files), "caption": caption},
    )


def test_published_with_a_photo_shown_to_everyone_without_exif(client, personas, media):
    client.force_login(personas.community_staff_a)
    held = _held(personas)
    response = client.post(
        reverse("culture:showcase_create"),
        {
            "activity": held.pk,
            "category": "reading",
            "title": "骑楼读书会",
            "write_up": "每月一次。",
            "photos": [upload(data=jpeg_bytes(gps=True))],
            "caption": XSS,
        },
    )
    assert response.status_code == 302
    photo = ShowcasePhoto.objects.get()
    assert photo.showcase.activity == held and photo.caption == XSS
    assert AuditEvent.objects.filter(action="culture.showcase_photos_add").count() == 1
    client.logout()
    html = client.get(reverse("culture:showcases")).content.decode()
    assert XSS not in html and 'alt="&lt;img src=x onerror=alert(1)&gt;"' in html
    assert f'href="{photo.photo_url}"' in html and f'src="{photo.thumb_url}"' in html
    assert 'name="photos"' not in html and photo.remove_url not in html
    for variant in ("photo", "thumb"):
        served = client.get(reverse("culture:photo", args=[photo.pk, variant]))
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert served["Cache-Control"] == "max-age=300"
        body = b"".join(served.streaming_content)
        assert exif_of(body) == {} and not has_gps(body)
    assert client.get(reverse("culture:photo", args=[photo.pk, "full"])).status_code == 404


def test_a_refused_photo_refuses_the_showcase(client, personas, media):
    client.force_login(personas.community_staff_a)
    held = _held(personas)
    response = client.post(
        reverse("culture:showcase_create"),
        {
            "activity": held.pk,
            "category": "reading",
            "title": "骑楼读书会",
            "write_up": "每月一次。",
            "photos": [upload(), upload(name="x.jpg", data=b"<?php system($_GET['c']); ?>")],
        },
    )
    assert response.status_code == 400 and "x.jpg" in response.content.decode()
    assert not Showcase.objects.exists() and not ShowcasePhoto.objects.exists()
    assert _files(media) == []


def test_the_officials_add_and_remove_photos_on_the_showcase(
    client, personas, showcase, media, django_capture_on_commit_callbacks
):
    client.logout()
    assert "暂无照片" in client.get(reverse("culture:showcases")).content.decode()
    client.force_login(personas.street_chief_a)
    html = client.get(reverse("culture:showcases")).content.decode()
    assert reverse("culture:showcase_photo_add", args=[showcase.pk]) in html
    for n in range(MAX_PHOTOS):
        assert _add(client, showcase, upload(size=(40, 30)), caption=f"第{n}张").status_code == 302
    stored = len(_files(media))
    seventh = _add(client, showcase, upload(size=(40, 30)))
    assert seventh.status_code == 400
    html = seventh.content.decode()
    assert "最多 6 张照片" in html and f'id="showcase-{showcase.pk}-photos"' in html
    assert showcase.photos.count() == MAX_PHOTOS and len(_files(media)) == stored
    bad = _add(client, showcase, upload(name="a.txt", data=b"hello"))
    assert bad.status_code == 400 and showcase.photos.count() == MAX_PHOTOS
    first = showcase.photos.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(first.remove_url, {"next": reverse("culture:showcases")})
    assert response.status_code == 302 and response["Location"] == reverse("culture:showcases")
    assert showcase.photos.count() == MAX_PHOTOS - 1 and len(_files(media)) == stored - 2


def test_nobody_else_adds_or_removes_and_a_withdrawn_showcase_shows_none(
    client, personas, showcase
):
    photo = services.showcase_photos_add(
        actor=personas.community_staff_a, showcase=showcase, files=[upload()]
    )[0]
    tree = personas.tree
    elsewhere = make_user(
        "13800000097",
        "河东社区干部",
        home=tree.community_b,
        roles=[(Role.COMMUNITY_STAFF, tree.community_b)],
    )
    for outsider in (elsewhere, personas.resident_a, personas.grid_worker_a):
        client.force_login(outsider)
        assert _add(client, showcase, upload()).status_code == 404
        assert client.post(photo.remove_url).status_code == 404
    client.logout()
    assert _add(client, showcase, upload()).status_code == 302  # to the log-in page
    assert client.post(photo.remove_url).status_code == 302
    assert ShowcasePhoto.objects.count() == 1
    client.force_login(personas.community_staff_a)
    assert client.get(reverse("culture:showcase_photo_add", args=[showcase.pk])).status_code == 405
    services.showcase_withdraw(actor=personas.community_staff_a, showcase=showcase)
    assert client.get(photo.thumb_url).status_code == 404
    assert _add(client, showcase, upload()).status_code == 404
    assert client.post(photo.remove_url).status_code == 404
    assert ShowcasePhoto.objects.count() == 1
