"""The micro-wish figure in the indicator registry counts the wishes behind it."""

from django.utils import timezone

from meihao.cases.models import Case, Status
from meihao.insights import figures, rollups
from meihao.insights.models import RollupDirty
from meihao.insights.registry import REGISTRY, Span
from meihao.wishes import services


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


def test_publishing_a_wish_marks_its_day_for_the_rollup_rows(personas, ordered):
    """The fulfilment rate is summed from rollup rows; publishing a wish writes its time with a
    queryset UPDATE (no save), so the service marks the day itself: read live until the worker
    recomputes it, then from the rows, the wish counted."""
    indicator = REGISTRY["wish_fulfilment_rate"]
    today = timezone.localdate()
    span = Span.of(personas.tree.community_a.path, today.replace(day=1), today)
    case = ordered()
    rollups.rebuild(indicator)
    assert figures.measure(indicator, span).denominator == 0
    services.wish_publish(case=case, actor=personas.community_staff_a)
    assert RollupDirty.objects.filter(indicator=indicator.code, day=today).exists()
    assert figures.measure(indicator, span).denominator == 1  # live meanwhile
    rollups.refresh()
    assert rollups.readable(indicator, span)
    assert rollups.stored(indicator, span) == indicator.measure(span)
    assert rollups.stored(indicator, span).denominator == 1
