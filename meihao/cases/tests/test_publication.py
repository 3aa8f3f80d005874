"""审核后公开: one rule decides what the public sees of a case, and one representation what it
sees of it — on the public page and map, in Open311 (JSON and XML, list and one request), and
for a follower of the case."""

import json
from xml.etree import ElementTree

import pytest

from meihao.cases import services
from meihao.cases.models import Case, CaseCategory, CaseEvent, CaseFollower, Status
from meihao.cases.publication import PUBLISHED, redact
from meihao.cases.tests.reporter_helpers import has_gps, upload
from meihao.core.models import AuditEvent

# Decided here again, state by state: a new state fails these tests until it is decided.
EXPECTED_PUBLISHED = {
    "submitted": False,
    "accepted": True,
    "rejected": False,
    "duplicate": False,
    "dispatched": True,
    "in_progress": True,
    "reported_back": True,
    "closed": True,
    "reopened": True,
    "returned": True,
    "parked": True,
    "void": False,
}
EXACT_LAT, EXACT_LON = 23.412345, 111.205678
SECRETS_IN_TEXT = (
    "13912345678",  # mobile
    "139-1234-5678",
    "0774-3821234",  # landline with area code
    "44040219900101123X",  # ID card, 18 characters
    "440402900101123",  # ID card, 15 digits (old)
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def private_class(grid_type, vending):
    """A class of the public grid type that is not marked public."""
    category = grid_type.categories.filter(parent__isnull=False).exclude(pk=vending.pk).first()
    CaseCategory.objects.filter(pk=category.pk).update(public=False)
    category.refresh_from_db()
    return category


def _in_state(case, status) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def _open311(client, path: str, fmt: str):
    response = client.get(f"/open311/v2/{path}.{fmt}")
    body = response.content.decode()
    if fmt == "json":
        data = json.loads(body)
        numbers = [r["service_request_id"] for r in data] if response.status_code == 200 else []
    else:
        root = ElementTree.fromstring(response.content)
        numbers = [r.findtext("service_request_id") for r in root.findall("request")]
    return response.status_code, numbers, body


def _bodies(client, case) -> list[str]:
    """Everything the public can read about `case`: page, detail, Open311 in both formats."""
    bodies = [
        client.get("/cases/public/").content.decode(),
        client.get(f"/cases/public/{case.number}/").content.decode(),
    ]
    for fmt in ("json", "xml"):
        bodies.append(_open311(client, "requests", fmt)[2])
        bodies.append(_open311(client, f"requests/{case.number}", fmt)[2])
    return bodies


def test_every_state_is_decided():
    assert set(PUBLISHED) == set(Status.values) == set(EXPECTED_PUBLISHED)


@pytest.mark.parametrize("status", Status.values)
def test_publication_walks_every_state_and_class_flag(
    client, new_case, vending, private_class, status
):
    public = _in_state(new_case(), status)
    hidden = _in_state(new_case(category=private_class), status)
    expected = EXPECTED_PUBLISHED[status]

    page = client.get("/cases/public/").content.decode()
    assert (public.number in page) is expected
    assert hidden.number not in page
    assert client.get(f"/cases/public/{public.number}/").status_code == (200 if expected else 404)
    assert client.get(f"/cases/public/{hidden.number}/").status_code == 404
    for fmt in ("json", "xml"):
        _code, listed, _body = _open311(client, "requests", fmt)
        assert listed == ([public.number] if expected else []), fmt
        code, found, _body = _open311(client, f"requests/{public.number}", fmt)
        assert (code, found) == ((200, [public.number]) if expected else (404, [])), fmt
        code, found, _body = _open311(client, f"requests/{hidden.number}", fmt)
        assert (code, found) == (404, []), fmt


def test_a_rejected_case_is_in_neither_the_page_nor_open311(client, new_case, personas):
    case = services.case_reject(case=new_case(), actor=personas.street_chief_a, reason="不属实")
    assert case.number not in client.get("/cases/public/").content.decode()
    for fmt in ("json", "xml"):
        assert _open311(client, f"requests/{case.number}", fmt)[0] == 404
        assert case.number not in _open311(client, "requests", fmt)[1]


def test_phone_and_id_numbers_are_redacted_in_description_and_address(client, new_case, personas):
    text = "摊主 " + "，".join(SECRETS_IN_TEXT) + " 门口摆卖"
    case = services.case_accept(
        case=new_case(description=text, address="骑楼街18号 联系 13912345678"),
        actor=personas.street_chief_a,
    )
    for body in _bodies(client, case):
        for secret in (*SECRETS_IN_TEXT, "骑楼街18号"):
            assert secret not in body, secret
    detail = client.get(f"/cases/public/{case.number}/").content.decode()
    assert "摊主" in detail and "门口摆卖" in detail  # the rest of the text stays


def test_coordinates_are_the_grid_centroid_never_the_reported_point(client, new_case, personas):
    case = services.case_accept(
        case=new_case(lat=EXACT_LAT, lon=EXACT_LON), actor=personas.street_chief_a
    )
    grid = case.place
    for body in _bodies(client, case):
        assert str(EXACT_LAT) not in body and str(EXACT_LON) not in body
    _code, _numbers, body = _open311(client, f"requests/{case.number}", "json")
    [request] = json.loads(body)
    assert (request["lat"], request["long"]) == (grid.centroid_lat, grid.centroid_lon)
    root = ElementTree.fromstring(_open311(client, "requests", "xml")[2])
    assert float(root.find("request").findtext("lat")) == grid.centroid_lat


def test_redact_forms():
    assert redact("电话 138 1234 5678，座机(0774)3821234转12") == (
        "电话 *************，座机****************"
    )
    assert redact("身份证11010519491231002x") == "身份证******************"
    assert redact("本地号 3821234") == "本地号 *******"
    assert redact("王小明说", names=("王小明",)) == "王**说"
    # Case numbers, dates and house numbers are not personal numbers.
    kept = "案件WG202405200001，2024年5月20日，骑楼街12号"
    assert redact(kept) == kept


# ---------------------------------------------------------------------------------------------
# Photos: staff choose


def test_staff_marking_a_photo_public_shows_exactly_that_one(client, new_case, personas):
    case = services.case_accept(
        case=new_case(photos=[upload(), upload(colour="blue")]), actor=personas.street_chief_a
    )
    chosen, other = case.photos.order_by("pk")
    assert (
        f"/cases/photos/{chosen.pk}/"
        not in client.get(f"/cases/public/{case.number}/").content.decode()
    )

    staff = client.__class__()
    staff.force_login(personas.street_chief_a)
    url = f"/cases/{case.number}/photos/{chosen.pk}/publication/"
    assert staff.post(url, {"public": "1"}).status_code == 302

    html = client.get(f"/cases/public/{case.number}/").content.decode()
    assert f"/cases/photos/{chosen.pk}/public.jpg" in html
    assert f"/cases/photos/{other.pk}/" not in html
    assert f"/cases/photos/{chosen.pk}/full.jpg" not in html
    response = client.get(f"/cases/photos/{chosen.pk}/public.jpg")
    assert response.status_code == 200 and not has_gps(b"".join(response.streaming_content))
    assert client.get(f"/cases/photos/{other.pk}/public.jpg").status_code == 404
    assert client.get(f"/cases/photos/{other.pk}/thumb.jpg").status_code == 404
    [request] = json.loads(_open311(client, f"requests/{case.number}", "json")[2])
    assert request["media_url"] == f"http://testserver/cases/photos/{chosen.pk}/public.jpg"
    event = CaseEvent.objects.get(case=case, action="photo_published")
    assert (event.actor, event.data) == (personas.street_chief_a, {"photo": chosen.pk})
    audit = AuditEvent.objects.get(action="case.photo_public")
    assert (audit.actor, audit.target_id) == (personas.street_chief_a, str(chosen.pk))

    assert staff.post(url, {"public": "0"}).status_code == 302
    assert client.get(f"/cases/photos/{chosen.pk}/public.jpg").status_code == 404
    assert CaseEvent.objects.filter(case=case, action="photo_withdrawn").count() == 1


def test_the_staff_page_offers_photo_publication_to_dispatchers_only(client, new_case, personas):
    case = new_case(photos=[upload()])
    photo = case.photos.get()
    client.force_login(personas.street_chief_a)
    assert (
        f"/cases/{case.number}/photos/{photo.pk}/publication/"
        in client.get(f"/cases/{case.number}/").content.decode()
    )
    client.force_login(personas.grid_worker_a)  # sees the case, does not review it
    assert "/publication/" not in client.get(f"/cases/{case.number}/").content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("grid_worker_a", 403), ("resident_b", 404), ("outsider", 404), ("grid_worker_b", 404)],
)
def test_only_dispatchers_in_scope_mark_photos_public(client, new_case, personas, persona, status):
    case = services.case_accept(case=new_case(photos=[upload()]), actor=personas.street_chief_a)
    photo = case.photos.get()
    services.case_follow(case=case, actor=personas.resident_b)
    client.force_login(getattr(personas, persona))
    url = f"/cases/{case.number}/photos/{photo.pk}/publication/"
    assert client.post(url, {"public": "1"}).status_code == status
    photo.refresh_from_db()
    assert not photo.is_public
    assert not CaseEvent.objects.filter(action="photo_published").exists()


