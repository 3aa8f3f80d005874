"""Huey jobs of the legal-advisor app: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.legal.services import advisors_remind_short_hours


@db_periodic_task(crontab(hour="9", minute="5"))
def advisors_remind_short_hours_task():
    """Daily at 09:05: in the month's last week, remind the advisors short of their hours."""
    return advisors_remind_short_hours()
