"""Home care's pages as people use them: the elder orders lunch on her large-text page with the
price spelt out, the cook takes it and checks in and out, the daughter confirms and rates; every
page closed to whoever is not the elder's, and bad input refused with nothing written."""

import pytest

from meihao.care import services
from meihao.care.models import CareOrder
from meihao.care.tests.conftest import HOME
from meihao.cases.models import Status
from meihao.core.roles import Role
from meihao.core.testing import make_user


@pytest.fixture
def ordered(client, elder, allowance, meal, canteen, cook, grandma_user):
    client.force_login(grandma_user)
    form = f"/care/elders/{elder.pk}/order/{meal.code}/"
    client.post(form, {"day": "2026-12-06", "time": "11:30", "confirm": "1", "key": "k1"})
    return CareOrder.objects.get()


def test_the_elder_orders_lunch_seeing_the_price_and_the_vouchers_share_first(
    client, elder, allowance, meal, canteen, cook, grandma_user
):
    client.force_login(grandma_user)
    assert client.get("/care/")["Location"] == f"/care/elders/{elder.pk}/"
    home = client.get(f"/care/elders/{elder.pk}/").content.decode()
    assert 'class="large-text"' in home and 'id="help-call"' in home
    assert 'id="voucher-balance">¥100<' in home
    form = f"/care/elders/{elder.pk}/order/{meal.code}/"
    assert form in home
    preview = client.post(form, {"day": "2026-12-06", "time": "11:30"})
    page = preview.content.decode()
    assert preview.status_code == 200 and not CareOrder.objects.exists()
    assert 'id="price-total">¥12<' in page and 'id="price-vouchers">¥6<' in page
    key = page.split('name="key" value="')[1].split('"')[0]
    data = {"day": "2026-12-06", "time": "11:30", "confirm": "1", "key": key}
    done = client.post(form, data)
    order = CareOrder.objects.get()
    assert done["Location"] == f"/care/orders/{order.case.number}/"
    client.post(form, data)  # the same confirmation sent twice: one order
    assert CareOrder.objects.count() == 1
    shown = client.get(done["Location"]).content.decode()
    assert "长者食堂午餐" in shown and 'id="order-cancel"' in shown


@pytest.mark.parametrize(
    "data",
    [
        {"day": "2026-12-01", "time": "11:30", "confirm": "1"},  # the past
        {"day": "2026-12-06", "time": "25:00", "confirm": "1"},
        {"day": "not a day", "time": "11:30", "confirm": "1"},
        {"day": "2026-12-06", "time": "22:30", "confirm": "1"},  # not in the list
        {"day": "2026-12-06", "time": "20:30", "confirm": "1"},  # the canteen is closed
        {"day": "2026-12-06", "time": "11:30", "confirm": "1", "note": "x" * 201},
    ],
)
def test_bad_orders_are_refused_on_the_form_and_write_nothing(
    client, elder, meal, canteen, grandma_user, data
):
    client.force_login(grandma_user)
    refused = client.post(f"/care/elders/{elder.pk}/order/{meal.code}/", data)
    assert refused.status_code == 400 and 'id="order-error"' in refused.content.decode()
    assert not CareOrder.objects.exists()


def test_the_cook_takes_it_checks_in_and_out_the_daughter_confirms_and_rates(
    client, personas, ordered, elder, cook, daughter
):
    number = ordered.case.number
    client.force_login(cook)
    work = client.get("/care/work/").content.decode()
    assert f'data-order="{number}"' in work
    client.post(f"/care/orders/{number}/take/")
    far = client.post(
        f"/care/orders/{number}/check-in/",
        {"lat": "23.42", "lon": "111.205", "next": "/care/work/"},
    )
    assert far.status_code == 302 and CareOrder.objects.get().checked_in_at is None
    client.post(f"/care/orders/{number}/check-in/", {"lat": HOME[0], "lon": HOME[1]})
    client.post(f"/care/orders/{number}/check-out/", {"lat": HOME[0], "lon": HOME[1]})
    client.force_login(daughter)
    page = client.get(f"/care/orders/{number}/").content.decode()
    assert 'data-action="confirm"' in page
    # Her own share (¥6) is more than her account holds: refused, nothing paid.
    refused = client.post(f"/care/orders/{number}/confirm/", {"next": "/care/"})
    assert refused.status_code == 302
    assert CareOrder.objects.get().case.status == Status.REPORTED_BACK
    services.wallet_top_up(
        actor=personas.community_staff_a, elder=elder, cents=2000, receipt="SJ-0002"
    )
    client.post(f"/care/orders/{number}/confirm/")
    order = CareOrder.objects.get()
    assert order.case.status == Status.CLOSED and order.voucher_cents == 600
    client.post(f"/care/orders/{number}/rate/", {"score": "5"})
    assert CareOrder.objects.get().score == 5
    canteen = CareOrder.objects.get().provider
    assert canteen.rating_count == 1 and canteen.rating == 5
    # Closed: the cook no longer reads her name.
    client.force_login(cook)
    closed = client.get(f"/care/orders/{number}/").content.decode()
    assert "黄阿婆" not in closed and "黄**" in closed


def test_nobody_else_reaches_her_pages_or_her_order(client, personas, ordered, elder):
    stranger_cook = make_user("13900000399", "别家厨师", home=personas.tree.grid_b1)
    for outsider in (personas.resident_b, personas.grid_worker_b, personas.outsider, stranger_cook):
        client.force_login(outsider)
        assert client.get(f"/care/elders/{elder.pk}/").status_code == 404
        assert client.get(f"/care/orders/{ordered.case.number}/").status_code == 404
        assert client.post(f"/care/orders/{ordered.case.number}/take/").status_code == 404
        assert client.post(f"/care/elders/{elder.pk}/help/").status_code == 404
    assert CareOrder.objects.count() == 1
    client.force_login(personas.community_staff_a)
    assert client.get(f"/care/elders/{elder.pk}/").status_code == 200
    listed = client.get("/care/orders/").content.decode()
    assert ordered.case.number in listed and "黄**" in listed
    for junk in ("abc", "99999999", "-1"):
        assert client.get(f"/care/elders/{junk}/").status_code == 404
        assert client.get(f"/care/providers/{junk}/").status_code == 404


def test_one_tap_help_tells_the_family_and_the_grid_worker_at_once(
    client, personas, elder, canteen, cook, grandma_user, daughter
):
    from meihao.notify.models import Message

    client.force_login(grandma_user)
    done = client.post(f"/care/elders/{elder.pk}/help/")
    order = CareOrder.objects.get()
    assert order.urgent and done["Location"] == f"/care/orders/{order.case.number}/"
    told = set(Message.objects.filter(kind="care_help_call").values_list("recipient", flat=True))
    assert {daughter.pk, personas.grid_worker_a.pk, cook.pk} <= told
    client.post(f"/care/elders/{elder.pk}/help/")  # a second tap: the same call
    assert CareOrder.objects.count() == 1


def test_a_provider_is_listed_for_the_officials_of_its_place_only(client, personas, canteen, cook):
    client.force_login(personas.community_staff_a)
    assert canteen.name in client.get("/care/providers/").content.decode()
    page = client.get(f"/care/providers/{canteen.pk}/").content.decode()
    assert "食堂厨师" in page
    outsider = make_user(
        "13800000093", "城南社工", roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)]
    )
    client.force_login(outsider)
    assert client.get(f"/care/providers/{canteen.pk}/").status_code == 404
    assert canteen.name not in client.get("/care/providers/").content.decode()
