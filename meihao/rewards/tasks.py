"""Huey jobs of the rewards app: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.rewards.services import passes_purge


@db_periodic_task(crontab(hour="3", minute="20"))
def passes_purge_task():
    """Nightly: forget the one-time passes that expired unused (nothing refers to them)."""
    return passes_purge()
