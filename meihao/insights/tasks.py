"""Huey jobs of the insights app: thin wrappers over services."""

from huey.contrib.djhuey import db_task

from meihao.insights.services import export_run


@db_task(name="insights.export_run")
def export_run_task(job_id: int) -> str:
    return export_run(job_id)
