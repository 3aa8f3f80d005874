"""Huey tasks of the outbox: thin wrappers over `notify.delivery`.

`notify.deliver` is queued when a transaction that wrote messages commits; `notify.deliver_due`
runs every minute and sends whatever is due: retries whose back-off has passed, deliveries whose
queued task was lost, and claims whose worker died mid-send (lease expired). Both are idempotent:
a delivery is only sent by the worker holding its lease.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from meihao.notify import delivery


@db_task(name="notify.deliver")
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    return delivery.deliver_ids(delivery_ids)


@db_periodic_task(crontab(minute="*"), name="notify.deliver_due")
def deliver_due() -> dict[str, int]:
    return delivery.deliver_due()
