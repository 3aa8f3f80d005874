"""Partner merchants, their reward items and point redemptions (积分超市).

A resident shows a one-time `RedemptionPass` (a signed QR code, or its short code read aloud);
the merchant's staff redeem one `RewardItem` against it. A `Redemption` is written together with
the stock decrement and the ledger transfer, or not at all; a refund reverses both, once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import ScopedQuerySet


class PartnerMerchantQuerySet(ScopedQuerySet, models.QuerySet):
    scope_roles = OFFICIALS


class PartnerMerchant(TimeStampedModel):
    """A merchant organisation that honours points (one per `people.Organisation`)."""

    organisation = models.OneToOneField(
        "people.Organisation",
        verbose_name=_("merchant"),
        on_delete=models.PROTECT,
        related_name="partner",
        limit_choices_to={"kind": "merchant"},
    )
    # The organisation's place path, copied so scoped lists never join.
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("partner since"), default=timezone.localdate)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    opening_hours = models.CharField(
        pgettext_lazy("merchant", "opening hours"), max_length=200, blank=True
    )
    # 红袖章商家联盟: merchants that back the red armbands (discounts for patrol volunteers,
    # points honoured at the counter); listed on their own in the catalogue.
    red_armband_alliance = models.BooleanField(_("red-armband merchant alliance"), default=False)

    objects = PartnerMerchantQuerySet.as_manager()

    class Meta:
        ordering = ["place_path", "id"]
        verbose_name = _("partner merchant")
        verbose_name_plural = _("partner merchants")
        indexes = [
            models.Index(
                fields=["place_path"],
                name="rewards_merchant_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.organisation.name if self.organisation_id else ""

    @property
    def name(self) -> str:
        return self.organisation.name


class RewardItem(TimeStampedModel):
    merchant = models.ForeignKey(
        PartnerMerchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    points_cost = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    limit_per_person = models.PositiveIntegerField(
        _("limit per person"),
        null=True,
        blank=True,
        help_text=_("How many one person may redeem in all; empty for no limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["merchant", "points_cost", "id"]
        verbose_name = _("reward item")
        verbose_name_plural = _("reward items")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_cost__gt=0), name="rewards_item_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="rewards_item_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(limit_per_person__isnull=True) | Q(limit_per_person__gt=0),
                name="rewards_item_limit_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "points_cost"], name="rewards_item_cost_idx"),
        ]

    def __str__(self):
        return self.name


class RedemptionPass(models.Model):
    """A one-time code a resident shows at a merchant: valid for two minutes, used once."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="redemption_passes",
    )
    # The random part of the signed token: a token names the pass and must carry this nonce.
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    short_code = models.CharField(_("short code"), max_length=8, unique=True, editable=False)
    issued_at = models.DateTimeField(pgettext_lazy("redemption pass", "issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("redemption pass")
        verbose_name_plural = _("redemption passes")
        indexes = [models.Index(fields=["person", "expires_at"], name="rewards_pass_person_idx")]

    def __str__(self):
        return self.short_code

    @property
    def short_code_display(self) -> str:
        """Two groups of four, easier to read aloud: 7KQ3 M9XA."""
        return f"{self.short_code[:4]} {self.short_code[4:]}"

    def is_live(self, now=None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at


class Redemption(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        REFUNDED = "refunded", _("Refunded")

    redemption_pass = models.OneToOneField(
        RedemptionPass,
        verbose_name=_("pass"),
        on_delete=models.PROTECT,
        related_name="redemption",
    )
    item = models.ForeignKey(
        RewardItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="redemptions"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="redemptions",
    )
    merchant = models.ForeignKey(
        PartnerMerchant,
        verbose_name=_("merchant"),
        on_delete=models.PROTECT,
        related_name="redemptions",
    )
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.COMPLETED
    )
    transfer = models.OneToOneField(
        "ledger.Transfer",
        verbose_name=_("transfer"),
        on_delete=models.PROTECT,
        related_name="redemption",
    )
    refund_transfer = models.OneToOneField(
        "ledger.Transfer",
        verbose_name=_("refund transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunded_redemption",
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redeemed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("time"))
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refunded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reason = models.CharField(_("refund reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        indexes = [
            models.Index(fields=["merchant", "created_at"], name="rewards_red_merchant_idx"),
            models.Index(fields=["merchant", "refunded_at"], name="rewards_red_refund_idx"),
            models.Index(fields=["person", "created_at"], name="rewards_red_person_idx"),
            models.Index(fields=["item", "person", "status"], name="rewards_red_limit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="completed", refunded_at__isnull=True)
                | Q(status="refunded", refunded_at__isnull=False),
                name="rewards_redemption_refund_consistent",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """The number the customer and the till see: R and eight digits."""
        return f"R{self.pk:08d}" if self.pk else ""
