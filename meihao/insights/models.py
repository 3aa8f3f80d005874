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


class RollupRow(models.Model):
    """An indicator's numerator and denominator over the records of one local day in one
    place's subtree (a place path; "" for everywhere), written by `insights.rollups` only: a
    record counts in the row of its own place and of every place above it. A figure over a
    span is the sum of the rows of its days at its place."""

    indicator = models.CharField(max_length=64)
    day = models.DateField()
    place_path = models.CharField(max_length=80)
    numerator = models.FloatField()
    denominator = models.IntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "day", "place_path"], name="rollup_row_unique"
            )
        ]
        indexes = [
            # A span's rows: one indicator, one place, a range of days.
            models.Index(fields=["indicator", "place_path", "day"], name="rollup_row_place_idx"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.day} {self.place_path}"


class RollupState(models.Model):
    """An indicator whose rows were built: from `since` on (None: every day), kept current by
    the worker since. An indicator without one is computed live."""

    indicator = models.CharField(max_length=64, primary_key=True)
    since = models.DateField(null=True)
    built_at = models.DateTimeField()

    def __str__(self):
        return self.indicator


class RollupDirty(models.Model):
    """A day whose rows of an indicator are stale (one of its records changed): read live
    until the worker recomputes it. `token` changes with every mark, so that a mark made while
    the day was being recomputed is not cleared with it."""

    indicator = models.CharField(max_length=64)
    day = models.DateField()
    token = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "day"], name="rollup_dirty_unique")
        ]

    def __str__(self):
        return f"{self.indicator} {self.day}"
