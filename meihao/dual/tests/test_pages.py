"""The dual-registration pages: who opens which page and may post what, and the flows."""

import csv
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import PERSONA_NAMES, assert_refused_back, forms_not_coming_back, make_user
from meihao.dual import services
from meihao.dual.models import MemberRegistration, PostClaim, ServicePost, UnitRegistration
from meihao.people.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = (*PERSONA_NAMES, "community_staff_b")
MANAGERS_OF_A = {"community_staff_a", "street_chief_a", "district_admin"}
MANAGERS = MANAGERS_OF_A | {"community_staff_b"}


@pytest.fixture
def world(personas):
    """Party member A registered with community A for a unit, and their claim on a post."""
    tree = personas.tree
    staff_b = make_user(
        "13800000070",
        "社区干部乙",
        home=tree.community_b,
        roles=[(Role.COMMUNITY_STAFF, tree.community_b)],
    )
    unit = Organisation.objects.create(
        name="城东小学", kind="unit", place=tree.street_a, place_path=tree.street_a.path
    )
    year = timezone.localdate().year
    services.member_register(
        actor=personas.community_staff_a,
        person=personas.party_member_a.person,
        unit=unit,
        community=tree.community_a,
        year=year,
    )
    post = services.post_publish(
        actor=personas.community_staff_a,
        community=tree.community_a,
        year=year,
        title="敬老服务",
        expected_minutes=90,
        slots=2,
    )
    claim = services.post_claim(actor=personas.party_member_a, post=post)
    return {
        "personas": personas,
        "staff_b": staff_b,
        "unit": unit,
        "year": year,
        "post": post,
        "claim": claim,
    }


def actor(world, name):
    if name == "community_staff_b":
        return world["staff_b"]
    return getattr(world["personas"], name)


def only(allowed, status=200):
    return {name: status if name in allowed else 404 for name in PERSONAS}


PAGES = {
    "registrations": ("/volunteers/dual/", only(MANAGERS)),
    "posts": ("/volunteers/dual/posts/", only(MANAGERS)),
    "post": ("/volunteers/dual/posts/{post}/", only(MANAGERS_OF_A)),
    "report": ("/volunteers/dual/report/", only(MANAGERS)),
    "report_csv": ("/volunteers/dual/report/?format=csv", only(MANAGERS)),
    "report_xlsx": ("/volunteers/dual/report/?format=xlsx", only(MANAGERS)),
    "member_posts": ("/volunteers/posts/", only({"party_member_a"})),
    "my_claims": ("/volunteers/posts/mine/", only({"party_member_a"})),
}


def fill(value: str, world) -> str:
    tree = world["personas"].tree
    return value.format(
        post=world["post"].pk,
        claim=world["claim"].pk,
        unit=world["unit"].pk,
        community_a=tree.community_a.pk,
        year=world["year"],
        today=timezone.localdate().isoformat(),
    )


