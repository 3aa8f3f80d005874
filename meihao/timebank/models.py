"""The time bank (时间银行, "左邻右里老友记"): members, their family links, and help requests.

A help request is a case of type TIMEBANK (claim mode, the requester confirms, worked on site:
see cases.access); `HelpRequest` holds what the case does not: whom the help is for, who
pays, and what was paid. Minutes move through the ledger (person accounts capped at
TIMEBANK_ACCOUNT_CAP_HOURS).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import visible_to

TIMEBANK_CODE = "TIMEBANK"


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see the members of their communities; a member their own record."""
        return visible_to(
            self, user, path_field="community_path", roles=OFFICIALS, own=Q(person__user=user)
        )


class TimeBankMember(TimeStampedModel):
    """A person who gives (and later withdraws) help in their community's time bank."""

    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="timebank_member",
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=80, editable=False)
    # Where the member is (home, by default): the nearest members hear of a request first.
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # The kinds of help offered (minor classes of the TIMEBANK type); none: any kind.
    skills = models.ManyToManyField(
        "cases.CaseCategory", verbose_name=_("help offered"), blank=True, related_name="+"
    )
    available = models.BooleanField(_("available to help"), default=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["community_path", "-joined_at", "id"]
        verbose_name = _("time-bank member")
        verbose_name_plural = _("time-bank members")
        indexes = [
            # The nearest-helpers search: one community's available members in a box.
            models.Index(
                fields=["community_path", "available", "lat", "lon"],
                name="timebank_member_near_idx",
            ),
        ]

    def __str__(self):
        return str(self.person)


class FamilyLink(models.Model):
    """A registered family member a member may withdraw help for (为家人兑换)."""

    member = models.ForeignKey(
        TimeBankMember,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="family_links",
    )
    relative = models.ForeignKey(
        "people.Person",
        verbose_name=_("family member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    relation = models.CharField(_("relation"), max_length=20)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["member", "created_at", "id"]
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(fields=["member", "relative"], name="timebank_family_once"),
        ]

    def __str__(self):
        return f"{self.member} → {self.relative} ({self.relation})"


class HelpRequest(models.Model):
    """What a TIMEBANK case needs besides the case: whom it helps, who pays, what was paid."""

    class Kind(models.TextChoices):
        HELP = "help", _("Help request")
        WITHDRAWAL = "withdrawal", _("Withdrawal of a member's minutes")

    class Payer(models.TextChoices):
        REQUESTER = "requester", _("The requester's minutes")
        POOL = "pool", _("The community pool")
        MEMBER = "member", _("The withdrawing member's minutes")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="help_request"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.HELP)
    # The person helped (an elder; for a withdrawal, the member or a linked family member).
    requester = models.ForeignKey(
        "people.Person",
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="timebank_requests",
    )
    # A withdrawal: the member whose minutes pay.
    withdrawing_member = models.ForeignKey(
        TimeBankMember,
        verbose_name=_("withdrawing member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withdrawals",
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=80, editable=False)
    helpers_notified = models.PositiveSmallIntegerField(_("helpers notified"), default=0)
    # Settled when the requester confirms.
    minutes = models.PositiveIntegerField(_("minutes paid"), null=True, blank=True)
    paid_by = models.CharField(_("paid by"), max_length=12, choices=Payer.choices, blank=True)
    payment = models.OneToOneField(
        "ledger.Transfer",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(
                fields=["community_path"],
                name="timebank_request_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="help", withdrawing_member__isnull=True)
                | Q(kind="withdrawal", withdrawing_member__isnull=False),
                name="timebank_withdrawal_has_member",
            ),
        ]

    def __str__(self):
        return str(self.case_id)
