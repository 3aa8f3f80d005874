"""Huey jobs of the party organisations: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.party.meetings import remind_meetings_due


@db_periodic_task(crontab(hour="9", minute="10"))
def remind_meetings_due_task():
    """Daily at 09:10: tell secretaries of the meetings their period still owes."""
    return remind_meetings_due()
