"""Huey jobs of the reports app: thin wrappers over services."""

from huey.contrib.djhuey import db_task

from meihao.reports.services import report_run


@db_task(name="reports.report_run")
def report_run_task(report_id: int) -> str:
    return report_run(report_id)