# ---------------------------------------------------------------------------------------------
# Followers see the public view


def test_a_follower_sees_the_public_view_not_the_staff_view(client, new_case, personas):
    case = new_case(
        description="摊主电话13912345678",
        address="骑楼街18号",
        lat=EXACT_LAT,
        lon=EXACT_LON,
        photos=[upload(), upload(colour="blue")],
    )
    services.case_accept(case=case, actor=personas.street_chief_a, note="街长甲核实属实")
    shown, kept = case.photos.order_by("pk")
    services.case_photo_set_public(
        case=case, photo=shown, actor=personas.street_chief_a, public=True
    )
    services.case_follow(case=case, actor=personas.resident_b)
    client.force_login(personas.resident_b)

    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="follower-note"' in html and case.number in html
    for secret in ("骑楼街18号", "13912345678", "街长甲", "属实", str(EXACT_LAT)):
        assert secret not in html, secret
    assert 'id="case-actions"' not in html and "/full.jpg" not in html
    assert f"/cases/photos/{shown.pk}/public.jpg" in html
    assert f"/cases/photos/{kept.pk}/" not in html
    # No copy with EXIF, and no copy of a photo staff did not make public.
    for photo in (shown, kept):
        assert client.get(f"/cases/photos/{photo.pk}/full.jpg").status_code == 404
    for variant in ("public", "thumb"):
        assert client.get(f"/cases/photos/{kept.pk}/{variant}.jpg").status_code == 404
    assert client.get(f"/cases/photos/{shown.pk}/public.jpg").status_code == 200
    # Nor through the API, nor by acting on it.
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 404
    assert client.post(f"/cases/{case.number}/rate/", {"score": "5"}).status_code == 404