@pytest.mark.parametrize("page", list(PAGES))
def test_page_matrix(client, world, page):
    template, expected = PAGES[page]
    url = fill(template, world)
    for name in PERSONAS:
        client.force_login(actor(world, name))
        response = client.get(url)
        assert response.status_code == expected[name], (page, name)
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Endpoints that change something: persona → status. 302 is done (or refused with a
# message); 404 is "not yours", and changes nothing.
ENDPOINTS = {
    "unit_register": (
        "/volunteers/dual/units/",
        {"organisation": "{unit}", "community": "{community_a}", "year": "{year}"},
        {**only(MANAGERS, 302), "community_staff_b": 400},
    ),
    "member_register": (
        "/volunteers/dual/members/",
        {"phone": "13800000007", "unit": "{unit}", "community": "{community_a}", "year": "{year}"},
        {**only(MANAGERS, 302), "community_staff_b": 400},
    ),
    "post_publish": (
        "/volunteers/dual/posts/",
        {
            "title": "巡河",
            "community": "{community_a}",
            "year": "{year}",
            "expected_hours": "1.5",
            "slots": "3",
        },
        {**only(MANAGERS, 302), "community_staff_b": 400},
    ),
    "post_status": (
        "/volunteers/dual/posts/{post}/status/",
        {"open": "0"},
        only(MANAGERS_OF_A, 302),
    ),
    "claim_confirm": (
        "/volunteers/dual/claims/{claim}/confirm/",
        {"c{claim}-hours": "1.5", "c{claim}-service_date": "{today}"},
        only(MANAGERS_OF_A, 302),
    ),
    "claim_release": ("/volunteers/dual/claims/{claim}/release/", {}, only(MANAGERS_OF_A, 302)),
    # Party member A has claimed the post already: refused, said on the error page (no `next`).
    "post_claim": ("/volunteers/posts/{post}/claim/", {}, only({"party_member_a"}, 400)),
    "claim_cancel": ("/volunteers/posts/mine/{claim}/cancel/", {}, only({"party_member_a"}, 302)),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("name", PERSONAS)
def test_endpoint_matrix(client, world, endpoint, name):
    template, data, expected = ENDPOINTS[endpoint]
    url = fill(template, world)
    body = {fill(key, world): fill(value, world) for key, value in data.items()}
    client.force_login(actor(world, name))
    before = AuditEvent.objects.count()
    response = client.post(url, body)
    assert response.status_code == expected[name], (endpoint, name)
    if expected[name] != 302:
        assert AuditEvent.objects.count() == before, (endpoint, name)
    if endpoint != "post_publish":  # the others are POST only; that one is also the list
        assert client.get(url).status_code in (404, 405)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_endpoints_need_login(client, world, endpoint):
    template, data, _expected = ENDPOINTS[endpoint]
    before = AuditEvent.objects.count()
    response = client.post(fill(template, world), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Flows


def test_confirmation_and_report_through_the_pages(client, world):
    personas, post, claim = world["personas"], world["post"], world["claim"]
    client.force_login(personas.community_staff_a)
    page = client.get(f"/volunteers/dual/posts/{post.pk}/").content.decode()
    assert f'data-claim="{claim.pk}"' in page
    bad = client.post(
        f"/volunteers/dual/claims/{claim.pk}/confirm/",
        {f"c{claim.pk}-hours": "0", f"c{claim.pk}-service_date": timezone.localdate().isoformat()},
    )
    assert bad.status_code == 400
    client.post(
        f"/volunteers/dual/claims/{claim.pk}/confirm/",
        {
            f"c{claim.pk}-hours": "1.5",
            f"c{claim.pk}-service_date": timezone.localdate().isoformat(),
        },
    )
    claim.refresh_from_db()
    assert claim.status == PostClaim.Status.COMPLETED and claim.minutes == 90
    report = client.get("/volunteers/dual/report/").content.decode()
    assert "党员甲" in report and "1.5" in report
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/volunteers/dual/report/?format=csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][0] == "党员甲" and rows[1][-1] == "1.5"
    book = load_workbook(io.BytesIO(client.get("/volunteers/dual/report/?format=xlsx").content))
    assert list(book.worksheets[0].iter_rows(values_only=True))[1][0] == "党员甲"
    assert list(book.worksheets[1].iter_rows(values_only=True))[1] == ("城东小学", 1, 1.5)


def test_member_pages(client, world):
    personas, post = world["personas"], world["post"]
    client.force_login(personas.party_member_a)
    page = client.get("/volunteers/posts/").content.decode()
    assert f'data-post="{post.pk}"' in page
    mine = client.get("/volunteers/posts/mine/").content.decode()
    assert f'data-claim="{world["claim"].pk}"' in mine
    client.post(f"/volunteers/posts/mine/{world['claim'].pk}/cancel/")
    assert PostClaim.objects.get().status == PostClaim.Status.CANCELLED
    client.post(f"/volunteers/posts/{post.pk}/claim/")
    assert PostClaim.objects.filter(status=PostClaim.Status.CLAIMED).count() == 1


def test_registration_pages(client, world):
    personas = world["personas"]
    client.force_login(personas.community_staff_a)
    not_found = client.post(
        "/volunteers/dual/members/",
        {
            "phone": "13911112222",
            "unit": world["unit"].pk,
            "community": personas.tree.community_a.pk,
            "year": world["year"],
        },
    )
    assert not_found.status_code == 400
    assert MemberRegistration.objects.count() == 1
    client.post(
        "/volunteers/dual/units/",
        {
            "organisation": world["unit"].pk,
            "community": personas.tree.community_a.pk,
            "year": world["year"],
        },
    )
    assert UnitRegistration.objects.count() == 1
    page = client.get("/volunteers/dual/").content.decode()
    assert "城东小学" in page and "党员甲" in page
    assert ServicePost.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Refused one-button actions: core.middleware says why, where the form was posted from


def _state() -> tuple:
    return (
        AuditEvent.objects.count(),
        list(PostClaim.objects.values_list("pk", "status")),
        list(ServicePost.objects.values_list("pk", "claimed_count", "status")),
    )


REFUSED_ACTIONS = {
    # action: (persona, url, the page its form is on, message); all are 400.
    "post_claim": (
        "party_member_a",
        "/volunteers/posts/{post}/claim/",
        "/volunteers/posts/",
        "您已认领该岗位。",
    ),
    "claim_cancel": (
        "party_member_a",
        "/volunteers/posts/mine/{claim}/cancel/",
        "/volunteers/posts/mine/",
        "只有尚未确认的认领才能取消。",
    ),
    "claim_release": (
        "community_staff_a",
        "/volunteers/dual/claims/{claim}/release/",
        "/volunteers/dual/posts/{post}/",
        "只有尚未确认的认领才能取消。",
    ),
}


@pytest.mark.parametrize("action", list(REFUSED_ACTIONS))
def test_a_refused_action_says_why_where_it_was_posted_and_changes_nothing(client, world, action):
    """Neither swallowed (a success message, a change) nor a 500: the error page with its status
    and message without `next`, the message back on the form's page with it."""
    name, url, page, message = REFUSED_ACTIONS[action]
    if action.startswith("claim_"):
        services.post_claim_cancel(actor=world["personas"].party_member_a, claim=world["claim"])
    client.force_login(actor(world, name))
    before = _state()
    assert_refused_back(
        client, fill(url, world), {}, page=fill(page, world), status=400, message=message
    )
    assert _state() == before


def test_a_refused_confirmation_sends_the_other_forms_back_by_the_pages_address(client, world):
    """A refused confirmation shows the post's page at the form's own address; the page's
    one-button forms still name the page itself as the way back, not that address."""
    client.force_login(world["personas"].community_staff_a)
    claim = world["claim"].pk
    page = fill("/volunteers/dual/posts/{post}/", world)
    confirm = f"/volunteers/dual/claims/{claim}/confirm/"
    response = client.post(
        confirm, {f"c{claim}-hours": "0", f"c{claim}-service_date": fill("{today}", world)}
    )
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "dual/post.html"
    body = response.content.decode()
    assert f'name="next" value="{page}"' in body
    assert f'name="next" value="{confirm}"' not in body


def test_the_one_button_forms_come_back_to_their_page(client, world):
    """Every one-button form of the post pages posts `next`, so a refusal is said on the page
    the button was on; the confirmation shows its own errors."""
    personas = world["personas"]
    services.post_publish(  # a post party member A has not claimed yet
        actor=personas.community_staff_a,
        community=personas.tree.community_a,
        year=world["year"],
        title="河道巡查",
        expected_minutes=60,
        slots=1,
    )
    pages = [
        (personas.community_staff_a, f"/volunteers/dual/posts/{world['post'].pk}/", {"/release/"}),
        (personas.party_member_a, "/volunteers/posts/", {"/claim/"}),
        (personas.party_member_a, "/volunteers/posts/mine/", {"/cancel/"}),
    ]
    for user, page, shown in pages:
        client.force_login(user)
        html = client.get(page).content.decode()
        assert all(action in html for action in shown), page
        missing = forms_not_coming_back(html, page)
        assert [action for action in missing if not action.endswith("/confirm/")] == [], page


def test_the_hours_report_is_paged_and_the_excel_export_has_every_row(client, world):
    personas, unit, year = world["personas"], world["unit"], world["year"]
    for n in range(30):
        member = make_user(f"139000001{n:02d}", f"党员{n:02d}", home=personas.tree.grid_a1)
        services.member_register(
            actor=personas.community_staff_a,
            person=member.person,
            unit=unit,
            community=personas.tree.community_a,
            year=year,
        )
    client.force_login(personas.community_staff_a)

    def names(html: str) -> list[str]:
        table = html.split('id="report-members"', 1)[1].split("</table>", 1)[0]
        return re.findall(r'data-registration="\d+"><td>([^<]+)<', table)

    first = client.get("/volunteers/dual/report/", {"year": year}).content.decode()
    second = client.get("/volunteers/dual/report/", {"year": year, "page": 2}).content.decode()
    assert len(names(first)) == 25 and len(names(second)) == 6
    assert f"year={year}&amp;page=2" in first and "第 1 页，共 2 页" in first
    book = load_workbook(
        io.BytesIO(client.get("/volunteers/dual/report/", {"year": year, "format": "xlsx"}).content)
    )
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("党员", "单位", "社区", "完成岗位数", "时长（小时）")
    assert [row[0] for row in rows[1:]] == names(first) + names(second)
    assert len(rows) == 1 + 31 and {row[1] for row in rows[1:]} == {"城东小学"}
    assert all(row[2] == "骑楼社区" and row[4] == 0 for row in rows[1:])
