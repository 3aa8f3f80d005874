"""Points (积分), time-bank minutes, money and care vouchers (in cents): double-entry transfers
between accounts.

A `Transfer` moves a positive whole amount from one account to another; it is written with its
two `Entry` rows (−amount, +amount), so the entries of every transfer sum to zero. An account's
`balance` is a cache of the sum of its entries, changed only together with them; the database
refuses a negative balance on an account that may not go negative, and a balance above the
account's cap. Nothing here is edited or deleted: a correction is a reversing transfer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import AppendOnlyModel


class Unit(models.TextChoices):
    POINTS = "points", _("Points")
    MINUTES = "minutes", _("Time-bank minutes")
    # Money, in cents (分): what an elder and their family pay for home care.
    CENTS = "cents", _("Money (cents)")
    # Care vouchers (养老服务补贴), in cents: granted monthly, spent on subsidised care only,
    # redeemed by the government from the providers at settlement.
    VOUCHER = "voucher", _("Care vouchers (cents)")


class Account(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")
        # Where earned points come from: it goes negative by what has been issued.
        ISSUER = "issuer", _("Issuer")
        # A community's shared time-bank minutes, paying for help its members cannot.
        POOL = "pool", _("Community pool")
        # Where expired points go.
        EXPIRY = "expiry", _("Expired")

    code = models.CharField(_("code"), max_length=80, unique=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    # Whose staff may read the account: the person's home, the organisation's or pool's place.
    place_path = models.CharField(max_length=80, blank=True, db_index=True)
    balance = models.BigIntegerField(_("balance"), default=0, editable=False)
    may_go_negative = models.BooleanField(default=False, editable=False)
    cap = models.BigIntegerField(_("cap"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(may_go_negative=True) | Q(balance__gte=0),
                name="ledger_account_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(balance__lte=models.F("cap")),
                name="ledger_account_within_cap",
            ),
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(kind="person"),
                name="ledger_one_account_per_person_unit",
            ),
        ]

    def __str__(self):
        return self.code


class Transfer(AppendOnlyModel):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Volunteer service")
        CASE = "case", _("Case fulfilled")
        REDEMPTION = "redemption", _("Reward redeemed")
        REFUND = "refund", _("Redemption refunded")
        TIMEBANK_HELP = "timebank_help", _("Time-bank help")
        POOL_FUNDING = "pool_funding", _("Pool funding")
        EXPIRY = "expiry", _("Expiry")
        REVERSAL = "reversal", _("Reversal")
        ALLOWANCE = "allowance", _("Monthly care allowance")
        TOP_UP = "top_up", _("Top-up")
        CARE_PAYMENT = "care_payment", _("Care order paid")
        CARE_REFUND = "care_refund", _("Care order refunded")
        SETTLEMENT = "settlement", _("Vouchers redeemed at settlement")

    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    amount = models.PositiveBigIntegerField(_("amount"))
    source = models.ForeignKey(
        Account,
        verbose_name=pgettext_lazy("transfer", "from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.ForeignKey(
        Account,
        verbose_name=pgettext_lazy("transfer", "to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What caused it: "activities.servicerecord" / "42", "cases.case" / "7", ...
    cause_type = models.CharField(_("cause type"), max_length=64, blank=True)
    cause_id = models.CharField(_("cause id"), max_length=64, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="ledger_transfer_two_accounts"
            ),
        ]
        indexes = [models.Index(fields=["cause_type", "cause_id"], name="ledger_cause_idx")]

    def __str__(self):
        return f"{self.idempotency_key}: {self.amount} {self.unit}"


class Entry(AppendOnlyModel):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(_("amount"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["account", "created_at"], name="ledger_entry_account_idx")]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "account"], name="ledger_entry_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
        ]


class EarningRule(models.Model):
    """How many points a service or a fulfilled case earns. Without a rule, an hour of any
    activity earns LEDGER_POINTS_PER_HOUR points and a case earns none."""

    class Basis(models.TextChoices):
        ACTIVITY_KIND = "activity_kind", _("Activity kind")
        CASE_TYPE = "case_type", _("Case type")

    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    key = models.CharField(
        _("kind or type code"), max_length=32, help_text=_("e.g. volunteer_service, or WISH")
    )
    points_per_hour = models.PositiveIntegerField(_("points per hour"), default=0)
    points_each = models.PositiveIntegerField(_("points each"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        constraints = [
            models.UniqueConstraint(fields=["basis", "key"], name="ledger_one_rule_per_key")
        ]

    def __str__(self):
        return f"{self.get_basis_display()} {self.key}"
