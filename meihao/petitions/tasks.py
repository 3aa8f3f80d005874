"""Huey jobs of the online petitions: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.petitions.services import petitions_urge_overdue


@db_periodic_task(crontab(minute="7"))
def petitions_urge_overdue_task():
    """Hourly: urge the petitions past their reply deadline (at most once a day each)."""
    return petitions_urge_overdue()
