"""一社区一法律顾问 — every community has a legal advisor, who owes it hours of service a month.

A consultation (法律咨询) is a case of type LEGAL (cases.extensions: filed only here, held by the
advisors of the resident's community and, once claimed, by the one who took it). The case holds
the question (`description`), the topic (its minor class) and every step, the answer being the
report-back's note; `Consultation` holds what the case does not: the minutes the answers took.

`AdvisorService` is the advisor's service record: one row for each thing done in a community
and how long it took (an answer; a duty or legal-education session attended, from the
activity's attendance; mediations are to come). The
monthly obligation (`LEGAL_ADVISOR_MONTHLY_HOURS`) is checked against these rows alone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LEGAL_CODE = "LEGAL"
QUESTION_MAX = 1000
ANSWER_MAX = 2000
# The longest one answer may say it took: a working day.
ANSWER_MINUTES_MAX = 480


class Consultation(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="consultation"
    )
    # The resident's community, copied from the case: the advisors who hold it cover it.
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    minutes = models.PositiveIntegerField(_("minutes spent"), default=0)
    created_at = models.DateTimeField(_("time asked"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("legal consultation")
        verbose_name_plural = _("legal consultations")

    def __str__(self):
        return self.case.number


class AdvisorService(models.Model):
    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        DUTY = "duty", _("Duty session")
        EDUCATION = "education", _("Legal education")

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="legal_services",
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    served_at = models.DateTimeField(_("served at"))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A duty or education session: the activity the advisor attended.
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-served_at", "-id"]
        verbose_name = _("legal advisor's service")
        verbose_name_plural = _("legal advisors' services")
        indexes = [
            # The compliance page and the hours indicator: a subtree's services in a period.
            models.Index(fields=["place_path", "served_at"], name="legal_service_place_idx"),
            models.Index(fields=["advisor", "served_at"], name="legal_service_advisor_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="legal_service_minutes")
        ]

    def __str__(self):
        return f"{self.advisor} {self.get_kind_display()} {self.minutes}"
