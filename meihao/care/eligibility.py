"""Who may serve an order: the providers near the elder that offer the item and serve the
elder's home, and, among their staff, who holds the skill (and its certificate in date).

`providers_near` is what an order is offered to (抢单), nearest first; `eligible_providers`
what the officials choose from when they assign one (指派). The kit's nearest-first search
(places.nearby) narrows on the offerings of the item (indexed on item, lat, lon); the other
conditions (active, serves the place, open at the hour or on call) are part of the same query.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from meihao.care.models import (
    CERTIFICATES_FOR_SKILL,
    CareService,
    Certificate,
    Provider,
    ProviderArea,
    ProviderService,
    ProviderStaff,
)
from meihao.core.scoping import ancestor_paths
from meihao.places.nearby import nearest

# Most providers near a home serve other communities (their areas are their own community), so
# the eligible ones lie farther out than the kit's first, small boxes: start at half the reach
# (one query for most homes, two at most; the kit's four steps took up to four).
REACHES = (1 / 2, 1)


@dataclass(frozen=True)
class NearbyProvider:
    provider_id: int
    distance_m: float


def reach_metres() -> int:
    """How far from the elder an offered provider may be."""
    return settings.CARE_PROVIDER_REACH_METRES


def _serving(*, place_path: str, at, urgent: bool, provider: str):
    """The conditions on a provider, reached through `provider` (its key: "pk" on a provider,
    "provider_id" on an offering): a service area over the home, active, open at the local hour
    of `at` (any hour for the ones on call, for one-tap help)."""
    via = "" if provider == "pk" else "provider__"
    serves_home = Exists(
        ProviderArea.objects.filter(
            provider_id=OuterRef(provider), place_path__in=ancestor_paths(place_path)
        )
    )
    conditions = Q(**{f"{via}is_active": True})
    if urgent:
        conditions &= Q(**{f"{via}on_call": True})
    elif at is not None:
        hour = timezone.localtime(at).time()
        conditions &= Q(**{f"{via}opens_at__lte": hour, f"{via}closes_at__gt": hour})
    return serves_home, conditions


def eligible_providers(*, service: CareService, place_path: str, at=None, urgent=False):
    """The providers that may serve `service` at a home of `place_path`: active, offering it,
    with a service area over the home, and open at the local hour of `at` (any hour for the
    ones on call, for one-tap help)."""
    serves_home, conditions = _serving(place_path=place_path, at=at, urgent=urgent, provider="pk")
    offers_item = Exists(
        ProviderService.objects.filter(provider_id=OuterRef("pk"), service_id=service.pk)
    )
    return Provider.objects.filter(serves_home, offers_item, conditions)


def providers_near(
    *,
    service: CareService,
    place_path: str,
    lat: float,
    lon: float,
    at=None,
    urgent: bool = False,
    limit: int = 5,
) -> list[NearbyProvider]:
    """The `limit` eligible providers nearest (lat, lon) within reach, nearest first. The
    search runs on the offerings of the item (ProviderService, indexed on item and position),
    so the box around the home holds only providers of that item."""
    serves_home, conditions = _serving(
        place_path=place_path, at=at, urgent=urgent, provider="provider_id"
    )
    offerings = ProviderService.objects.filter(serves_home, conditions, service_id=service.pk)
    found = nearest(
        offerings,
        lat=lat,
        lon=lon,
        radius_m=reach_metres(),
        limit=limit,
        key="provider_id",
        reaches=REACHES,
    )
    return [NearbyProvider(pk, distance) for distance, pk in found]


def certified(staff: ProviderStaff, skill: str, day: datetime.date) -> bool:
    """Whether `staff` holds a certificate in date on `day` that `skill` needs (or it needs
    none)."""
    needed = CERTIFICATES_FOR_SKILL.get(skill)
    if not needed:
        return True
    return Certificate.objects.filter(
        staff=staff, kind__in=sorted(needed), expires_on__gte=day
    ).exists()


def staff_overlapping(staff: ProviderStaff, starts_at, ends_at, *, exclude_case=None):
    """The staff member's open orders whose time overlaps [starts_at, ends_at)."""
    from meihao.care.models import CareOrder
    from meihao.cases.states import TERMINAL_STATES

    orders = CareOrder.objects.filter(
        Q(starts_at__lt=ends_at) & Q(ends_at__gt=starts_at), staff=staff
    ).exclude(case__status__in=TERMINAL_STATES)
    if exclude_case is not None:
        orders = orders.exclude(case_id=exclude_case.pk)
    return orders
