"""The micro-wish figure in the indicator registry counts the wishes behind it."""

from django.utils import timezone

from meihao.cases.models import Case, Status
from meihao.insights.registry import REGISTRY, Span


def test_the_fulfilment_rate_counts_its_wishes(personas, published):
    wishes = [published() for _n in range(3)]
    Case.objects.filter(pk=wishes[0].pk).update(status=Status.CLOSED)
    indicator = REGISTRY["wish_fulfilment_rate"]
    today = timezone.localdate()
    span = Span.of(personas.tree.community_a.path, today.replace(day=1), today)
    records = list(indicator.records(span))
    measure = indicator.measure(span)
    assert (
        (measure.numerator, measure.denominator)
        == (1, 3)
        == (
            sum(1 for w in records if w.in_numerator),
            len(records),
        )
    )
    assert indicator.link(records[0]) == f"/wishes/{records[0].case.number}/"
    elsewhere = Span.of(personas.tree.community_b.path, span.first_day, span.last_day)
    assert indicator.measure(elsewhere).value is None
