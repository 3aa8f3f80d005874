"""Time on site, read from a help request's timeline: each check-in (`start`) to the next
check-out (`report_back`) is one visit; a request sent back by the requester (reopen) is
finished in a further visit, and the visits add up.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

# One request counts at most half a day of help, whatever the clock says (a helper who forgets
# to check out does not bank the night).
MAX_MINUTES_PER_REQUEST = 4 * 60


@dataclass(frozen=True)
class Visit:
    checked_in: datetime
    checked_out: datetime | None

    @property
    def duration(self) -> timedelta:
        return (self.checked_out - self.checked_in) if self.checked_out else timedelta()


def visits(events) -> list[Visit]:
    """The visits in `events` (a case's timeline, oldest first); the last may be open."""
    found = []
    checked_in = None
    for event in events:
        if event.action == "start":
            checked_in = event.created_at
        elif event.action == "report_back" and checked_in is not None:
            found.append(Visit(checked_in, event.created_at))
            checked_in = None
    if checked_in is not None:
        found.append(Visit(checked_in, None))
    return found


def minutes_on_site(events) -> int:
    """Whole minutes on site over every finished visit (half a minute rounds up), at most the
    per-request cap."""
    seconds = sum(v.duration.total_seconds() for v in visits(events))
    return min(int((seconds + 30) // 60), MAX_MINUTES_PER_REQUEST)
