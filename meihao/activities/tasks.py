"""Huey jobs of the activities: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.activities.attendance import activities_finish_overdue


@db_periodic_task(crontab(minute="20"))
def activities_finish_overdue_task():
    """Hourly: finish activities their organisers forgot to finish (idempotent)."""
    return len(activities_finish_overdue())
