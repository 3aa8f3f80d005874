"""Indicators of volunteering: named functions of the service records, for any place subtree
(a path prefix) and any period of service dates [start, end).

* service_hours — hours served (reversals included: a reversed record counts zero).
* service_hours_by — the same, per street, community or grid, in ONE grouped query.
* active_volunteers — people with a positive balance of service in the period.
"""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import Substr

from meihao.activities.models import ServiceRecord
from meihao.insights.indicators import PATH_LENGTH


def _records(path: str, start: datetime.date, end: datetime.date):
    return ServiceRecord.objects.filter(
        place_path__startswith=path, service_date__gte=start, service_date__lt=end
    )


def service_hours(path: str, start: datetime.date, end: datetime.date) -> float:
    minutes = _records(path, start, end).aggregate(total=Sum("minutes", default=0))["total"]
    return round(minutes / 60, 1)


def service_hours_by(
    path: str, start: datetime.date, end: datetime.date, *, level: str
) -> dict[str, float]:
    """Hours per place at `level` ("street", "community", "grid") inside `path`, keyed by the
    place's path."""
    rows = (
        _records(path, start, end)
        .annotate(group=Substr("place_path", 1, PATH_LENGTH[level]))
        .values("group")
        .annotate(total=Sum("minutes"))
        .order_by("group")
    )
    return {row["group"]: round(row["total"] / 60, 1) for row in rows if row["total"]}


def active_volunteers(path: str, start: datetime.date, end: datetime.date) -> int:
    served = (
        _records(path, start, end)
        .values("person")
        .annotate(total=Sum("minutes"), records=Count("pk"))
        .filter(total__gt=0)
    )
    return served.count()
