"""Star levels (星级志愿者) from cumulative credited service hours.

The thresholds are `settings.VOLUNTEER_STAR_HOURS`, ascending hours for one star, two stars, …
(default 100 / 300 / 600 / 1,000 / 1,500, the common national scale). A volunteer's star level
is the number of thresholds their hours have reached.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_STAR_HOURS = (100, 300, 600, 1000, 1500)


def star_hours() -> tuple[int, ...]:
    """The configured thresholds, checked: positive whole hours, strictly ascending."""
    hours = tuple(getattr(settings, "VOLUNTEER_STAR_HOURS", DEFAULT_STAR_HOURS))
    if not hours or any(not isinstance(h, int) or h <= 0 for h in hours):
        raise ImproperlyConfigured("VOLUNTEER_STAR_HOURS must be positive whole hours.")
    if any(later <= earlier for earlier, later in zip(hours, hours[1:], strict=False)):
        raise ImproperlyConfigured("VOLUNTEER_STAR_HOURS must be strictly ascending.")
    return hours


def star_level(minutes: int) -> int:
    """Stars earned by `minutes` of credited service: compared in minutes, so 99 h 59 min is
    not yet 100 hours."""
    return sum(1 for hours in star_hours() if minutes >= hours * 60)


def next_star_minutes(minutes: int) -> int | None:
    """Minutes still to serve for the next star, or None at the top level."""
    for hours in star_hours():
        if minutes < hours * 60:
            return hours * 60 - minutes
    return None
