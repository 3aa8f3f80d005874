"""Permission matrix: every activity page and endpoint against every persona.

Published activities are public to everyone logged in; drafts, organiser pages and other
people's records answer 404 outside the organiser's place scope, and a refused call changes
nothing. Anonymous visitors are sent to log in (pages) or get 401 (API).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.activities.records import service_record_enter_by_staff
from meihao.activities.tests.helpers import START, at, make_activity, minutes, sign_up
from meihao.core.models import AuditEvent
from meihao.core.testing import PERSONA_NAMES

pytestmark = pytest.mark.django_db

NOW = START + minutes(10)  # check-in open, the activity started: every page has something
PERSONAS = PERSONA_NAMES
ORGANISERS_A = frozenset({"community_staff_a", "street_chief_a", "district_admin"})
ORGANISERS_B = frozenset({"district_admin"})
EVERYONE = frozenset(PERSONAS)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(personas):
    """A published activity and a draft in community A, one in community B, a sign-up of the
    volunteer and a staff-entered record of theirs with evidence."""
    a = make_activity(personas)
    draft = make_activity(personas, publish=False, title="草稿活动")
    b = make_activity(
        personas, actor=personas.district_admin, place=personas.tree.community_b, title="河东"
    )
    (signup,) = sign_up(a, personas.volunteer_a)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    with at(NOW):
        record = service_record_enter_by_staff(
            actor=personas.community_staff_a,
            person=personas.volunteer_a.person,
            service_date=START.date(),
            place=personas.tree.community_a,
            content="送餐",
            minutes=60,
            recording_organisation="骑楼社区居委会",
            person_in_charge="社区干部甲",
            evidence=SimpleUploadedFile("s.png", out.getvalue(), "image/png"),
        )
    return {"a": a, "draft": draft, "b": b, "signup": signup, "record": record}


@pytest.fixture(autouse=True)
def frozen():
    with at(NOW):
        yield


def pages(world) -> dict[str, tuple[str, frozenset]]:
    a, draft, b = world["a"].pk, world["draft"].pk, world["b"].pk
    record = world["record"].pk
    rows = {
        "list": ("/activities/", EVERYONE),
        "mine": ("/activities/mine/", EVERYONE),
        "scan": ("/activities/scan/", EVERYONE),
        "detail": (f"/activities/{a}/", EVERYONE),
        "detail_b": (f"/activities/{b}/", EVERYONE),
        "detail_draft": (f"/activities/{draft}/", ORGANISERS_A),
        "organise": ("/activities/organise/", ORGANISERS_A),
        "create": ("/activities/new/", ORGANISERS_A),
        "records": ("/activities/records/", ORGANISERS_A),
        "record_new": ("/activities/records/new/", ORGANISERS_A),
        "record_reverse": (f"/activities/records/{record}/reverse/", ORGANISERS_A),
        "evidence": (f"/activities/records/{record}/evidence/", ORGANISERS_A | {"volunteer_a"}),
    }
    for name in ("edit", "cancel", "signups", "attendance", "qr", "qr/code", "finish"):
        rows[name] = (f"/activities/{a}/{name}/", ORGANISERS_A)
        rows[f"{name}_b"] = (f"/activities/{b}/{name}/", ORGANISERS_B)
        rows[f"{name}_draft"] = (f"/activities/{draft}/{name}/", ORGANISERS_A)
    rows["export"] = (f"/activities/{a}/attendance.xlsx", ORGANISERS_A)
    rows["export_b"] = (f"/activities/{b}/attendance.xlsx", ORGANISERS_B)
    return rows


PAGE_NAMES = [
    "list", "mine", "scan", "detail", "detail_b", "detail_draft", "organise", "create",
    "records", "record_new", "record_reverse", "evidence", "export", "export_b",
] + [
    f"{name}{suffix}"
    for name in ("edit", "cancel", "signups", "attendance", "qr", "qr/code", "finish")
    for suffix in ("", "_b", "_draft")
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_matrix(client, personas, world, persona, page):
    url, allowed = pages(world)[page]
    client.force_login(getattr(personas, persona))
    response = client.get(url)
    assert response.status_code == (200 if persona in allowed else 404), url


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_every_page_needs_login(client, world, page):
    url, _allowed = pages(world)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_typed_code_of_the_scanner_needs_login(client, world):
    response = client.post("/activities/scan/code/", {"code": "ABCDEF"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Attendance.objects.exists()


def test_the_checkin_address_needs_login(client, world):
    response = client.get("/activities/checkin/1-2:abc/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def snapshot():
    return (
        list(Activity.objects.order_by("pk").values_list("status", "title", "capacity")),
        list(SignUp.objects.order_by("pk").values_list("status", flat=True)),
        Attendance.objects.count(),
        ServiceRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def organiser_posts(world) -> dict[str, tuple[str, dict]]:
    a, draft = world["a"].pk, world["draft"].pk
    signup = world["signup"].pk
    return {
        "publish": (f"/activities/{draft}/publish/", {}),
        "cancel": (f"/activities/{a}/cancel/", {"reason": "台风"}),
        "edit": (f"/activities/{a}/edit/", {"title": "改名"}),
        "finish": (f"/activities/{a}/finish/", {}),
        "signup_remove": (f"/activities/{a}/signups/{signup}/cancel/", {}),
        "staff_checkin": (f"/activities/{a}/attendance/{signup}/checkin/", {}),
        "staff_checkout": (f"/activities/{a}/attendance/{signup}/checkout/", {}),
        "record_reverse": (f"/activities/records/{world['record'].pk}/reverse/", {"reason": "错"}),
        "create": ("/activities/new/", {"title": "新活动"}),
        "record_new": ("/activities/records/new/", {"phone": "13800000050"}),
    }


@pytest.mark.parametrize("persona", sorted(EVERYONE - ORGANISERS_A))
@pytest.mark.parametrize(
    "action",
    [
        "publish", "cancel", "edit", "finish", "signup_remove", "staff_checkin",
        "staff_checkout", "record_reverse", "create", "record_new",
    ],
)  # fmt: skip
def test_organiser_actions_by_others_are_404_and_change_nothing(
    client, personas, world, persona, action
):
    url, data = organiser_posts(world)[action]
    client.force_login(getattr(personas, persona))
    before = snapshot()
    assert client.post(url, data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["community_staff_a", "street_chief_a"])
@pytest.mark.parametrize(
    "action", ["cancel", "finish", "publish", "edit", "attendance/1/checkin", "signups/1/cancel"]
)
def test_organisers_of_street_a_cannot_act_on_community_b(client, personas, world, persona, action):
    (signup,) = sign_up(world["b"], personas.resident_b, when=START - minutes(60))
    url = f"/activities/{world['b'].pk}/{action.replace('/1/', f'/{signup.pk}/')}/"
    client.force_login(getattr(personas, persona))
    before = snapshot()
    assert client.post(url, {"reason": "台风", "title": "改"}).status_code == 404
    assert snapshot() == before


PARTICIPANT_POSTS = ["signup", "signup/cancel", "checkin/code", "checkin/location", "checkout"]


@pytest.mark.parametrize("persona", sorted(EVERYONE - ORGANISERS_A))
@pytest.mark.parametrize("action", PARTICIPANT_POSTS)
def test_participant_actions_on_a_draft_are_404_for_non_organisers(
    client, personas, world, persona, action
):
    client.force_login(getattr(personas, persona))
    before = snapshot()
    response = client.post(f"/activities/{world['draft'].pk}/{action}/", {"code": "X"})
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("action", PARTICIPANT_POSTS)
def test_participant_actions_need_login(client, world, action):
    response = client.post(f"/activities/{world['a'].pk}/{action}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", PARTICIPANT_POSTS)
def test_participant_actions_refuse_get(client, personas, world, action):
    client.force_login(personas.resident_a)
    assert client.get(f"/activities/{world['a'].pk}/{action}/").status_code == 405


# --- the API --------------------------------------------------------------------------------

API = "/api/v1/activities"


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_read_matrix(client, personas, world, persona):
    client.force_login(getattr(personas, persona))
    listed = client.get(API)
    assert listed.status_code == 200
    ids = {item["id"] for item in listed.json()["items"]}
    assert ids == {world["a"].pk, world["b"].pk}  # drafts are not listed, even for organisers
    assert client.get(f"{API}/{world['a'].pk}").status_code == 200
    draft = client.get(f"{API}/{world['draft'].pk}").status_code
    assert draft == (200 if persona in ORGANISERS_A else 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "/{a}"),
        ("post", "/{a}/signup"),
        ("delete", "/{a}/signup"),
        ("post", "/{a}/checkin"),
        ("post", "/{a}/checkout"),
    ],
)
def test_api_needs_authentication(client, world, method, path):
    response = getattr(client, method)(
        API + path.format(a=world["a"].pk), content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("persona", sorted(EVERYONE - ORGANISERS_A))
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/signup"),
        ("delete", "/signup"),
        ("post", "/checkin"),
        ("post", "/checkout"),
    ],
)
def test_api_writes_on_a_draft_are_404(client, personas, world, persona, method, path):
    client.force_login(getattr(personas, persona))
    before = snapshot()
    response = getattr(client, method)(
        f"{API}/{world['draft'].pk}{path}", data={}, content_type="application/json"
    )
    assert response.status_code == 404
    assert snapshot() == before
