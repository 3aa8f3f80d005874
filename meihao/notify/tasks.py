"""Huey tasks of the outbox: thin wrappers over `notify.delivery` and `notify.fanout`.

`notify.deliver` is queued when a transaction that wrote messages commits; `notify.deliver_due`
runs every minute and sends whatever is due: retries whose back-off has passed, deliveries whose
queued task was lost, and claims whose worker died (lease expired). Both are idempotent:
a delivery is only sent by the worker holding its lease. `notify.fan_out` (queued when a
transaction that recorded an event commits) and `notify.fan_out_due` do the same for events
whose messages the worker writes. `notify.send_digests` sends, every minute, the digests whose
window has ended (`notify.digests`).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from meihao.notify import delivery, digests, fanout


@db_task(name="notify.deliver")
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    return delivery.deliver_ids(delivery_ids)


@db_periodic_task(crontab(minute="*"), name="notify.deliver_due")
def deliver_due() -> dict[str, int]:
    return delivery.deliver_due()


@db_task(name="notify.fan_out")
def fan_out() -> dict[str, int]:
    return fanout.fan_out_due()


@db_periodic_task(crontab(minute="*"), name="notify.fan_out_due")
def fan_out_due() -> dict[str, int]:
    return fanout.fan_out_due()


@db_periodic_task(crontab(minute="*"), name="notify.send_digests")
def send_digests() -> int:
    return digests.send_due_digests()
