"""Reads of activities, sign-ups, attendance and service records, scoped to the asking user."""

from django.db.models import Sum

from meihao.activities.models import ServiceRecord


def service_minutes(person, *, since=None, until=None, place_path=None) -> int:
    """The volunteer's service minutes (reversals included), optionally over a date range
    [since, until] and inside a place subtree. Stars, certificates and hours per street read
    this."""
    records = ServiceRecord.objects.filter(person=person)
    if since is not None:
        records = records.filter(service_date__gte=since)
    if until is not None:
        records = records.filter(service_date__lte=until)
    if place_path:
        records = records.filter(place_path__startswith=place_path)
    return records.aggregate(total=Sum("minutes"))["total"] or 0
