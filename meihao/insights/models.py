"""Export jobs: a list written to Excel by the worker, downloadable by the user who asked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _export_path(job, filename):
    return f"exports/{job.created_at:%Y/%m}/{filename}"


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        INDICATOR_RECORDS = "indicator_records", _("Records behind an indicator")
        RESIDENTS = "residents", _("Residents")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What to export, as the page asked for it (re-scoped to the owner when the job runs).
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True)
    rows_done = models.PositiveIntegerField(default=0)
    # Served only through the download view, to the owner; never from MEDIA_URL.
    file = models.FileField(upload_to=_export_path, max_length=200, blank=True)
    filename = models.CharField(max_length=120, blank=True)  # the name the browser saves
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_created_idx")]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, 100 * self.rows_done // self.rows_total)
