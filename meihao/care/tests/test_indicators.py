"""Home care's figures, from the orders: December's three lunches for 黄阿婆."""

import datetime

from meihao.care.models import CareOrder
from meihao.cases.services import case_rate
from meihao.insights.registry import REGISTRY, Span, ranked

DECEMBER = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


def test_the_figures_count_the_services_the_elders_and_the_money(personas, december, daughter):
    late = december[2]
    CareOrder.objects.filter(pk=late.pk).update(
        checked_in_at=late.starts_at + datetime.timedelta(minutes=40)
    )
    case_rate(case=december[0].case, actor=daughter, score=5)
    case_rate(case=december[1].case, actor=daughter, score=2)
    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    assert REGISTRY["care_services"].measure(span).value == 3
    assert REGISTRY["care_elders_served"].measure(span).value == 1
    on_time = REGISTRY["care_on_time_rate"].measure(span)
    assert (on_time.numerator, on_time.denominator) == (2, 3)
    confirmed = REGISTRY["care_confirmed_rate"].measure(span)
    assert (confirmed.numerator, confirmed.denominator) == (3, 3)
    satisfied = REGISTRY["care_satisfaction_rate"].measure(span)
    assert (satisfied.numerator, satisfied.denominator) == (1, 2)
    assert REGISTRY["care_subsidy_spent"].measure(span).value == 18.0
    assert REGISTRY["care_providers_active"].measure(span).value == 1
    # By family and by 医养娱教: all three are meals (助餐), daily care (养).
    indicator = REGISTRY["care_services"]
    families = ranked(indicator, indicator.ranking("family"), span)
    assert [(row["name"], row["measure"].value) for row in families] == [("助餐", 3)]
    kinds = ranked(indicator, indicator.ranking("kind"), span)
    assert [(row["name"], row["measure"].value) for row in kinds] == [("养", 3)]
    record = indicator.records(span).first()
    assert indicator.link(record) == f"/care/orders/{record.case.number}/"
    assert indicator.columns[3].value(record) == "黄**"
    # Another community, or November: none of them.
    other = Span.of(personas.tree.community_b.path, *DECEMBER)
    assert REGISTRY["care_services"].measure(other).value == 0
    november = Span.of(
        personas.tree.community_a.path, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    )
    assert REGISTRY["care_services"].measure(november).value == 0
