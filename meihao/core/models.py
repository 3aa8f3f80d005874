from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


PHOTO_CAPTION_MAX = 100


def photo_path(instance, filename):
    # MEDIA_ROOT/photos/<the model's folder>/YYYY/MM/<random>.jpg: unguessable names, a folder
    # per month. Nothing is served from MEDIA_ROOT directly: the apps' photo views read them.
    return f"photos/{instance.FOLDER}/" + timezone.now().strftime("%Y/%m/") + filename


class Photo(models.Model):
    """A photo shown with an object on its pages — a venue, a showcase, a red-culture site —
    stored by `core.photos.photos_add` from what `core.images` made of the upload.

    Display, not evidence: only the EXIF-free copies are kept (`image`, long side <= 1600 px,
    and `thumbnail`, <= 320 px), so no page can ever serve a camera's GPS or serial number.
    A concrete model adds the foreign key to its object with `related_name="photos"`, its
    `FOLDER` under MEDIA_ROOT and `URLS`, the URL namespace holding its `photo` (pk, variant)
    and `photo_remove` (pk) views.
    """

    FOLDER: ClassVar[str] = "other"
    URLS: ClassVar[str] = ""

    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=PHOTO_CAPTION_MAX, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.caption or f"{type(self).__name__} {self.pk}"

    @property
    def photo_url(self) -> str:
        return reverse(f"{self.URLS}:photo", args=[self.pk, "photo"])

    @property
    def thumb_url(self) -> str:
        return reverse(f"{self.URLS}:photo", args=[self.pk, "thumb"])

    @property
    def remove_url(self) -> str:
        return reverse(f"{self.URLS}:photo_remove", args=[self.pk])


class AppendOnlyModel(models.Model):
    """A history row: written once, never edited or deleted (an editable trail proves nothing)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class AuditEvent(AppendOnlyModel):
    """Append-only record of who changed what, and who read personal data unmasked."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Change")
        PII_READ = "pii_read", _("Personal data read")
        LOGIN = "login", _("Log-in")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CHANGE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class ObligationTally(models.Model):
    """How much of a duty one subject has done in one period (a branch's 支部委员会 in March):
    kept up to date by the services that record the work (`core.obligations.tally_add`), so a
    compliance page reads one row per subject, duty and period instead of the year's records."""

    duty = models.CharField(_("duty"), max_length=40)
    subject_id = models.BigIntegerField(_("subject"))
    period = models.CharField(_("period"), max_length=8)
    starts_on = models.DateField(_("period starts on"))
    amount = models.BigIntegerField(_("amount"), default=0)

    class Meta:
        verbose_name = _("obligation tally")
        verbose_name_plural = _("obligation tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "period", "starts_on", "subject_id"], name="obligation_tally_key"
            )
        ]
        # A subject's tallies of the periods under way (party compliance's HAVING): by the key
        # SQLite skip-scanned every duty and day of the table for each subject.
        indexes = [
            models.Index(
                fields=["subject_id", "duty", "starts_on"], name="obligation_tally_subject"
            )
        ]

    def __str__(self):
        return f"{self.duty} #{self.subject_id} {self.starts_on}: {self.amount}"


class ObligationYear(models.Model):
    """How many periods of a year a subject met a duty's minimum in (a branch's months with
    their 支部委员会): moved by `tally_add` when a period's tally crosses the minimum, so a
    city's compliance is counted over a row per subject and duty, not a row per period."""

    duty = models.CharField(_("duty"), max_length=40)
    subject_id = models.BigIntegerField(_("subject"))
    year = models.PositiveSmallIntegerField(_("year"))
    periods_met = models.IntegerField(_("periods met"), default=0)

    class Meta:
        verbose_name = _("obligation year")
        verbose_name_plural = _("obligation years")
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "year", "subject_id"], name="obligation_year_key"
            )
        ]

    def __str__(self):
        return f"{self.duty} #{self.subject_id} {self.year}: {self.periods_met}"
