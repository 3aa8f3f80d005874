"""The micro-wishes' pages and API: the permission matrix, a wish from order to points through
the pages, and bad input answered in words with nothing changed."""

import pytest
from django.urls import reverse

from meihao.cases.models import Case
from meihao.core.testing import PERSONA_NAMES
from meihao.ledger.models import Account, Unit
from meihao.wishes import services
from meihao.wishes.models import WishClaim

PERSONAS = PERSONA_NAMES
STAFF = ("community_staff_a", "street_chief_a", "district_admin")


def only(*allowed):
    return {p: 200 if p in allowed else 404 for p in PERSONAS}


EVERYONE = dict.fromkeys(PERSONAS, 200)
# A wish of resident A (grid A1) waiting for review: the resident, and staff covering A1.
SUBMITTED = only("resident_a", "grid_worker_a", *STAFF)
# Published: the community's party members too.
PUBLISHED = only("resident_a", "grid_worker_a", "party_member_a", *STAFF)

PAGES = {
    "home": (lambda c: reverse("wishes:home"), EVERYONE),
    "order": (lambda c: reverse("wishes:order"), EVERYONE),
    "mine": (lambda c: reverse("wishes:mine"), EVERYONE),
    "claims": (lambda c: reverse("wishes:claims"), EVERYONE),
    "wall": (lambda c: reverse("wishes:wall"), only("party_member_a")),
    "review": (lambda c: reverse("wishes:review"), only(*STAFF)),
    "submitted wish": (lambda c: reverse("wishes:detail", args=[c.number]), SUBMITTED),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, personas, ordered, page):
    url_of, expected = PAGES[page]
    url = url_of(ordered())
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == expected[persona], (page, persona)


def test_a_published_wish_is_seen_by_the_communitys_party_members(client, personas, published):
    url = reverse("wishes:detail", args=[published().number])
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == PUBLISHED[persona], persona


API = {
    "mine": (lambda c: "/api/v1/wishes/mine", EVERYONE),
    "claims": (lambda c: "/api/v1/wishes/claims", EVERYONE),
    "wall": (lambda c: "/api/v1/wishes/wall", only("party_member_a")),
    "review": (lambda c: "/api/v1/wishes/review", only(*STAFF)),
    "wish": (lambda c: f"/api/v1/wishes/{c.number}", SUBMITTED),
}


@pytest.mark.parametrize("endpoint", API)
def test_api_permission_matrix(client, personas, ordered, endpoint):
    url_of, expected = API[endpoint]
    url = url_of(ordered())
    assert client.get(url).status_code == 401
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == expected[persona], (endpoint, persona)


