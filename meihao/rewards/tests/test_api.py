"""The rewards API: items, passes, redemptions and refunds, with their error codes."""

import datetime
import json

import pytest

from meihao.rewards import passes
from meihao.rewards.models import Redemption, RedemptionPass, RewardItem
from meihao.rewards.tests.conftest import balance, fund


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_items_lists_what_is_on_offer_cheapest_first(client, personas, shop, other_shop):
    client.force_login(personas.resident_a)
    body = client.get("/api/v1/rewards/items").json()
    assert body["count"] == 3  # 双皮奶, 凉茶, 米粉; 龟苓膏 is out of stock
    assert [i["name"] for i in body["items"]] == ["双皮奶", "米粉", "凉茶"]
    first = body["items"][0]
    assert first["merchant"] == {
        "id": shop.merchant.pk,
        "name": "骑楼糖水铺",
        "address": "骑楼街12号",
        "opening_hours": "9:00–21:00",
        "lat": 23.41,
        "lon": 111.205,
    }
    assert first["limit_per_person"] is None and first["stock"] == 5
    only = client.get(f"/api/v1/rewards/items?merchant={other_shop.pk}").json()
    assert [i["name"] for i in only["items"]] == ["米粉"]
    paged = client.get("/api/v1/rewards/items?limit=1&offset=1").json()
    assert paged["count"] == 3 and [i["name"] for i in paged["items"]] == ["米粉"]


def test_items_affordable_uses_the_users_points(client, personas, shop, other_shop):
    fund(personas, personas.resident_a.person, 15)
    client.force_login(personas.resident_a)
    body = client.get("/api/v1/rewards/items?affordable=true").json()
    assert [i["name"] for i in body["items"]] == ["双皮奶", "米粉"]
    client.force_login(personas.resident_b)  # no points at all
    assert client.get("/api/v1/rewards/items?affordable=true").json()["count"] == 0


def test_items_rejects_a_bad_limit(client, personas):
    client.force_login(personas.resident_a)
    response = client.get("/api/v1/rewards/items?limit=1000")
    assert response.status_code == 422


def test_a_pass_from_the_api_redeems_by_token_then_replays_and_refunds(client, personas, shop):
    fund(personas, personas.volunteer_a.person, 50)
    client.force_login(personas.volunteer_a)
    issued = post(client, "/api/v1/rewards/passes", {})
    assert issued.status_code == 201
    pass_body = issued.json()
    assert pass_body["balance"] == 50 and len(pass_body["short_code"]) == 8
    assert pass_body["token"] == passes.token_for(RedemptionPass.objects.get())
    client.force_login(personas.merchant_staff)
    body = {"code": pass_body["token"], "item": shop.syrup.pk, "idempotency_key": "api-00001"}
    created = post(client, "/api/v1/rewards/redemptions", body)
    assert created.status_code == 201
    redemption = created.json()
    assert redemption["points"] == 10 and redemption["status"] == "completed"
    assert redemption["customer"] == "志**甲"
    assert redemption["merchant"] == {"id": shop.merchant.pk, "name": "骑楼糖水铺"}
    replay = post(client, "/api/v1/rewards/redemptions", body)
    assert replay.status_code == 200 and replay.json()["number"] == redemption["number"]
    assert Redemption.objects.count() == 1 and balance(personas.volunteer_a.person) == 40
    url = f"/api/v1/rewards/redemptions/{redemption['number']}/refund"
    missing = post(client, url, {"reason": ""})
    assert missing.status_code == 400 and missing.json()["field"] == "reason"
    refunded = post(client, url, {"reason": "顾客退回"})
    assert refunded.status_code == 200
    assert refunded.json()["status"] == "refunded"
    assert refunded.json()["refund_reason"] == "顾客退回"
    again = post(client, url, {"reason": "顾客退回"})
    assert again.status_code == 400 and again.json()["code"] == "already_refunded"
    assert balance(personas.volunteer_a.person) == 50


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("unknown", 404, "unknown_pass"),
        ("forged", 400, "forged_pass"),
        ("expired", 400, "pass_expired"),
        ("insufficient", 400, "insufficient_balance"),
        ("out_of_stock", 400, "out_of_stock"),
        ("no_item", 404, "not_found"),
        ("bad_key", 400, "validation_failed"),
    ],
)
def test_refusals_have_codes_and_change_nothing(client, personas, shop, frozen, case, status, code):
    fund(personas, personas.volunteer_a.person, 20)
    client.force_login(personas.volunteer_a)
    issued = post(client, "/api/v1/rewards/passes", {}).json()
    body = {"code": issued["short_code"], "item": shop.syrup.pk, "idempotency_key": "api-0002"}
    if case == "unknown":
        body["code"] = "ZZZZ9999"
    elif case == "forged":
        body["code"] = issued["token"][:-3] + "abc"
    elif case == "expired":
        frozen.shift(datetime.timedelta(minutes=2, seconds=1))
    elif case == "insufficient":
        body["item"] = shop.tea.pk  # 30 points
    elif case == "out_of_stock":
        body["item"] = shop.gone.pk
    elif case == "no_item":
        body["item"] = 999_999
    elif case == "bad_key":
        body["idempotency_key"] = "no"
    client.force_login(personas.merchant_staff)
    response = post(client, "/api/v1/rewards/redemptions", body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert not Redemption.objects.exists()
    assert balance(personas.volunteer_a.person) == 20
    assert list(RewardItem.objects.order_by("pk").values_list("stock", flat=True)) == [5, 2, 0]
    assert RedemptionPass.objects.get().used_at is None
