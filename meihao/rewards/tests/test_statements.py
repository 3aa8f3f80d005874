"""Monthly figures: the merchant's statement for settlement and the person's redemptions."""

import datetime
import io

from openpyxl import load_workbook

from meihao.rewards import selectors
from meihao.rewards.services import pass_issue, redemption_redeem, redemption_refund
from meihao.rewards.tests.conftest import TZ, fund


def redeem(personas, item, key, user=None):
    code = pass_issue(actor=user or personas.volunteer_a).short_code
    return redemption_redeem(
        actor=personas.merchant_staff, code=code, item=item, idempotency_key=key
    ).redemption


def refund(personas, redemption, reason="退货"):
    return redemption_refund(actor=personas.merchant_staff, redemption=redemption, reason=reason)


def month_of_activity(personas, shop, frozen):
    """May: two syrups (one refunded in June). June: a tea and two syrups, one refunded."""
    fund(personas, personas.volunteer_a.person, 200)
    fund(personas, personas.resident_a.person, 200)
    frozen.move_to(datetime.datetime(2025, 5, 31, 23, 50, tzinfo=TZ))
    may_1 = redeem(personas, shop.syrup, "may-00001")
    redeem(personas, shop.syrup, "may-00002", user=personas.resident_a)
    frozen.move_to(datetime.datetime(2025, 6, 2, 9, 0, tzinfo=TZ))
    refund(personas, may_1)
    redeem(personas, shop.tea, "june-0001")
    june_2 = redeem(personas, shop.syrup, "june-0002")
    redeem(personas, shop.syrup, "june-0003", user=personas.resident_a)
    refund(personas, june_2)


def test_the_merchant_statement_counts_refunds_in_the_month_they_were_made(personas, shop, frozen):
    month_of_activity(personas, shop, frozen)
    may = selectors.merchant_statement(shop.merchant, year=2025, month=5)
    assert (may.redeemed_count, may.points_received) == (2, 20)
    assert (may.refunded_count, may.points_refunded, may.net_points) == (0, 0, 20)
    june = selectors.merchant_statement(shop.merchant, year=2025, month=6)
    assert (june.redeemed_count, june.points_received) == (3, 50)
    assert (june.refunded_count, june.points_refunded) == (2, 20)
    assert june.net_points == 30
    assert [(r["item__name"], r["n"], r["points"]) for r in june.by_item] == [
        ("凉茶", 1, 30),
        ("双皮奶", 2, 20),
    ]
    # May and June's nets add up to what the merchant's account holds.
    from meihao.ledger.models import Account

    account = Account.objects.get(organisation=personas.merchant)
    assert account.balance == may.net_points + june.net_points
    rows = selectors.merchant_month_redemptions(shop.merchant, year=2025, month=6)
    assert len(rows) == 4  # three made in June, and May's refunded in June
    july = selectors.merchant_statement(shop.merchant, year=2025, month=7)
    assert (july.redeemed_count, july.net_points) == (0, 0)


def test_a_persons_month_lists_their_redemptions(personas, shop, frozen):
    month_of_activity(personas, shop, frozen)
    person = personas.volunteer_a.person
    june = list(selectors.person_month_redemptions(person, year=2025, month=6))
    assert [r.item.name for r in june] == ["双皮奶", "凉茶"]  # newest first
    assert selectors.person_month_points(person, year=2025, month=6) == 30  # the refund excluded
    assert selectors.person_month_points(person, year=2025, month=5) == 0  # refunded since
    assert len(selectors.person_month_redemptions(person, year=2025, month=5)) == 1


def test_the_statement_exports_to_excel(client, personas, shop, frozen):
    month_of_activity(personas, shop, frozen)
    client.force_login(personas.merchant_staff)
    response = client.get(
        f"/rewards/manage/{shop.merchant.pk}/statement/?month=2025-06&format=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "rewards-statement" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    summary, detail = book.worksheets
    values = list(summary.iter_rows(values_only=True))
    assert values[0][0] == "骑楼糖水铺"
    figures = {row[0]: row[1:] for row in values if row and row[0]}
    assert figures["兑换"][:2] == (3, 50)
    assert figures["退款"][:2] == (2, -20)
    assert figures["结算净额"][1] == 30
    numbers = [row[0] for row in detail.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 4
    customers = {row[3] for row in detail.iter_rows(min_row=2, values_only=True)}
    assert customers == {"志**甲", "居*甲"}
