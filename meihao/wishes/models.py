"""Micro-wishes (微心愿, 点单式服务): a resident orders a wish, the community party committee
publishes it (or dispatches it to a named party member or unit, or rejects it), party members
and units claim it — several together — the lead fulfils it with a photo, the resident confirms
and every claimant person earns the WISH points.

A wish is a case of type WISH (claim mode, claimable once published, confirmed by the
resident: cases.access). `Wish` holds what the case does not: its community, when it was
published and escalated; `WishClaim` one row per claimant.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import Role

WISH_CODE = "WISH"
# The community party committee: community staff, and the street and district above them.
WISH_CLAIMERS = frozenset({Role.PARTY_MEMBER})


class Wish(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="wish"
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=80, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Set once, by the unclaimed-wish sweep: the escalation happens exactly once.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        indexes = [
            models.Index(
                fields=["community_path"],
                name="wish_community_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            # The sweep: published wishes not escalated yet, oldest first.
            models.Index(
                fields=["published_at"],
                condition=Q(escalated_at__isnull=True, published_at__isnull=False),
                name="wish_unescalated_idx",
            ),
        ]

    def __str__(self):
        return str(self.case_id)


class WishClaim(models.Model):
    """One claimant of a wish: a party member in person, or a unit (单位) through one of its
    registered members. The first claimant (or the one dispatched to) leads and reports back."""

    wish = models.ForeignKey(
        Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="claims"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("party member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now)

    class Meta:
        ordering = ["wish", "-is_lead", "created_at", "id"]
        verbose_name = _("wish claim")
        verbose_name_plural = _("wish claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="wish_claim_person_or_unit",
            ),
            models.UniqueConstraint(
                fields=["wish", "person"],
                condition=Q(person__isnull=False),
                name="wish_claim_person_once",
            ),
            models.UniqueConstraint(
                fields=["wish", "organisation"],
                condition=Q(organisation__isnull=False),
                name="wish_claim_unit_once",
            ),
            models.UniqueConstraint(
                fields=["wish"], condition=Q(is_lead=True), name="wish_claim_one_lead"
            ),
        ]
        indexes = [models.Index(fields=["claimed_by", "wish"], name="wish_claim_user_idx")]

    def __str__(self):
        return f"{self.wish_id} {self.person or self.organisation}"

    @property
    def claimant(self):
        return self.person or self.organisation
