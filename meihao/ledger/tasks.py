"""Huey jobs of the ledger: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.ledger.expiry import points_expire


@db_periodic_task(crontab(hour="1", minute="10"))
def points_expire_task():
    """Nightly: expire points past their last year (writes nothing twice; off by default)."""
    return len(points_expire())