def test_writing_needs_a_log_in(client, ordered):
    case = ordered()
    assert client.post("/api/v1/wishes", {}, content_type="application/json").status_code == 401
    assert client.post(f"/api/v1/wishes/{case.number}/claim").status_code == 401
    for url in (reverse("wishes:order"), reverse("wishes:act", args=[case.number, "claim"])):
        response = client.post(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_a_wish_from_order_to_points_through_the_pages(
    client, personas, categories, party_member_b, photo
):
    client.force_login(personas.resident_a)
    response = client.post(
        reverse("wishes:order"),
        {"category": categories["助学圆梦"].pk, "description": "孙子想要一套课外书"},
    )
    case = Case.objects.get(case_type__code="WISH")
    assert response.status_code == 302 and case.number in response["Location"]

    def act(user, step, data=None):
        client.force_login(user)
        return client.post(reverse("wishes:act", args=[case.number, step]), data or {})

    client.force_login(personas.community_staff_a)
    page = client.get(reverse("wishes:detail", args=[case.number])).content.decode()
    assert 'submit" data-action="publish"' in page and 'submit" data-action="reject"' in page
    act(personas.community_staff_a, "publish")
    client.force_login(personas.party_member_a)
    assert case.number in client.get(reverse("wishes:wall")).content.decode()
    act(personas.party_member_a, "claim")
    client.force_login(party_member_b)
    page = client.get(reverse("wishes:detail", args=[case.number])).content.decode()
    assert 'submit" data-action="join"' in page and 'submit" data-action="claim"' not in page
    act(party_member_b, "join")
    assert WishClaim.objects.count() == 2
    client.force_login(personas.party_member_a)
    client.post(
        reverse("wishes:act", args=[case.number, "fulfil"]),
        {"note": "书已送到", "photos": [photo()]},
    )
    assert Case.objects.get(pk=case.pk).status == "reported_back"
    client.force_login(personas.resident_a)
    page = client.get(reverse("wishes:detail", args=[case.number])).content.decode()
    assert 'submit" data-action="confirm"' in page
    act(personas.resident_a, "confirm")
    assert Case.objects.get(pk=case.pk).status == "closed"
    for user in (personas.party_member_a, party_member_b):
        assert Account.objects.get(person__user=user, unit=Unit.POINTS).balance == 20


def test_fulfilling_without_a_photo_is_refused_in_words(client, personas, published):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    client.force_login(personas.party_member_a)
    response = client.post(
        reverse("wishes:act", args=[case.number, "fulfil"]),
        {"note": "送到了", "next": reverse("wishes:detail", args=[case.number])},
        follow=True,
    )
    assert "alert-danger" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "dispatched"


def test_staff_give_a_wish_to_a_named_member_from_the_page(client, personas, ordered, unit):
    case = ordered()
    client.force_login(personas.community_staff_a)
    page = client.get(reverse("wishes:detail", args=[case.number])).content.decode()
    assert "梧州市供电局 · 党员乙" in page and "党员甲" in page
    bad = client.post(
        reverse("wishes:act", args=[case.number, "dispatch"]),
        {"target": "user:0", "next": reverse("wishes:detail", args=[case.number])},
        follow=True,
    )
    assert "alert-danger" in bad.content.decode()
    assert Case.objects.get(pk=case.pk).status == "submitted"
    registration = unit.member_registrations.get()
    client.post(
        reverse("wishes:act", args=[case.number, "dispatch"]),
        {"target": f"unit:{registration.pk}"},
    )
    claim = WishClaim.objects.get()
    assert (claim.organisation, claim.is_lead) == (unit, True)


@pytest.mark.parametrize(
    "data",
    [
        {"category": "", "description": "想要书"},
        {"category": "x", "description": ""},
        {"category": "²", "description": "想要书"},
        {"category": str(2**63), "description": "想要书"},
    ],
)
def test_bad_orders_from_the_page_change_nothing(client, personas, categories, data):
    client.force_login(personas.resident_a)
    response = client.post(reverse("wishes:order"), data)
    assert response.status_code == 400 and 'id="form-error"' in response.content.decode()
    assert not Case.objects.filter(case_type__code="WISH").exists()


def test_an_unknown_step_is_404_and_a_step_out_of_scope_too(client, personas, published):
    case = published()
    client.force_login(personas.party_member_a)
    assert client.post(reverse("wishes:act", args=[case.number, "pay"])).status_code == 404
    client.force_login(personas.resident_b)
    assert client.post(reverse("wishes:act", args=[case.number, "claim"])).status_code == 404
    assert not WishClaim.objects.exists()


def test_review_queue_lists_and_paginates(client, personas, ordered, published):
    for _ in range(22):
        ordered()
    waiting = published()
    client.force_login(personas.community_staff_a)
    page = client.get(reverse("wishes:review")).content.decode()
    assert page.count('data-number="') == 20 and "state=submitted&amp;page=2" in page
    published_page = client.get(reverse("wishes:review"), {"state": "published"}).content.decode()
    assert published_page.count('data-number="') == 1 and waiting.number in published_page


def test_the_api_takes_a_wish_through(client, personas, party_member_b, photo):
    client.force_login(personas.resident_a)
    made = client.post(
        "/api/v1/wishes",
        {"category": "0103", "description": "想要一个血压计"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    number = made.json()["number"]

    def step(user, name, data=None):
        client.force_login(user)
        return client.post(
            f"/api/v1/wishes/{number}/{name}", data or {}, content_type="application/json"
        )

    detail = client.get(f"/api/v1/wishes/{number}")
    assert detail.json()["abilities"]["claim"] is False
    client.force_login(personas.community_staff_a)
    targets = client.get(f"/api/v1/wishes/{number}").json()["targets"]
    assert {t["label"] for t in targets} >= {"党员甲", "党员乙"}
    assert step(personas.community_staff_a, "publish").json()["status"] == "accepted"
    claimed = step(personas.party_member_a, "claim")
    assert claimed.json()["claims"] == [{"claimant": "党员甲", "unit": False, "lead": True}]
    assert step(party_member_b, "join").status_code == 200
    assert step(party_member_b, "join").status_code == 400  # already joined
    client.force_login(personas.party_member_a)
    no_photo = client.post(f"/api/v1/wishes/{number}/fulfil", {"note": "送到了"})
    assert no_photo.status_code == 400 and no_photo.json()["field"] == "photos"
    done = client.post(f"/api/v1/wishes/{number}/fulfil", {"note": "送到了", "photos": [photo()]})
    assert done.status_code == 200, done.content
    assert step(personas.resident_a, "confirm").json()["status"] == "closed"
    assert step(personas.resident_a, "confirm").status_code == 409


# Publishing (the party committee) and claiming (party members) from the wish's page: allowed,
# refused in words (sees it, may not), or 404. A refused step changes nothing.
PUBLISH = {p: "ok" if p in STAFF else "refused" if SUBMITTED[p] == 200 else 404 for p in PERSONAS}
CLAIM = {
    p: "ok" if p == "party_member_a" else "refused" if PUBLISHED[p] == 200 else 404
    for p in PERSONAS
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_publish_permission_matrix(client, personas, ordered, persona):
    case = ordered()
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("wishes:act", args=[case.number, "publish"]))
    expected = PUBLISH[persona]
    assert response.status_code == {"ok": 302, "refused": 403, 404: 404}[expected]
    if expected == "refused":
        assert "无权" in response.content.decode()
    assert (Case.objects.get(pk=case.pk).status == "accepted") is (expected == "ok")


@pytest.mark.parametrize("persona", PERSONAS)
def test_claim_permission_matrix(client, personas, published, persona):
    case = published()
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("wishes:act", args=[case.number, "claim"]))
    expected = CLAIM[persona]
    assert response.status_code == {"ok": 302, "refused": 403, 404: 404}[expected]
    if expected == "refused":
        assert "无权" in response.content.decode()
    assert (Case.objects.get(pk=case.pk).status == "dispatched") is (expected == "ok")
    assert WishClaim.objects.exists() is (expected == "ok")


@pytest.mark.parametrize(("url_name", "who"), [("wall", "party_member_a"), ("mine", "resident_a")])
def test_list_queries_do_not_grow_with_the_list(client, personas, published, url_name, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(getattr(personas, who))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"wishes:{url_name}")).status_code == 200
        return len(queries)

    published()
    few = count()
    for _ in range(10):
        published()
    assert count() == few
