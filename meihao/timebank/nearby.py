"""The nearest eligible helpers for a help request: the "10-minute service circle" (十分钟服务圈).

Eligible: members of the request's community who are available, offer the kind of help asked
for (or list no particular kind), are not the person helped or paying, and are within the
circle (TIMEBANK_CIRCLE_METRES, 800 m by default). The nearest of them are found by the kit's
search (places.nearby) on the indexed (community, available, lat, lon).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from meihao.places.nearby import nearest
from meihao.timebank.models import TimeBankMember


@dataclass(frozen=True)
class NearbyHelper:
    member: TimeBankMember
    distance_m: float


def circle_metres() -> int:
    return settings.TIMEBANK_CIRCLE_METRES


def eligible_helpers(
    *,
    lat: float,
    lon: float,
    community_path: str,
    category=None,
    exclude_people=(),
    radius_m: int | None = None,
    limit: int = 10,
) -> list[NearbyHelper]:
    """The `limit` nearest eligible members within the circle around (lat, lon), nearest first
    (ties by member id), each with its great-circle distance in metres."""
    members = TimeBankMember.objects.filter(community_path=community_path, available=True)
    if category is not None:
        members = members.filter(Q(skills=category) | Q(skills__isnull=True))
    if exclude_people:
        members = members.exclude(person_id__in=list(exclude_people))
    found = nearest(members, lat=lat, lon=lon, radius_m=radius_m or circle_metres(), limit=limit)
    loaded = TimeBankMember.objects.select_related("person__user").in_bulk(
        [pk for _distance, pk in found]
    )
    return [NearbyHelper(loaded[pk], distance) for distance, pk in found]
