"""The items residents apply for, as the application form and the filing read them.

Every application reads its item with the materials it needs and its current guide version:
three queries that cost more than writing the application itself, for rows that change when an
editor publishes a new version. So the items are kept per process in a
`core.snapshot.ProcessSnapshot`, filled as they are asked for: `item_save` tells every process
after its commit, and the fingerprint (count, highest id, latest `updated_at` of the items; a new
version or new materials always save the item) catches what is written around it.

The cached rows are shared by every request of the process: read them, never change them.
"""

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery

from meihao.catalogue.models import ServiceItem, ServiceItemVersion
from meihao.core.errors import NotFound
from meihao.core.snapshot import ProcessSnapshot

# A district's catalogue has a few thousand items; a city-size one about 15,000. Past this many
# the rest are read each time rather than held.
HELD_AT_MOST = 20_000


def _fingerprint() -> tuple:
    stats = ServiceItem.objects.aggregate(
        count=Count("pk"), last=Max("pk"), change=Max("updated_at")
    )
    return stats["count"], stats["last"], stats["change"]


ITEMS = ProcessSnapshot("catalogue:items-to-apply", build=dict, fingerprint=_fingerprint)


def items_changed() -> None:
    """Call inside the transaction that changed an item: every process forgets its copies
    once it commits."""
    transaction.on_commit(ITEMS.changed)


def item_to_apply(code: str) -> ServiceItem:
    """A published item with its materials and, as `current_guide_id`, its current guide
    version: what the application form and the filing need."""
    held = ITEMS.get()
    item = held.get(code)
    if item is not None:
        return item
    current = ServiceItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number")
    found = list(
        ServiceItem.objects.published()
        .filter(code=code)
        .annotate(current_guide_id=Subquery(current.values("pk")[:1]))
        .prefetch_related("materials")[:1]
    )
    if not found:
        raise NotFound()
    if len(held) < HELD_AT_MOST:
        held[code] = found[0]
    return found[0]


def current_guide_id(item: ServiceItem) -> int | None:
    """The id of the item's current guide version (None before its first)."""
    if hasattr(item, "current_guide_id"):
        return item.current_guide_id
    return item.versions.order_by("-number").values_list("pk", flat=True).first()
