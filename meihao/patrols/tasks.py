"""Huey jobs of patrols: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.patrols.services import patrol_end_stale


@db_periodic_task(crontab(minute="*/15"))
def patrol_end_stale_task():
    """Every 15 minutes: end patrols left active for over four hours, at their last point."""
    return len(patrol_end_stale())
