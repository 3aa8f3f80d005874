"""好差评 — every service is rated: an application or a petition, once finished, is rated by its
requester on the engine's five levels (非常满意 … 非常不满意, `cases.CaseRating`). Each 差评 (the
two lowest) opens a rectification (整改): a case of type RECTIFY for the body rated, with a
deadline in working days, closed by the rater's verdict on the fix (or a call-back on their
behalf). The body may appeal a mistaken rating; the district reviews the appeal.

`Rectification` links the rating, the rated case and the rectification case, and holds the
appeal and its review.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RECTIFY_CODE = "RECTIFY"
# The service types whose ratings this app follows up (their apps file them).
RATED_TYPES = ("EGOV", "PETITION", "COUNTER")
# 差评: dissatisfied and very dissatisfied.
BAD_SCORES = (1, 2)
GOOD_SCORES = (4, 5)


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Appeal awaiting review")
    UPHELD = "upheld", _("Appeal upheld: the rating was mistaken")
    DISMISSED = "dismissed", _("Appeal dismissed: the rating stands")


class Rectification(models.Model):
    rating = models.OneToOneField(
        "cases.CaseRating",
        verbose_name=_("rating"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    rated_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("rated case"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("rectification case"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    appeal_status = models.CharField(
        _("appeal"), max_length=10, choices=AppealStatus.choices, blank=True
    )
    appeal_reason = models.TextField(_("reason for appealing"), max_length=1000, blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appealed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("review"), max_length=1000, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["appeal_status"], name="rectification_appeal_idx")]

    def __str__(self):
        return f"{self.rated_case_id} {self.case_id}"
