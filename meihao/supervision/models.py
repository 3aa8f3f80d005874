"""The register of people under community supervision (社区矫正 and similar): kept by the staff of
the bodies the law charges with it (a justice office, `Authority`), read also by the community
police of the person's home. Nothing else in the product refers to it: no person page, list,
search, export or figure may reveal that someone is on it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_MAX = 1000


class Authority(models.Model):
    """A department whose staff keep the register for its place's subtree (a 司法所 or the
    justice bureau: the Community Corrections Law's 社区矫正机构)."""

    organisation = models.OneToOneField(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="supervision_authority",
        limit_choices_to={"kind": "department"},
    )

    class Meta:
        verbose_name = _("supervision authority")
        verbose_name_plural = _("supervision authorities")

    def __str__(self):
        return self.organisation.name


class Supervisee(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Community correction")
        RELEASED = "released", _("Resettlement after release")
        REHAB = "rehab", _("Community drug rehabilitation")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="register"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    visit_every_days = models.PositiveSmallIntegerField(_("visit at least every (days)"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    ended_at = models.DateTimeField(_("taken off the register"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["place_path", "id"]
        verbose_name = _("person under supervision")
        verbose_name_plural = _("people under supervision")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visit_every_days__gte=1, visit_every_days__lte=90),
                name="supervision_visit_interval",
            )
        ]

    def __str__(self):
        return f"#{self.pk}"


class SupervisionVisit(models.Model):
    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("person"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"))

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")

    def __str__(self):
        return f"{self.supervisee} {self.visited_on}"
