"""The lecture menu's periodic job, run by the worker (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.lectures.services import remind_orders_waiting


@db_periodic_task(crontab(day_of_week="1", hour="9", minute="20"))
def remind_orders_waiting_task():
    """Mondays at 09:20: tell each street of its residents' orders waiting for a session."""
    return remind_orders_waiting()
