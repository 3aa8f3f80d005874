"""心灵驿站 — a counselling room and a counsellor for the community (a pilot).

A resident asks for a counselling appointment: a case of type COUNSEL (cases.extensions: filed
only here, held by the counsellors of the resident's community and, once taken, by the one
who took it). `Counselling` holds the appointment and the crisis flag; `CounsellingNote` the
counsellor's notes of a session, which only their author ever reads."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COUNSEL_CODE = "COUNSEL"
REQUEST_MAX = 500
NOTE_MAX = 4000
SESSION_MINUTES_MAX = 240


class Counselling(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="counselling"
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    room = models.CharField(_("where"), max_length=100, blank=True)
    # Flagged by the counsellor: the community's staff are alerted, never told what was said.
    crisis = models.BooleanField(_("referred as in crisis"), default=False)
    crisis_flagged_at = models.DateTimeField(_("crisis flagged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("counselling")
        verbose_name_plural = _("counselling")

    def __str__(self):
        return self.case.number


class CounsellingNote(models.Model):
    counselling = models.ForeignKey(
        Counselling, verbose_name=_("counselling"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    minutes = models.PositiveIntegerField(_("minutes"))
    text = models.TextField(_("private notes"))

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name = _("counselling note")
        verbose_name_plural = _("counselling notes")
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="counselling_minutes")
        ]

    def __str__(self):
        return f"{self.counselling} {self.written_at:%Y-%m-%d}"
