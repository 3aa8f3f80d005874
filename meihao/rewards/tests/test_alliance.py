"""红袖章商家联盟: staff mark partner merchants that back the red armbands; residents list them on
their own in the catalogue, and the figure counts them."""

import datetime

from meihao.insights.registry import REGISTRY, Span
from meihao.rewards import services
from meihao.rewards.models import PartnerMerchant


def test_staff_mark_a_merchant_and_residents_find_the_alliance(client, personas, shop, other_shop):
    client.force_login(personas.community_staff_a)
    response = client.post(
        f"/rewards/manage/{shop.merchant.pk}/edit/",
        {"address": "骑楼街12号", "is_active": "on", "red_armband_alliance": "on"},
    )
    assert response.status_code == 302
    assert PartnerMerchant.objects.get(pk=shop.merchant.pk).red_armband_alliance
    client.force_login(personas.volunteer_a)
    everything = client.get("/rewards/").content.decode()
    assert "河东粉店" in everything and "data-alliance" in everything
    alliance = client.get("/rewards/?alliance=1").content.decode()
    assert "骑楼糖水铺" in alliance and "河东粉店" not in alliance
    # Unmarked again: the alliance listing is empty and says so.
    services.partner_merchant_update(
        actor=personas.community_staff_a, merchant=shop.merchant, address="骑楼街12号"
    )
    assert 'id="catalogue-empty"' in client.get("/rewards/?alliance=1").content.decode()


def test_the_alliance_is_counted_for_the_place(personas, shop, other_shop):
    PartnerMerchant.objects.filter(pk__in=[shop.merchant.pk, other_shop.pk]).update(
        red_armband_alliance=True
    )
    today = datetime.date.today()
    street_a = Span.of(personas.tree.street_a.path, today, today)
    district = Span.of(personas.tree.district.path, today, today)
    assert REGISTRY["red_armband_merchants"].measure(street_a).value == 1
    assert REGISTRY["red_armband_merchants"].measure(district).value == 2
    PartnerMerchant.objects.filter(pk=other_shop.pk).update(is_active=False)
    assert REGISTRY["red_armband_merchants"].measure(district).value == 1
