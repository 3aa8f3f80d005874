"""Huey jobs of the supervision register: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.supervision.services import remind_overdue_visits


@db_periodic_task(crontab(hour="8", minute="20"))
def remind_overdue_visits_task():
    """Daily at 08:20: tell the responsible officers of the visits overdue."""
    return remind_overdue_visits()
