"""Who may serve an order: the providers near the elder that offer the item and serve the
elder's home, and, among their staff, who holds the skill (and its certificate in date).

`providers_near` is what an order is offered to (抢单), nearest first, and what the officials
choose from when they assign one (指派). The kit's nearest-first search (places.nearby) does
the narrowing on the providers' indexed position; the conditions (active, offers the item,
serves the place, open at the hour or on call) are part of the same query.
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
    ProviderStaff,
)
from meihao.core.scoping import ancestor_paths
from meihao.places.nearby import nearest


@dataclass(frozen=True)
class NearbyProvider:
    provider_id: int
    distance_m: float


def reach_metres() -> int:
    """How far from the elder an offered provider may be."""
    return settings.CARE_PROVIDER_REACH_METRES


def eligible_providers(*, service: CareService, place_path: str, at=None, urgent=False):
    """The providers that may serve `service` at a home of `place_path`: active, offering it,
    with a service area over the home, and open at the local hour of `at` (any hour for the
    ones on call, for one-tap help)."""
    serves_home = Exists(
        ProviderArea.objects.filter(
            provider_id=OuterRef("pk"), place_path__in=ancestor_paths(place_path)
        )
    )
    # The item as a correlated test, not a join nor an IN list: the database then narrows by
    # the position's index (places.nearby's box) and checks the item and the area for the few
    # providers in the box.
    offers_item = Exists(
        Provider.services.through.objects.filter(
            provider_id=OuterRef("pk"), careservice_id=service.pk
        )
    )
    providers = Provider.objects.filter(serves_home, offers_item, is_active=True)
    if urgent:
        return providers.filter(on_call=True)
    if at is not None:
        hour = timezone.localtime(at).time()
        providers = providers.filter(opens_at__lte=hour, closes_at__gt=hour)
    return providers


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
    """The `limit` eligible providers nearest (lat, lon) within reach, nearest first."""
    rows = eligible_providers(service=service, place_path=place_path, at=at, urgent=urgent)
    found = nearest(rows, lat=lat, lon=lon, radius_m=reach_metres(), limit=limit, box_first=True)
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
