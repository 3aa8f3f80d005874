"""网络问政 — online petitions: a resident asks, complains, suggests or asks for help online;
the petition goes by its topic to the responsible body, which replies within the limit of its
kind; the petitioner is called back and rates the reply; with their consent the question and
the answer are published, personal details removed, for the next person to find.

A petition is a case of type PETITION (cases.extensions: filed only here). The case holds the
body (`description`), the topic (its minor class: the dispatch catalogue, whose department
routes it), the kind and the title (`data`, the type's form schema) and every step; `Petition`
holds what the case does not: anonymity toward the public, the consent to publish, the query
code, the channel a declined petition was sent to, and the published question and answer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PETITION_CODE = "PETITION"
TITLE_MAX = 25
BODY_MAX = 600
QUERY_CODE_LENGTH = 10


class Kind(models.TextChoices):
    CONSULT = "consult", _("Enquiry")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    HELP = "help", _("Request for help")


# Working days to reply, by kind: enquiries and requests for help are answered quickly,
# complaints and suggestions need an investigation.
REPLY_DAYS = {Kind.CONSULT: 3, Kind.HELP: 3, Kind.COMPLAINT: 13, Kind.SUGGESTION: 13}
# An urgent petition is answered the same working day.
URGENT_LIMIT = (4, "work_hours")


class Channel(models.TextChoices):
    """Where a matter that online petitions may not take goes instead (declined with it)."""

    XINFANG = "xinfang", _("Letters and visits (信访)")
    LITIGATION = "litigation", _("In litigation")
    ARBITRATION = "arbitration", _("In arbitration")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")


class PetitionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class Petition(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="petition"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    # Anonymous toward the public only: staff always see who asked.
    anonymous = models.BooleanField(_("anonymous toward the public"), default=False)
    publish_consent = models.BooleanField(_("may be published"), default=False)
    query_code = models.CharField(_("query code"), max_length=QUERY_CODE_LENGTH, unique=True)
    declined_to = models.CharField(
        _("declined to the channel"), max_length=16, choices=Channel.choices, blank=True
    )
    # What the public Q&A page shows, as the publisher edited it (personal details removed).
    public_question = models.TextField(_("published question"), blank=True)
    public_answer = models.TextField(_("published answer"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time sent"), default=timezone.now)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [models.Index(fields=["published_at"], name="petition_published_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(publish_consent=True),
                name="petition_published_with_consent",
            )
        ]

    def __str__(self):
        return self.title
