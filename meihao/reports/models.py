"""Reports: a place's monthly or annual report, written by the worker as PDF, Word and an Excel
appendix, and kept as an archived, dated document that never changes once issued."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meihao.core.errors import IllegalTransition
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import ScopedQuerySet


def _report_path(report, filename):
    return f"reports/{report.created_at:%Y/%m}/{filename}"


class ReportQuerySet(ScopedQuerySet, models.QuerySet):
    # The officials of the place or above it read a place's reports (district admin, street
    # chief, community staff); nobody else.
    scope_path_field = "place_path"
    scope_roles = OFFICIALS


class Report(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly report")
        ANNUAL = "annual", _("Annual report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="reports")
    place_path = models.CharField(max_length=80, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    language = models.CharField(max_length=16, default="zh-hans")
    # The same report generated again is a new version; an issued one is never rewritten.
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_requested"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    # Served only through the download view, to those who see the report; never from MEDIA_URL.
    pdf = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    docx = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    xlsx = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    # The figures as issued (code, name, chapter, value, previous, link): the detail page's
    # table, each linking to the records behind it.
    summary = models.JSONField(default=list, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["place_path", "-created_at"], name="report_place_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "kind", "first_day", "language", "version"],
                name="report_one_version",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.first_day} #{self.pk} ({self.status})"

    def save(self, *args, **kwargs):
        # An issued report is an archived document: nothing of it is written again (the
        # stored row decides, however this instance was loaded).
        if self.pk and Report.objects.filter(pk=self.pk, issued_at__isnull=False).exists():
            raise IllegalTransition(
                _("An issued report never changes: generate a new version instead.")
            )
        super().save(*args, **kwargs)

    @property
    def period_label(self) -> str:
        if self.kind == self.Kind.ANNUAL:
            return f"{self.first_day:%Y}"
        return f"{self.first_day:%Y-%m}"

    def filename(self, extension: str) -> str:
        return f"report-{self.place.code}-{self.period_label}-v{self.version}.{extension}"
