"""Writes of the insights app: export jobs."""

import secrets
import tempfile
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from meihao.core.errors import DomainError
from meihao.core.excel import write_workbook
from meihao.insights import exports
from meihao.insights.models import ExportJob

# How long a written export stays downloadable: its file holds personal data.
EXPORT_KEEP_DAYS = 7


def export_request(*, actor, kind: str, params: dict) -> ExportJob:
    """Queue an export for `actor`; scope and input are checked now (NotFound or
    ValidationFailed, and no job), the file is written by the worker."""
    prepared = exports.prepare(kind, actor, params)
    params = {**params, "language": translation.get_language() or "zh-hans"}
    # Asking again while the same export is still being written follows that one: a double
    # click or an impatient reload does not queue the work twice.
    pending = ExportJob.objects.filter(
        owner=actor,
        kind=kind,
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
    )
    for job in pending:
        if job.params == params:
            return job
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=actor, kind=kind, params=params, rows_total=prepared.total
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from meihao.insights.tasks import export_run_task

    export_run_task(job_id)


def export_run(job_id: int) -> str:
    """Write the job's file (the worker calls this). Answers the job's final status.

    The job is claimed by a conditional UPDATE, so a task delivered twice writes once.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING
    )
    if not claimed:
        return ""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    with translation.override(job.params.get("language") or "zh-hans"):
        try:
            prepared = exports.prepare(job.kind, job.owner, job.params)
        except DomainError as exc:  # the owner's scope or roles changed since they asked
            return _finish(job, ExportJob.Status.FAILED, error=str(exc.message))
        ExportJob.objects.filter(pk=job_id).update(rows_total=prepared.total)
        try:
            with tempfile.TemporaryFile() as scratch:
                written = write_workbook(
                    prepared.sheets,
                    scratch,
                    progress=lambda n: ExportJob.objects.filter(pk=job_id).update(rows_done=n),
                )
                scratch.seek(0)
                job.file.save(f"{secrets.token_urlsafe(16)}.xlsx", File(scratch), save=False)
        except Exception:
            _finish(job, ExportJob.Status.FAILED, error="")
            raise
    job.filename = prepared.filename
    return _finish(job, ExportJob.Status.DONE, rows=written)


def _finish(job: ExportJob, status: str, *, error: str = "", rows: int | None = None) -> str:
    job.status = status
    job.error = error[:300]
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at", "file", "filename"]
    if rows is not None:
        job.rows_done = job.rows_total = rows
        fields += ["rows_done", "rows_total"]
    job.save(update_fields=fields)
    return status


def exports_purge() -> int:
    """Delete the export jobs (and their files) asked for more than EXPORT_KEEP_DAYS ago."""
    old = ExportJob.objects.filter(created_at__lt=timezone.now() - timedelta(days=EXPORT_KEEP_DAYS))
    deleted = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
