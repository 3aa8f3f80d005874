"""Volunteer registration, the alliance's units and pairings and volunteer certificates
(志愿服务证明). Dual registration (双报到) is the `dual` app.

Teams themselves are `people.Team` (kinds volunteer, service_squad, red_armband; `parent` for
the alliance's tiers) and their members `people.TeamMember`; this app adds what the alliance
needs around them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import visible_to


class ServiceArea(models.TextChoices):
    """What a volunteer would like to do; the alliance's common service lines."""

    SAFETY = "safety", _("Public safety patrols")
    MEDIATION = "mediation", _("Dispute mediation")
    ELDERLY = "elderly", _("Elderly care")
    MEDICAL = "medical", _("Free clinics")
    ENVIRONMENT = "environment", _("Clean-ups and environment")
    PUBLICITY = "publicity", _("Publicity and civility")
    CULTURE = "culture", _("Culture and sports")
    TUTORING = "tutoring", _("Tutoring and children")


class RedArmbandDuty(models.TextChoices):
    """The four roles of a red-armband team (1+4+X), stored in `people.TeamMember.duty`."""

    SECURITY = "security", _("Security (治安员)")
    MEDIATION = "mediation", _("Mediation (调解员)")
    INSPECTION = "inspection", _("Inspection (巡查员)")
    PUBLICITY = "publicity", _("Publicity (宣传员)")


class VolunteerProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see the volunteers registered in their subtrees; everyone their own."""
        return visible_to(
            self, user, path_field="community_path", roles=OFFICIALS, own=Q(person__user=user)
        )


class VolunteerProfile(TimeStampedModel):
    """A person's real-name volunteer registration (志愿者实名注册) with a community."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="volunteer_profile",
    )
    community = models.ForeignKey(
        "places.Place",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    community_path = models.CharField(max_length=80, editable=False)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # The version of the consent text (volunteers.consent) the person agreed to, and when.
    consent_version = models.CharField(_("consent version"), max_length=16)
    consent_at = models.DateTimeField(_("consent given at"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    service_areas = models.JSONField(_("service preferences"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Required when the person is under 18 at registration (未成年人须监护人同意).
    guardian_name = models.CharField(_("guardian's name"), max_length=50, blank=True)
    guardian_phone = models.CharField(_("guardian's mobile number"), max_length=11, blank=True)
    guardian_consent_at = models.DateTimeField(
        _("guardian consent given at"), null=True, blank=True
    )

    objects = VolunteerProfileQuerySet.as_manager()

    class Meta:
        ordering = ["community_path", "-registered_at", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [
            models.Index(
                fields=["community_path", "status"],
                name="volunteer_community_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return str(self.person)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def service_area_labels(self) -> list[str]:
        labels = dict(ServiceArea.choices)
        return [str(labels[code]) for code in self.service_areas if code in labels]


class AllianceUnit(TimeStampedModel):
    """A unit (单位) that belongs to an alliance tier or a volunteer team (党建益联盟成员单位)."""

    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("alliance or team"),
        on_delete=models.CASCADE,
        related_name="alliance_units",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        ordering = ["team", "organisation__name"]
        verbose_name = _("alliance unit")
        verbose_name_plural = _("alliance units")
        constraints = [
            models.UniqueConstraint(fields=["team", "organisation"], name="alliance_unit_unique")
        ]

    def __str__(self):
        return f"{self.team} · {self.organisation}"


class TeamPairing(TimeStampedModel):
    """A volunteer team paired with a community it serves (结对共建)."""

    team = models.ForeignKey(
        "people.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="pairings"
    )
    community = models.ForeignKey(
        "places.Place",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="team_pairings",
    )
    community_path = models.CharField(max_length=80, editable=False)

    class Meta:
        ordering = ["community_path", "team"]
        verbose_name = _("team pairing")
        verbose_name_plural = _("team pairings")
        constraints = [
            models.UniqueConstraint(fields=["team", "community"], name="team_pairing_unique")
        ]
        indexes = [
            models.Index(
                fields=["community_path"],
                name="team_pairing_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.team} ↔ {self.community}"


class CertificateCounter(models.Model):
    """The last certificate sequence number handed out per year."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year} {self.last}"


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see the certificates their subtrees issued; a volunteer their own."""
        return visible_to(
            self, user, path_field="community_path", roles=OFFICIALS, own=Q(person__user=user)
        )


class Certificate(TimeStampedModel):
    """A volunteer service certificate (志愿服务证明), verifiable by anyone through its token."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="volunteer_certificates",
    )
    # The issuing community: whose managers may see and revoke it.
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=80, editable=False)
    issuer_name = models.CharField(_("issuing organisation"), max_length=100)
    minutes = models.PositiveIntegerField(_("service minutes"))
    period_start = models.DateField(_("first day of the period"), null=True, blank=True)
    period_end = models.DateField(_("last day of the period"), null=True, blank=True)
    content = models.CharField(_("service content"), max_length=300)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    token = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("time revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("volunteer certificate")
        verbose_name_plural = _("volunteer certificates")
        indexes = [
            models.Index(
                fields=["community_path", "issued_at"],
                name="certificate_path_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(fields=["person", "issued_at"], name="certificate_person_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def hours(self) -> float:
        return self.minutes / 60
