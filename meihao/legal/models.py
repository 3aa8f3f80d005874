"""一社区一法律顾问 — every community has a legal advisor, who owes it hours of service a month.

A consultation (法律咨询) is a case of type LEGAL (cases.extensions: filed only here, held by the
advisors of the resident's community and, once claimed, by the one who took it). The case holds
the question (`description`), the topic (its minor class) and every step, the answer being the
report-back's note; `Consultation` holds what the case does not: the minutes the answers took.

`AdvisorService` is the advisor's service record: one row for each thing done in a community
and how long it took (an answer; a duty or legal-education session attended, from the
activity's attendance; a mediation session). The
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
        MEDIATION = "mediation", _("Mediation")

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


DISPUTE_CODE = "DISPUTE"
FACTS_MAX = 2000
TERMS_MAX = 4000
SESSION_NOTE_MAX = 4000
# The longest one mediation session may say it took: a working day.
SESSION_MINUTES_MAX = 480
PARTIES_MAX = 8


class Dispute(models.Model):
    """A dispute (矛盾纠纷) taken in by community staff or a grid worker and mediated (人民调解) by
    a legal advisor of the community: its case (type DISPUTE) holds the facts (`description`),
    the kind (minor class) and every step; this holds what the case does not."""

    class Outcome(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement reached")
        REFERRAL = "referral", _("Referred elsewhere")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="dispute"
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    # 重大复杂: flagged by its mediator or by the staff who took it in; the street's officials
    # then hold it too and are told.
    major = models.BooleanField(_("major or complex"), default=False)
    major_reason = models.CharField(_("why it is major"), max_length=500, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the street"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # The agreement (人民调解协议书): what the parties agreed, and how and when it is carried out.
    terms = models.TextField(_("terms agreed"), blank=True)
    performance = models.CharField(_("how and when it is carried out"), max_length=500, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("taken in"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [
            models.Index(fields=["place_path", "created_at"], name="legal_dispute_place_idx"),
            models.Index(fields=["place_path", "concluded_at"], name="legal_dispute_end_idx"),
        ]

    def __str__(self):
        return self.case.number


class DisputeParty(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="parties"
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # A party who is a registered resident reads the dispute as their own.
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["dispute", "side", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.name


class MediationSession(models.Model):
    """One sitting of the mediation: when, how long, what was said (confidential)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_at = models.DateTimeField(_("held at"))
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.TextField(_("record of the session"))

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="legal_mediation_minutes"
            )
        ]

    def __str__(self):
        return f"{self.dispute} {self.held_at:%Y-%m-%d}"


class LegalAidCentre(models.Model):
    """A legal-aid centre (法律援助中心): a department whose staff decide the legal-aid requests
    the advisors of the communities it serves (its place's subtree) refer to it."""

    organisation = models.OneToOneField(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="legal_aid_centre",
        limit_choices_to={"kind": "department"},
    )

    class Meta:
        verbose_name = _("legal-aid centre")
        verbose_name_plural = _("legal-aid centres")

    def __str__(self):
        return self.organisation.name


class LegalAidReferral(models.Model):
    """An advisor's referral of a consultation to the legal-aid centre (法律援助), after screening
    the two conditions the Legal Aid Law sets: the matter is one legal aid covers, and the
    applicant cannot afford a lawyer (or the matter is one where means are not tested)."""

    class Matter(models.TextChoices):
        WAGES = "wages", _("Unpaid wages or work injury")
        SUPPORT = "support", _("Maintenance, child support or alimony")
        SOCIAL = "social", _("Social insurance, pension or minimum living allowance")
        INJURY = "injury", _("Compensation for injury (traffic, medical, work)")
        FAMILY = "family", _("Domestic violence, abuse or abandonment")
        OTHER = "other", _("Another matter of the Legal Aid Law")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for the centre")
        GRANTED = "granted", _("Legal aid granted")
        REFUSED = "refused", _("Legal aid refused")

    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="aid_referral",
    )
    centre = models.ForeignKey(
        LegalAidCentre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="referrals"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    matter = models.CharField(_("matter"), max_length=16, choices=Matter.choices)
    # Screening: the applicant's own statement of hardship (a low-income, 低保 or 特困 household),
    # or a matter where the law tests no means (wages, work injury, domestic violence).
    hardship = models.BooleanField(_("cannot afford a lawyer"))
    summary = models.TextField(_("the advisor's summary for the centre"))
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("legal-aid referral")
        verbose_name_plural = _("legal-aid referrals")

    def __str__(self):
        return f"{self.consultation} → {self.centre}"
