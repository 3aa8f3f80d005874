"""Every rewards page and endpoint against every persona: in scope 200 (or the redirect after
a successful post), out of scope 404, anonymous to the log-in page (pages) or 401 (API)."""

import json

import pytest

from meihao.core.testing import PERSONA_NAMES
from meihao.ledger.models import Account
from meihao.rewards.models import PartnerMerchant, Redemption, RewardItem
from meihao.rewards.services import pass_issue, redemption_redeem
from meihao.rewards.tests.conftest import fund

PERSONAS = PERSONA_NAMES
MANAGERS = {"community_staff_a", "street_chief_a", "district_admin"}
STAFF = {"merchant_staff"}
CUSTOMER = {"volunteer_a"}  # the person who redeemed, and the pass's holder


def allowed(*groups, ok=200):
    members = set().union(*groups)
    return {persona: ok if persona in members else 404 for persona in PERSONAS}


EVERYONE = dict.fromkeys(PERSONAS, 200)

# name → (method, url template, data, expected per persona)
PAGES = {
    "catalogue": ("get", "/rewards/", None, EVERYONE),
    "pass": ("get", "/rewards/pass/", None, EVERYONE),
    "pass_status": ("get", "/rewards/pass/{pass}/status/", None, allowed(CUSTOMER)),
    "mine": ("get", "/rewards/mine/", None, EVERYONE),
    "counter": ("get", "/rewards/merchant/", None, allowed(STAFF)),
    "customer": ("post", "/rewards/merchant/customer/", "lookup", allowed(STAFF)),
    "confirm": ("post", "/rewards/merchant/confirm/", "choose", allowed(STAFF)),
    "redeem": ("post", "/rewards/merchant/redeem/", "confirm", allowed(STAFF, ok=302)),
    "redemption": (
        "get",
        "/rewards/redemptions/{number}/",
        None,
        allowed(STAFF, MANAGERS, CUSTOMER),
    ),
    "refund_form": ("get", "/rewards/redemptions/{number}/refund/", None, allowed(STAFF)),
    "refund": (
        "post",
        "/rewards/redemptions/{number}/refund/",
        "reason",
        allowed(STAFF, ok=302),
    ),
    "manage": ("get", "/rewards/manage/", None, allowed(STAFF, MANAGERS)),
    "merchant_new": ("get", "/rewards/manage/new/", None, allowed(MANAGERS)),
    "merchant": ("get", "/rewards/manage/{merchant}/", None, allowed(STAFF, MANAGERS)),
    "merchant_edit": ("get", "/rewards/manage/{merchant}/edit/", None, allowed(MANAGERS)),
    "item_new": ("get", "/rewards/manage/{merchant}/items/new/", None, allowed(MANAGERS)),
    "item_edit": ("get", "/rewards/manage/items/{item}/edit/", None, allowed(MANAGERS)),
    # The edits posted: whoever may not manage the merchant gets the 404 and nothing changes.
    "merchant_edit_post": (
        "post",
        "/rewards/manage/{merchant}/edit/",
        "rename",
        allowed(MANAGERS, ok=302),
    ),
    "item_new_post": (
        "post",
        "/rewards/manage/{merchant}/items/new/",
        "rename",
        allowed(MANAGERS, ok=400),  # a manager gets the form back: an item needs a price
    ),
    "item_edit_post": (
        "post",
        "/rewards/manage/items/{item}/edit/",
        "rename",
        allowed(MANAGERS, ok=400),  # a manager gets the form back: an item needs a price
    ),
    "item_stock": (
        "post",
        "/rewards/manage/items/{item}/stock/",
        "restock",
        allowed(STAFF, MANAGERS, ok=302),
    ),
    "statement": (
        "get",
        "/rewards/manage/{merchant}/statement/",
        None,
        allowed(STAFF, MANAGERS),
    ),
}


@pytest.fixture
def world(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    code = pass_issue(actor=personas.volunteer_a).short_code
    redemption = redemption_redeem(
        actor=personas.merchant_staff, code=code, item=shop.syrup, idempotency_key="world-0001"
    ).redemption
    live = pass_issue(actor=personas.volunteer_a)
    return {
        "merchant": shop.merchant.pk,
        "item": shop.syrup.pk,
        "number": redemption.number,
        "pass": live.pk,
        "code": live.short_code,
    }


def post_data(kind, world):
    return {
        "lookup": {"code": world["code"]},
        "choose": {"code": world["code"], "item": world["item"]},
        "confirm": {
            "code": world["code"],
            "item": world["item"],
            "idempotency_key": "matrix-confirm-1",
        },
        "reason": {"reason": "顾客退回"},
        "restock": {"change": "3"},
        "rename": {"name": "改名", "address": "新地址"},
    }[kind]


def snapshot():
    return (
        list(Redemption.objects.values_list("id", "status")),
        list(RewardItem.objects.values_list("id", "stock", "name", "updated_at")),
        list(Account.objects.values_list("id", "balance")),
        list(PartnerMerchant.objects.values_list("id", "address", "updated_at")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_matrix(client, personas, world, persona, page):
    method, url, data, expected = PAGES[page]
    client.force_login(getattr(personas, persona))
    before = snapshot()
    url = url.format(**world)
    body = post_data(data, world) if data else None
    response = getattr(client, method)(url, body) if body else getattr(client, method)(url)
    assert response.status_code == expected[persona], (page, persona)
    if method == "post" and expected[persona] == 404:
        assert snapshot() == before  # a refused post changed nothing


@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_need_log_in(client, personas, world, page):
    method, url, data, _expected = PAGES[page]
    before = snapshot()
    url = url.format(**world)
    response = getattr(client, method)(url, post_data(data, world) if data else None)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


# The API: name → (method, url, body, expected per persona)
API = {
    "items": ("get", "/api/v1/rewards/items", None, EVERYONE),
    "passes": ("post", "/api/v1/rewards/passes", {}, dict.fromkeys(PERSONAS, 201)),
    "redeem": (
        "post",
        "/api/v1/rewards/redemptions",
        "confirm",
        {
            **allowed(STAFF, ok=201),
            **dict.fromkeys(MANAGERS, 403),  # see the merchant, do not staff it
        },
    ),
    "refund": (
        "post",
        "/api/v1/rewards/redemptions/{number}/refund",
        "reason",
        {**allowed(STAFF), **dict.fromkeys(MANAGERS, 403), "volunteer_a": 404},
    ),
}


def api_body(kind, world):
    if kind == "confirm":
        return {"code": world["code"], "item": world["item"], "idempotency_key": "api-matrix-1"}
    if kind == "reason":
        return {"reason": "顾客退回"}
    return kind


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", sorted(API))
def test_api_matrix(client, personas, world, persona, endpoint):
    method, url, body, expected = API[endpoint]
    client.force_login(getattr(personas, persona))
    before = snapshot()
    url = url.format(**world)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(
            url, data=json.dumps(api_body(body, world)), content_type="application/json"
        )
    assert response.status_code == expected[persona], (endpoint, persona, response.content)
    if response.status_code >= 400:
        assert snapshot() == before


@pytest.mark.parametrize("endpoint", sorted(API))
def test_api_needs_log_in(client, personas, world, endpoint):
    method, url, body, _expected = API[endpoint]
    url = url.format(**world)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(
            url, data=json.dumps(api_body(body, world)), content_type="application/json"
        )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