def test_a_follower_keeps_the_public_view_when_the_case_is_no_longer_published(
    client, new_case, personas
):
    original = new_case()
    duplicate = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT, address="某号")
    services.case_merge_duplicate(case=duplicate, actor=personas.street_chief_a, original=original)
    assert CaseFollower.objects.filter(case=original, user=personas.resident_a).exists()
    services.case_void(case=original, actor=personas.street_chief_a, reason="误报")
    client.force_login(personas.resident_a)
    html = client.get(f"/cases/{original.number}/").content.decode()
    assert 'id="follower-note"' in html and "text-bg-dark" in html  # void
    # Their own report stays theirs in full.
    assert "某号" in client.get(f"/cases/{duplicate.number}/").content.decode()


def test_the_reporter_sees_their_own_report_in_full(client, new_case, personas):
    case = new_case(
        actor=personas.resident_a, channel=Case.Channel.RESIDENT, address="骑楼街18号",
        photos=[upload()],
    )  # fmt: skip
    client.force_login(personas.resident_a)
    assert "骑楼街18号" in client.get(f"/cases/{case.number}/").content.decode()
    response = client.get(f"/cases/photos/{case.photos.get().pk}/full.jpg")
    assert response.status_code == 200 and has_gps(b"".join(response.streaming_content))


def test_the_person_a_case_was_filed_for_sees_it_in_full(client, new_case, personas):
    case = new_case(
        reporter=personas.resident_a.person, address="骑楼街18号", description="摊主电话13912345678"
    )
    assert CaseFollower.objects.filter(case=case, user=personas.resident_a).exists()
    client.force_login(personas.resident_a)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "骑楼街18号" in html and 'id="follower-note"' not in html
    mine = client.get("/cases/mine/").content.decode()
    assert f'href="/cases/{case.number}/"' in mine and "13912345678" in mine  # not redacted


def test_following_a_case_that_is_not_published_is_404(client, new_case, personas):
    case = new_case()
    client.force_login(personas.resident_b)
    assert client.post(f"/cases/{case.number}/follow/").status_code == 404
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert not CaseFollower.objects.filter(user=personas.resident_b).exists()
