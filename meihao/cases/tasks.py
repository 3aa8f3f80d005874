"""Huey jobs of the case engine: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from meihao.cases.sla import sla_sweep


@db_periodic_task(crontab(minute="*/5"))
def sla_sweep_task():
    """Every five minutes: colour the SLA clocks and record escalations (idempotent)."""
    escalations = sla_sweep()
    return len(escalations)
