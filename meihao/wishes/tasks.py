"""Huey jobs of the micro-wishes: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.wishes.services import wishes_escalate_unclaimed


@db_periodic_task(crontab(minute="20"))
def wishes_escalate_unclaimed_task():
    """Hourly: escalate wishes unclaimed for WISH_UNCLAIMED_DAYS (each exactly once)."""
    return len(wishes_escalate_unclaimed())
