"""Huey jobs of the insights app: thin wrappers over services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from meihao.insights import rollups
from meihao.insights.services import export_run, exports_purge


@db_task(name="insights.export_run")
def export_run_task(job_id: int) -> str:
    return export_run(job_id)


@db_periodic_task(crontab(hour="3", minute="40"), name="insights.exports_purge")
def exports_purge_task() -> int:
    """Nightly: exports hold personal data; they are kept a week, then deleted with their file."""
    return exports_purge()


@db_periodic_task(crontab(minute="*"), name="insights.rollups_refresh")
@lock_task("insights.rollups")  # one writer of the rows at a time (a run may take over a minute)
def rollups_refresh_task() -> int:
    """Every minute: recompute the rollup rows of the days whose records changed."""
    return rollups.refresh()


@db_periodic_task(crontab(hour="2", minute="50"), name="insights.rollups_recent")
@lock_task("insights.rollups")
def rollups_recent_task() -> int:
    """Nightly: recompute the 40 days either side of today (bulk updates mark nothing) and
    build the rollups never built."""
    return rollups.recent()
