"""云家庭: the elders the community cares for at home, who may act for them, and their ability
assessments.

An `Elder` is a person of 60 or more in the population, registered by the community's care
staff: how they live (alone, empty nest, with family), their emergency contacts, and health notes
that only care roles covering their home read. A family member's log-in acts for the elder once
the elder's consent is recorded (`FamilyLink`); withdrawing it ends the link, kept as history.

An `Assessment` is kept and dated, never edited: a later one replaces it as the elder's current
level. Its scale (`AssessmentScale`) is data, so a district can adopt its province's version; an
assessment keeps the scale it was scored under.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meihao.core.models import AppendOnlyModel, TimeStampedModel
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import ScopedQuerySet

ELDER_MIN_AGE = 60
# Who gets a visit schedule (探访关爱): living alone and this old.
VISITED_MIN_AGE = 80
NOTES_MAX = 2000


class Living(models.TextChoices):
    ALONE = "alone", _("Lives alone")
    EMPTY_NEST = "empty_nest", _("Empty nest (with spouse only)")
    WITH_FAMILY = "with_family", _("Lives with family")


class ElderQuerySet(ScopedQuerySet, models.QuerySet):
    """Care staff read the elders of the places they cover."""

    scope_path_field = "place_path"
    scope_roles = ELDER_CARE


class Elder(TimeStampedModel):
    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="elder"
    )
    # The person's home, copied for scoping (the person's own path when registered or moved).
    place_path = models.CharField(max_length=80, db_index=True, editable=False)
    living = models.CharField(_("living situation"), max_length=16, choices=Living.choices)
    low_income = models.BooleanField(_("low income (低保 or 低收入)"), default=False)
    health_notes = models.TextField(_("health notes"), blank=True, max_length=NOTES_MAX)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ElderQuerySet.as_manager()

    class Meta:
        verbose_name = _("elder")
        verbose_name_plural = _("elders")

    def __str__(self):
        return self.person.real_name


class EmergencyContact(models.Model):
    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("contact's name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20)
    phone = models.CharField(_("phone"), max_length=20)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.name} ({self.relation})"


class FamilyLink(models.Model):
    """A family member's log-in that may act for the elder (order, confirm, see visits), on the
    elder's consent, recorded by whoever witnessed it; `ended_at` when withdrawn."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="family")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="elder_links"
    )
    relation = models.CharField(_("relation"), max_length=20)
    consent_at = models.DateTimeField(_("consent recorded at"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="family_link_one_open",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.elder} ({self.relation})"


class AssessmentScale(TimeStampedModel):
    """A scoring table: the standard's dimensions, items, options, levels and overrides
    (eldercare.scoring). The current one scores new assessments."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    definition = models.JSONField(_("definition"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="assessment_scale_one_current",
            )
        ]

    def __str__(self):
        return self.name


class Assessment(AppendOnlyModel):
    class Reason(models.TextChoices):
        FIRST = "first", _("First assessment")
        ROUTINE = "routine", _("Routine assessment")
        IMMEDIATE = "immediate", _("Immediate assessment (a change in condition)")
        REVIEW = "review", _("Re-assessment (the result is questioned)")

    elder = models.ForeignKey(Elder, on_delete=models.PROTECT, related_name="assessments")
    scale = models.ForeignKey(AssessmentScale, on_delete=models.PROTECT, related_name="assessments")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("answers"))
    conditions = models.JSONField(_("conditions found"), default=list)
    risk_events = models.PositiveSmallIntegerField(_("care risk events in the last 30 days"))
    dimension_scores = models.JSONField(_("scores by dimension"))
    total = models.PositiveSmallIntegerField(_("total score"))
    initial_level = models.PositiveSmallIntegerField(_("level by the score"))
    level = models.PositiveSmallIntegerField(_("ability level"))
    override_reasons = models.JSONField(_("why the level differs from the score"), default=list)
    note = models.TextField(_("note"), blank=True, max_length=NOTES_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("ability assessment")
        verbose_name_plural = _("ability assessments")

    def __str__(self):
        return f"{self.elder} · {self.assessed_on} · {self.level}"

    def level_name(self) -> str:
        return next(
            band["name"] for band in self.scale.definition["levels"] if band["level"] == self.level
        )
