"""Huey jobs of 云家庭: thin wrappers over its services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.eldercare.visits import visits_schedule


@db_periodic_task(crontab(minute="5", hour="6"))
def visits_schedule_task():
    """Daily at 06:05: file the period's visit of every elder living alone aged 80 or more."""
    return visits_schedule()
