from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.bulletins.services import notices_publish_due


@db_periodic_task(crontab(minute="*/5"))
def notices_publish_due_task():
    """Every five minutes: push the scheduled notices whose time has come (each once)."""
    return notices_publish_due()
