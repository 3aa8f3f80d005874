"""Huey jobs of the insights app: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from meihao.insights.services import export_run, exports_purge


@db_task(name="insights.export_run")
def export_run_task(job_id: int) -> str:
    return export_run(job_id)


@db_periodic_task(crontab(hour="3", minute="40"), name="insights.exports_purge")
def exports_purge_task() -> int:
    """Nightly: exports hold personal data; they are kept a week, then deleted with their file."""
    return exports_purge()
