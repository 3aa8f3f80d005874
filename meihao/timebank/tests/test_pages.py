"""The time bank's pages: the permission matrix (every page against every persona), the
request page's actions end to end, and bad input answered in words with nothing changed."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meihao.cases.models import Case, CaseEvent
from meihao.core.testing import PERSONA_NAMES, assert_refused_back
from meihao.ledger.models import Account, Unit
from meihao.timebank import services
from meihao.timebank.models import FamilyLink, HelpRequest, TimeBankMember
from meihao.timebank.steps import STEPS
from meihao.timebank.tests.conftest import HOME, offset

PERSONAS = PERSONA_NAMES
EVERYONE = dict.fromkeys(PERSONAS, 200)
MANAGERS = {
    p: 200 if p in ("community_staff_a", "street_chief_a", "district_admin") else 404
    for p in PERSONAS
}
# volunteer_a is the member of the time bank in these tests.
MEMBERS = {p: 200 if p == "volunteer_a" else 404 for p in PERSONAS}
# A request of resident A in grid A1: the requester, staff covering A1, the member of A1's
# community (its pool); nobody else.
REQUEST = {
    p: 200
    if p
    in (
        "grid_worker_a",
        "community_staff_a",
        "street_chief_a",
        "district_admin",
        "resident_a",
        "volunteer_a",
    )
    else 404
    for p in PERSONAS
}


@pytest.fixture
def member(personas):
    return services.member_join(actor=personas.volunteer_a)


@pytest.fixture
def request_case(personas, member, asked):
    return asked()


PAGES = {
    "home": (lambda case: reverse("timebank:home"), EVERYONE),
    "join": (lambda case: reverse("timebank:join"), {**EVERYONE, "volunteer_a": 302}),
    "ask": (lambda case: reverse("timebank:ask"), EVERYONE),
    "mine": (lambda case: reverse("timebank:mine"), EVERYONE),
    "nearby": (lambda case: reverse("timebank:nearby"), MEMBERS),
    "profile": (lambda case: reverse("timebank:profile"), MEMBERS),
    "members": (lambda case: reverse("timebank:members"), MANAGERS),
    "pool": (lambda case: reverse("timebank:pool"), MANAGERS),
    "request": (lambda case: reverse("timebank:request", args=[case.number]), REQUEST),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, personas, request_case, page):
    url_of, expected = PAGES[page]
    url = url_of(request_case)
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"], page
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == expected[persona], (page, persona)


API = {
    "me": (lambda case: "/api/v1/timebank/me", EVERYONE),
    "nearby": (lambda case: "/api/v1/timebank/requests/nearby", MEMBERS),
    "request": (lambda case: f"/api/v1/timebank/requests/{case.number}", REQUEST),
    "members": (lambda case: "/api/v1/timebank/members", MANAGERS),
}


@pytest.mark.parametrize("endpoint", API)
def test_api_permission_matrix(client, personas, request_case, endpoint):
    url_of, expected = API[endpoint]
    url = url_of(request_case)
    assert client.get(url).status_code == 401
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == expected[persona], (endpoint, persona)


def test_writing_endpoints_need_a_log_in(client, request_case):
    for path in (
        "/api/v1/timebank/me",
        "/api/v1/timebank/requests",
        f"/api/v1/timebank/requests/{request_case.number}/claim",
        "/api/v1/timebank/pools/450403001001/fund",
    ):
        assert client.post(path, {}, content_type="application/json").status_code == 401
    for name in ("join", "ask", "family_add"):
        response = client.post(reverse(f"timebank:{name}"))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_joining_from_the_page(client, personas, categories):
    client.force_login(personas.resident_a)
    page = client.get(reverse("timebank:join")).content.decode()
    assert "骑楼社区" in page and "data-pick-map" in page
    response = client.post(
        reverse("timebank:join"),
        {"lat": HOME[0], "lon": HOME[1], "skills": [categories["代买代办"].pk]},
    )
    assert response.status_code == 302
    member = TimeBankMember.objects.get(person=personas.resident_a.person)
    assert [c.name_zh for c in member.skills.all()] == ["代买代办"]


def test_a_pin_outside_the_community_is_refused_on_the_page(client, personas):
    client.force_login(personas.resident_a)
    response = client.post(reverse("timebank:join"), {"lat": 23.41, "lon": 111.31})
    assert response.status_code == 400
    assert "骑楼社区" in response.content.decode()  # "put the pin inside 骑楼社区"
    assert not TimeBankMember.objects.exists()


def test_the_profile_saves_and_registers_family(client, personas, member):
    client.force_login(personas.volunteer_a)
    lat, lon = offset(200, 0)
    response = client.post(reverse("timebank:profile"), {"lat": lat, "lon": lon})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (round(member.lat, 6), member.available) == (round(lat, 6), False)
    response = client.post(
        reverse("timebank:family_add"),
        {"phone": "13800000007", "real_name": "居民甲", "relation": "邻居"},
        follow=True,
    )
    assert FamilyLink.objects.filter(member=member).count() == 1
    assert "居民甲" in response.content.decode()
    assert_refused_back(
        client,
        reverse("timebank:family_add"),
        {"phone": "13800000007", "real_name": "别人", "relation": "邻居"},
        page=reverse("timebank:profile"),
        status=400,
        message="没有登记手机号和姓名与此相符的居民。",
    )
    assert FamilyLink.objects.count() == 1
    link = FamilyLink.objects.get()
    client.post(reverse("timebank:family_remove", args=[link.pk]))
    assert not FamilyLink.objects.exists()


def test_someone_elses_family_link_is_404(client, personas, member):
    link = FamilyLink.objects.create(
        member=member, relative=personas.resident_a.person, relation="邻居"
    )
    other = services.member_join(actor=personas.party_member_a)
    client.force_login(other.person.user)
    assert client.post(reverse("timebank:family_remove", args=[link.pk])).status_code == 404
    assert FamilyLink.objects.filter(pk=link.pk).exists()


def test_asking_from_the_page_and_staff_on_behalf(client, personas, member, categories):
    client.force_login(personas.resident_a)
    response = client.post(
        reverse("timebank:ask"),
        {
            "for": "me",
            "category": categories["代买代办"].pk,
            "description": "帮我买点菜",
            "idempotency_key": "page-request-0001",
        },
    )
    case = Case.objects.get(case_type__code="TIMEBANK")
    assert response.status_code == 302 and case.number in response["Location"]
    assert (case.lat, case.lon) == HOME

    client.force_login(personas.community_staff_a)
    response = client.post(
        reverse("timebank:ask"),
        {
            "for": "resident",
            "phone": "13800000007",
            "category": categories["陪同就医"].pk,
            "description": "陪老人去医院复查",
            "idempotency_key": "page-request-0002",
        },
    )
    assert response.status_code == 302
    on_behalf = HelpRequest.objects.get(case__category=categories["陪同就医"])
    assert on_behalf.requester == personas.resident_a.person
    assert on_behalf.case.submitted_by == personas.community_staff_a


@pytest.mark.parametrize(
    ("who", "data"),
    [
        ("resident_a", {"for": "me", "category": "", "description": "帮忙"}),
        ("resident_a", {"for": "me", "category": "999999", "description": "帮忙"}),
        # '²'.isdigit() is True but int('²') raises; past 64 bits the database raises.
        ("resident_a", {"for": "me", "category": "²", "description": "帮忙"}),
        ("resident_a", {"for": "me", "category": str(2**63), "description": "帮忙"}),
        ("resident_a", {"for": "me", "category": "9" * 5000, "description": "帮忙"}),
        ("resident_a", {"for": "me", "description": ""}),
        ("community_staff_a", {"for": "resident", "phone": "13800000008", "description": "帮忙"}),
        ("resident_a", {"for": "resident", "phone": "13800000008", "description": "帮忙"}),
    ],
)
def test_bad_requests_from_the_page_change_nothing(client, personas, categories, who, data):
    client.force_login(getattr(personas, who))
    data = {"category": categories["陪伴聊天"].pk, **data}
    response = client.post(reverse("timebank:ask"), data)
    assert response.status_code == 400
    assert 'id="form-error"' in response.content.decode()
    assert not Case.objects.filter(case_type__code="TIMEBANK").exists()


def test_the_request_page_takes_a_request_from_claim_to_payment(
    client, personas, member, request_case, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    services.pool_fund(
        actor=personas.community_staff_a,
        community=personas.tree.community_a,
        minutes=300,
        token="page-fund-0001",
    )
    number = request_case.number

    def act(step, **data):
        # As the page's forms do: a refusal comes back to the page, said in an alert.
        data["next"] = reverse("timebank:request", args=[number])
        return client.post(reverse("timebank:act", args=[number, step]), data, follow=True)

    client.force_login(personas.volunteer_a)
    page = client.get(reverse("timebank:request", args=[number])).content.decode()
    assert 'submit" data-action="claim"' in page
    act("claim")
    page = act("check-in").content.decode()  # no position: refused, in words
    assert "alert-danger" in page
    assert not CaseEvent.objects.filter(case=request_case, action="start").exists()
    act("check-in", lat=HOME[0], lon=HOME[1])
    time_machine.shift(3600)
    act("check-out", lat=HOME[0], lon=HOME[1], note="陪聊了一个小时")
    assert (
        'submit" data-action="confirm"'
        not in client.get(reverse("timebank:request", args=[number])).content.decode()
    )

    client.force_login(personas.resident_a)
    page = client.get(reverse("timebank:request", args=[number])).content.decode()
    assert 'submit" data-action="confirm"' in page and 'submit" data-action="send-back"' in page
    act("confirm")
    assert Case.objects.get(pk=request_case.pk).status == "closed"
    minutes = Account.objects.get(person=member.person, unit=Unit.MINUTES).balance
    assert minutes == 60
    assert "60" in client.get(reverse("timebank:request", args=[number])).content.decode()


def test_an_unknown_step_or_request_is_404(client, personas, request_case):
    client.force_login(personas.resident_a)
    assert (
        client.post(reverse("timebank:act", args=[request_case.number, "pay"])).status_code == 404
    )
    client.force_login(personas.resident_b)
    response = client.post(reverse("timebank:act", args=[request_case.number, "confirm"]))
    assert response.status_code == 404


def test_nearby_lists_and_maps_the_open_requests(client, personas, member, request_case):
    client.force_login(personas.volunteer_a)
    page = client.get(reverse("timebank:nearby")).content.decode()
    assert request_case.number in page and "timebank-points" in page
    assert "0 m" in page or "米" in page


def test_nearby_is_empty_when_nobody_needs_help(client, personas, member):
    client.force_login(personas.volunteer_a)
    page = client.get(reverse("timebank:nearby")).content.decode()
    assert 'id="nearby-empty"' in page


def test_staff_fund_the_pool_from_the_page(client, personas):
    client.force_login(personas.community_staff_a)
    page = client.get(reverse("timebank:pool")).content.decode()
    assert "骑楼社区" in page and "河东社区" not in page
    data = {"community": "450403001001", "minutes": "120", "token": "page-token-0001"}
    client.post(reverse("timebank:pool"), data)
    client.post(reverse("timebank:pool"), data)  # sent twice: funded once
    pool = Account.objects.get(kind=Account.Kind.POOL)
    assert pool.balance == 120
    bad = client.post(reverse("timebank:pool"), {**data, "minutes": "-5", "token": "page-token-2"})
    assert bad.status_code == 400
    assert pool.__class__.objects.get(pk=pool.pk).balance == 120
    other = client.post(reverse("timebank:pool"), {**data, "community": "450403002001"})
    assert other.status_code == 404


def test_members_list_searches_and_paginates_in_few_queries(
    client, personas, member_at, django_assert_max_num_queries
):
    for _ in range(25):
        member_at(100)
    client.force_login(personas.community_staff_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("timebank:members")).content.decode()
    assert page.count("<tr>") == 21  # header + 20
    assert "?page=2" in page
    found = client.get(reverse("timebank:members"), {"q": "会员001"}).content.decode()
    assert found.count("<tr>") == 2


# Taking a request on from its page: the member claims it; those who see it but may not get
# the refusal in words; everyone else a 404. A refused claim changes nothing.
CLAIM = {
    p: "ok" if p == "volunteer_a" else "refused" if REQUEST[p] == 200 else 404 for p in PERSONAS
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_claim_permission_matrix(client, personas, request_case, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("timebank:act", args=[request_case.number, "claim"]))
    case = Case.objects.get(pk=request_case.pk)
    expected = CLAIM[persona]
    assert response.status_code == {"ok": 302, "refused": 403, 404: 404}[expected]
    if expected == "refused":
        assert "无权" in response.content.decode()
    assert (case.status == "dispatched") is (expected == "ok")
    assert CaseEvent.objects.filter(case=case, action="claim").count() == (expected == "ok")


@pytest.mark.parametrize("url_name", ["mine", "nearby"])
def test_list_queries_do_not_grow_with_the_list(client, personas, member, asked, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meihao.cases.services import case_claim

    client.force_login(personas.volunteer_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"timebank:{url_name}")).status_code == 200
        return len(queries)

    def add():
        # Requests resident A asks for (nearby) that the member takes on (mine: help given).
        case = asked()
        if url_name == "mine":
            case_claim(case=case, actor=personas.volunteer_a)

    add()
    few = count()
    for _ in range(10):
        add()
    assert count() == few


# One step table (timebank.steps): the page posts each step under the name the API takes.
def test_the_page_posts_each_step_under_the_name_the_api_takes(
    client, personas, member, request_case
):
    number = request_case.number
    client.force_login(personas.volunteer_a)
    client.post(reverse("timebank:act", args=[number, "claim"]))
    page_url = reverse("timebank:request", args=[number])
    posted = re.findall(rf'action="{page_url}([^/"]+)/"', client.get(page_url).content.decode())
    assert posted == ["check-in", "check-out"]

    response = client.post(
        f"/api/v1/timebank/requests/{number}/{posted[0]}",
        {"lat": HOME[0], "lon": HOME[1]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert CaseEvent.objects.filter(case=request_case, action="start").exists()


def test_one_spelling_of_each_step_on_the_page_and_in_the_api(client, personas, request_case):
    assert [s.name for s in STEPS] == ["claim", "check-in", "check-out", "confirm", "send-back"]
    client.force_login(personas.resident_a)
    number = request_case.number
    assert client.post(f"/timebank/requests/{number}/send_back/").status_code == 404
    response = client.post(
        f"/api/v1/timebank/requests/{number}/send_back", {}, content_type="application/json"
    )
    assert response.status_code == 404
