"""Huey jobs of 好差评: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.ratings.services import rating_invitations


@db_periodic_task(crontab(minute="17", hour="10"))
def rating_invitations_task():
    """Daily at 10:17: invite the requesters of services finished days ago to rate them."""
    return rating_invitations()
