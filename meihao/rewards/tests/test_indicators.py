"""The rewards figure in the indicator registry equals the redemptions behind it."""

import datetime

from meihao.insights.registry import REGISTRY, Span
from meihao.rewards.tests.test_statements import month_of_activity


def test_points_redeemed_are_the_points_of_the_redemptions_listed(personas, shop, frozen):
    month_of_activity(personas, shop, frozen)
    indicator = REGISTRY["points_redeemed"]
    june = Span.of(
        personas.tree.district.path, datetime.date(2025, 6, 1), datetime.date(2025, 6, 30)
    )
    records = list(indicator.records(june))
    assert [r.number for r in records] and len(records) == 2  # the tea and a syrup; one refunded
    assert indicator.measure(june).value == sum(r.points for r in records) == 40
    may = Span.of(
        personas.tree.district.path, datetime.date(2025, 5, 1), datetime.date(2025, 5, 31)
    )
    assert indicator.measure(may).value == 10  # May's first syrup was refunded in June
    street_b = Span.of(personas.tree.street_b.path, june.first_day, june.last_day)
    assert indicator.measure(street_b).value == 0 and not indicator.records(street_b).exists()
    assert (
        indicator.link(records[0]) == f"/rewards/manage/{shop.merchant.pk}/statement/?month=2025-06"
    )
