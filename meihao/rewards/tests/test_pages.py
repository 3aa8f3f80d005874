"""The pages as people use them: the resident's code, the counter's scan → choose → confirm →
done, the refund, management forms, the catalogue and the statements."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meihao.ledger.models import Transfer
from meihao.people.models import Organisation
from meihao.rewards import passes
from meihao.rewards.models import PartnerMerchant, Redemption, RedemptionPass, RewardItem
from meihao.rewards.services import pass_issue, redemption_redeem
from meihao.rewards.tests.conftest import balance, fund


def text(response) -> str:
    return response.content.decode()


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


@pytest.fixture
def staff(client, personas):
    client.force_login(personas.merchant_staff)
    return client


# --- The resident's code ---------------------------------------------------------------------


def test_the_pass_page_offers_a_code_then_shows_it_with_a_qr(client, personas):
    fund(personas, personas.volunteer_a.person, 40)
    client.force_login(personas.volunteer_a)
    first = text(client.get("/rewards/pass/"))
    assert 'id="pass-none"' in first and 'id="pass-qr"' not in first
    assert 'id="pass-balance">40<' in first
    response = client.post("/rewards/pass/")
    assert response.status_code == 302
    issued = RedemptionPass.objects.get()
    page = text(client.get("/rewards/pass/"))
    assert "<svg" in page and 'id="pass-qr"' in page
    assert issued.short_code_display in page
    assert 'data-seconds-left="120"' in page
    assert f'hx-get="/rewards/pass/{issued.pk}/status/"' in page
    client.post("/rewards/pass/")  # "new code"
    assert RedemptionPass.objects.count() == 2
    newest = RedemptionPass.objects.latest("id")
    assert newest.short_code_display in text(client.get("/rewards/pass/"))


def test_the_qr_code_carries_the_signed_token(client, personas):
    import segno

    client.force_login(personas.volunteer_a)
    client.post("/rewards/pass/")
    issued = RedemptionPass.objects.get()
    expected = segno.make(passes.token_for(issued), error="m", micro=False)
    page = text(client.get("/rewards/pass/"))
    path = re.search(r' d="([^"]+)"', page).group(1)
    assert path in expected.svg_inline(scale=1, border=2, omitsize=True)


def test_an_expired_code_is_not_shown_and_its_status_says_so(client, personas, frozen):
    client.force_login(personas.volunteer_a)
    client.post("/rewards/pass/")
    issued = RedemptionPass.objects.get()
    frozen.shift(datetime.timedelta(minutes=2))
    assert 'id="pass-none"' in text(client.get("/rewards/pass/"))
    status = text(client.get(f"/rewards/pass/{issued.pk}/status/"))
    assert 'data-state="expired"' in status and "hx-trigger" not in status


def test_the_open_pass_page_learns_of_the_redemption(client, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    client.force_login(personas.volunteer_a)
    client.post("/rewards/pass/")
    issued = RedemptionPass.objects.get()
    url = f"/rewards/pass/{issued.pk}/status/"
    waiting = text(client.get(url))
    assert 'data-state="waiting"' in waiting and 'hx-trigger="every 3s"' in waiting
    redemption_redeem(
        actor=personas.merchant_staff,
        code=issued.short_code,
        item=shop.syrup,
        idempotency_key="page-0001",
    )
    used = text(client.get(url))
    assert 'data-state="used"' in used and "hx-trigger" not in used
    assert "双皮奶" in used and 'id="pass-status-balance">30<' in used


def test_after_a_redemption_the_open_pass_page_shows_one_balance(client, personas, shop):
    """The page's "My points" was drawn before the redemption; the status that reports the
    redemption replaces it (out of band) with the same read as its own "Points left"."""
    fund(personas, personas.volunteer_a.person, 40)
    client.force_login(personas.volunteer_a)
    client.post("/rewards/pass/")
    issued = RedemptionPass.objects.get()
    assert 'id="pass-balance">40<' in text(client.get("/rewards/pass/"))
    redemption_redeem(
        actor=personas.merchant_staff,
        code=issued.short_code,
        item=shop.syrup,
        idempotency_key="page-0002",
    )
    used = text(client.get(f"/rewards/pass/{issued.pk}/status/"))
    top = re.search(r'<span[^>]*id="pass-balance" hx-swap-oob="true">([^<]*)<', used)
    below = re.search(r'id="pass-status-balance">([^<]*)<', used)
    assert top.group(1) == below.group(1) == "30" == str(balance(personas.volunteer_a.person))


# --- The counter ------------------------------------------------------------------------------


def test_scan_choose_confirm_done(staff, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    token = passes.token_for(issued)
    scan = text(staff.get("/rewards/merchant/"))
    assert "vendor/jsqr/jsQR.js" in scan and 'id="scan-start"' in scan
    assert 'id="code-input"' in scan

    customer = text(staff.post("/rewards/merchant/customer/", {"code": token}))
    assert 'id="customer-name">志**甲<' in customer
    assert "志愿者甲" not in customer  # the full name never reaches the counter
    assert 'id="customer-balance">40<' in customer
    assert f'id="choose-item-{shop.syrup.pk}"' in customer  # 10 points, in stock
    assert f'id="choose-item-{shop.tea.pk}"' in customer  # 30 points, limit 1, none yet
    assert f'id="choose-item-{shop.gone.pk}"' not in customer  # out of stock

    confirm = text(staff.post("/rewards/merchant/confirm/", {"code": token, "item": shop.tea.pk}))
    key = hidden(confirm, "idempotency_key")
    assert len(key) == 32
    assert 'id="confirm-balance-after">10<' in confirm
    data = {"code": token, "item": shop.tea.pk, "idempotency_key": key}
    done = staff.post("/rewards/merchant/redeem/", data)
    redemption = Redemption.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/rewards/redemptions/{redemption.number}/?done=1"
    page = text(staff.get(done["Location"]))
    assert 'id="redemption-done"' in page and redemption.number in page
    assert 'id="redemption-refund"' in page
    # The confirm sent again (a double tap, a retry): the same redemption, nothing more.
    again = staff.post("/rewards/merchant/redeem/", data)
    assert again["Location"] == done["Location"]
    assert Redemption.objects.count() == 1
    assert balance(personas.volunteer_a.person) == 10
    assert RewardItem.objects.get(pk=shop.tea.pk).stock == 1


def test_a_typed_short_code_works_like_a_scan(staff, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    typed = f"{issued.short_code[:4].lower()} {issued.short_code[4:].lower()}"
    response = staff.post("/rewards/merchant/customer/", {"code": typed})
    assert response.status_code == 200
    assert 'id="customer-name"' in text(response)


@pytest.mark.parametrize(
    "state, status",
    [("unknown", 404), ("expired", 400), ("used", 400), ("forged", 400), ("empty", 400)],
)
def test_a_bad_code_at_the_counter_says_why_and_changes_nothing(
    staff, personas, shop, frozen, state, status
):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    code = {
        "unknown": "ZZZZ9999",
        "expired": issued.short_code,
        "used": issued.short_code,
        "forged": passes.token_for(issued)[:-2] + "xx",
        "empty": "",
    }[state]
    if state == "expired":
        frozen.shift(datetime.timedelta(minutes=3))
    if state == "used":
        redemption_redeem(
            actor=personas.merchant_staff,
            code=code,
            item=shop.syrup,
            idempotency_key="used-0001",
        )
    before = (Redemption.objects.count(), balance(personas.volunteer_a.person))
    response = staff.post("/rewards/merchant/customer/", {"code": code})
    assert response.status_code == status
    assert 'id="counter-error"' in text(response)
    assert 'id="code-input"' in text(response)
    assert (Redemption.objects.count(), balance(personas.volunteer_a.person)) == before


def test_a_refused_confirm_goes_back_to_the_items_with_the_reason(staff, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    RewardItem.objects.filter(pk=shop.syrup.pk).update(stock=0)  # sold out meanwhile
    response = staff.post(
        "/rewards/merchant/redeem/",
        {"code": issued.short_code, "item": shop.syrup.pk, "idempotency_key": "k" * 32},
    )
    assert response.status_code == 400
    page = text(response)
    assert 'id="counter-error"' in page and "无库存" in page
    assert 'id="customer-name"' in page  # the code is still good: choose another item
    assert not Transfer.objects.filter(kind=Transfer.Kind.REDEMPTION).exists()
    assert balance(personas.volunteer_a.person) == 40


def test_a_confirm_without_its_key_is_refused(staff, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    response = staff.post(
        "/rewards/merchant/redeem/", {"code": issued.short_code, "item": shop.syrup.pk}
    )
    assert response.status_code == 400
    assert not Redemption.objects.exists()


@pytest.mark.parametrize("step", ["confirm", "redeem"])
@pytest.mark.parametrize("item", ["²", str(2**63), "9" * 5000])
def test_an_unreadable_item_is_refused_in_words(staff, personas, shop, step, item):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    response = staff.post(
        f"/rewards/merchant/{step}/",
        {"code": issued.short_code, "item": item, "idempotency_key": "k" * 32},
    )
    assert response.status_code == 400
    assert 'id="counter-error"' in text(response)
    assert not Redemption.objects.exists()


def test_an_item_of_another_merchant_cannot_be_chosen(staff, personas, shop, other_shop):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    response = staff.post(
        "/rewards/merchant/confirm/",
        {"code": issued.short_code, "item": other_shop.items.get().pk},
    )
    assert response.status_code == 400
    assert 'id="counter-error"' in text(response)


def test_refund_asks_for_a_reason_and_confirmation_then_refunds_once(staff, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    code = pass_issue(actor=personas.volunteer_a).short_code
    redemption = redemption_redeem(
        actor=personas.merchant_staff, code=code, item=shop.syrup, idempotency_key="refund-01"
    ).redemption
    url = f"/rewards/redemptions/{redemption.number}/refund/"
    form = text(staff.get(url))
    assert 'id="refund-warning"' in form and 'id="refund-confirm"' in form
    empty = staff.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert Redemption.objects.get().status == Redemption.Status.COMPLETED
    done = staff.post(url, {"reason": "顾客不要了"})
    assert done.status_code == 302
    assert Redemption.objects.get().status == Redemption.Status.REFUNDED
    assert balance(personas.volunteer_a.person) == 40
    page = text(staff.get(f"/rewards/redemptions/{redemption.number}/"))
    assert 'data-status="refunded"' in page and "顾客不要了" in page
    assert 'id="redemption-refund"' not in page
    assert 'id="refund-already"' in text(staff.get(url))
    again = staff.post(url, {"reason": "再退"})
    assert again.status_code == 400
    assert Transfer.objects.filter(kind=Transfer.Kind.REFUND).count() == 1
    volunteer = Client()
    volunteer.force_login(personas.volunteer_a)
    statement = text(volunteer.get("/ledger/"))
    assert "兑换退回" in statement and "冲正" not in statement


def test_the_customer_sees_their_own_name_on_their_redemption(client, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    code = pass_issue(actor=personas.volunteer_a).short_code
    redemption = redemption_redeem(
        actor=personas.merchant_staff, code=code, item=shop.syrup, idempotency_key="own-0001"
    ).redemption
    client.force_login(personas.volunteer_a)
    page = text(client.get(f"/rewards/redemptions/{redemption.number}/"))
    assert 'id="redemption-customer">志愿者甲<' in page
    assert 'id="redemption-refund"' not in page
    mine = text(client.get("/rewards/mine/"))
    assert redemption.number in mine and 'id="mine-spent">10<' in mine
    assert "/ledger/?month=2025-06" in mine


@pytest.mark.parametrize("number", ["R99999999", "nonsense", "R", "0"])
def test_an_unknown_redemption_number_is_404(staff, personas, number):
    assert staff.get(f"/rewards/redemptions/{number}/").status_code == 404


# --- The catalogue ----------------------------------------------------------------------------


def test_the_catalogue_shows_what_is_in_stock_and_what_my_points_cover(client, personas, shop):
    fund(personas, personas.volunteer_a.person, 15)
    client.force_login(personas.volunteer_a)
    page = text(client.get("/rewards/"))
    assert f'id="offer-{shop.syrup.pk}"' in page and f'id="offer-{shop.tea.pk}"' in page
    assert f'id="offer-{shop.gone.pk}"' not in page
    assert 'id="catalogue-markers"' in page and "骑楼糖水铺" in page
    affordable = text(client.get("/rewards/?affordable=1"))
    assert f'id="offer-{shop.syrup.pk}"' in affordable
    assert f'id="offer-{shop.tea.pk}"' not in affordable


def test_the_catalogue_has_an_empty_state(client, personas):
    client.force_login(personas.resident_a)
    assert 'id="catalogue-empty"' in text(client.get("/rewards/"))
    assert 'id="catalogue-empty"' in text(client.get("/rewards/?affordable=1"))


def _merchants(personas, count, start=0):
    for n in range(start, start + count):
        organisation = Organisation.objects.create(
            name=f"商家{n:02d}",
            kind=Organisation.Kind.MERCHANT,
            place=personas.tree.community_a,
            place_path=personas.tree.community_a.path,
        )
        merchant = PartnerMerchant.objects.create(
            organisation=organisation, place_path=organisation.place_path, lat=23.4, lon=111.2
        )
        for m in range(3):
            RewardItem.objects.create(
                merchant=merchant, name=f"商品{m}", points_cost=5 + m, stock=2
            )


@pytest.mark.parametrize("url", ["/rewards/", "/rewards/manage/"])
def test_list_queries_do_not_grow_with_the_page(client, personas, url):
    client.force_login(personas.community_staff_a)
    _merchants(personas, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _merchants(personas, 15, start=2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- Management -------------------------------------------------------------------------------


def test_community_staff_add_a_partner_merchant_and_an_item(client, personas):
    client.force_login(personas.community_staff_a)
    form = text(client.get("/rewards/manage/new/"))
    assert "骑楼糖水铺" in form
    bad = client.post("/rewards/manage/new/", {"organisation": personas.merchant.pk, "lat": "23.4"})
    assert bad.status_code == 400 and not PartnerMerchant.objects.exists()
    response = client.post(
        "/rewards/manage/new/",
        {
            "organisation": personas.merchant.pk,
            "address": "骑楼街12号",
            "lat": "23.41",
            "lon": "111.205",
            "opening_hours": "9:00–21:00",
            "is_active": "on",
        },
    )
    merchant = PartnerMerchant.objects.get()
    assert response["Location"] == f"/rewards/manage/{merchant.pk}/"
    assert 'id="item-empty"' in text(client.get(response["Location"]))
    bad_item = client.post(
        f"/rewards/manage/{merchant.pk}/items/new/",
        {"name": "双皮奶", "points_cost": "0", "stock": "5"},
    )
    assert bad_item.status_code == 400 and not RewardItem.objects.exists()
    client.post(
        f"/rewards/manage/{merchant.pk}/items/new/",
        {"name": "双皮奶", "points_cost": "10", "stock": "5", "is_active": "on"},
    )
    item = RewardItem.objects.get()
    assert (item.points_cost, item.stock, item.is_active) == (10, 5, True)
    client.post(
        f"/rewards/manage/items/{item.pk}/edit/",
        {"name": "双皮奶（大）", "points_cost": "12", "limit_per_person": "2"},
    )
    item.refresh_from_db()
    assert (item.name, item.points_cost, item.limit_per_person, item.is_active) == (
        "双皮奶（大）",
        12,
        2,
        False,
    )


def test_merchant_staff_restock_from_the_merchant_page(client, personas, shop):
    client.force_login(personas.merchant_staff)
    page = text(client.get(f"/rewards/manage/{shop.merchant.pk}/"))
    assert f'id="restock-form-{shop.syrup.pk}"' in page
    assert f'id="item-edit-{shop.syrup.pk}"' not in page and 'id="merchant-edit"' not in page
    url = f"/rewards/manage/items/{shop.syrup.pk}/stock/"
    client.post(url, {"change": "10"})
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 15
    refused = client.post(url, {"change": "-99"}, follow=True)
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 15
    assert "alert-danger" in text(refused)
    client.post(url, {"change": "lots"})
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 15


def test_the_statement_page_shows_the_months_figures(client, personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    for n, item in enumerate([shop.syrup, shop.tea, shop.syrup]):
        code = pass_issue(actor=personas.volunteer_a).short_code
        redemption_redeem(
            actor=personas.merchant_staff, code=code, item=item, idempotency_key=f"stmt-{n:04d}"
        )
    client.force_login(personas.street_chief_a)
    page = text(client.get(f"/rewards/manage/{shop.merchant.pk}/statement/?month=2025-06"))
    assert 'id="statement-redeemed-count">3<' in page
    assert 'id="statement-received">50<' in page
    assert 'id="statement-net">50<' in page
    assert "志**甲" in page and "志愿者甲" not in page
    empty = text(client.get(f"/rewards/manage/{shop.merchant.pk}/statement/?month=2025-05"))
    assert 'id="statement-empty"' in empty


def _redemptions(personas, shop, count, start):
    for n in range(start, start + count):
        code = pass_issue(actor=personas.volunteer_a).short_code
        redemption_redeem(
            actor=personas.merchant_staff, code=code, item=shop.syrup, idempotency_key=f"q-{n:06d}"
        )


@pytest.mark.parametrize("persona, url", [("merchant_staff", "statement"), ("volunteer_a", "mine")])
def test_redemption_lists_queries_do_not_grow(client, personas, shop, persona, url):
    fund(personas, personas.volunteer_a.person, 1000)
    RewardItem.objects.filter(pk=shop.syrup.pk).update(stock=100)
    address = {
        "statement": f"/rewards/manage/{shop.merchant.pk}/statement/",
        "mine": "/rewards/mine/",
    }[url]
    client.force_login(getattr(personas, persona))
    _redemptions(personas, shop, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    _redemptions(personas, shop, 12, 2)
    with CaptureQueriesContext(connection) as many:
        page = text(client.get(address))
    # Numbers come from the primary key, which PostgreSQL's sequences do not rewind between tests.
    numbers = [redemption.number for redemption in Redemption.objects.all()]
    assert len(numbers) == 14 and all(number in page for number in numbers)
    assert len(many) == len(few)


def test_staff_of_two_merchants_choose_their_counter(client, personas, shop, other_shop):
    from meihao.core.roles import Role
    from meihao.people.models import RoleAssignment

    RoleAssignment.objects.create(
        user=personas.merchant_staff, role=Role.MERCHANT_STAFF, organisation=other_shop.organisation
    )
    client.force_login(personas.merchant_staff)
    first = text(client.get("/rewards/merchant/"))
    assert 'id="counter-merchant-select"' in first
    chosen = text(client.get(f"/rewards/merchant/?merchant={other_shop.pk}"))
    assert 'id="counter-merchant">河东粉店<' in chosen
    fund(personas, personas.volunteer_a.person, 40)
    code = pass_issue(actor=personas.volunteer_a).short_code
    customer = text(
        client.post("/rewards/merchant/customer/", {"code": code, "merchant": other_shop.pk})
    )
    assert f'id="choose-item-{other_shop.items.get().pk}"' in customer
    assert f'id="choose-item-{shop.syrup.pk}"' not in customer
    assert client.get("/rewards/merchant/?merchant=999999").status_code == 404
