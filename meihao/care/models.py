"""Home-care services (居家养老上门服务): the catalogue, the providers and their staff.

The catalogue follows the service families of GB/T 43153-2023 (助餐, 助洁, 助浴, 助行, 助急,
助医, 康复护理, 探访关爱, 日间托养); recreation (娱) and learning (教) are activities, listed here
by the activity kind they open. Every item has a price in integer cents (分), a duration, what it
includes, the skill its provider's staff must hold, and whether the subsidy applies.

A `Provider` is an organisation (`people.Organisation`: a merchant, a care organisation, a
volunteer squad) serving the places of its `ProviderArea`s; its staff (`ProviderStaff`, who hold
the care-provider role on the organisation) have skills, and some skills need a certificate in
date (`Certificate`). Ratings are cached on the provider from the ratings of its orders.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import ScopedQuerySet


class Family(models.TextChoices):
    MEAL = "meal", _("Meals (助餐)")
    CLEANING = "cleaning", _("Cleaning (助洁)")
    BATHING = "bathing", _("Bathing (助浴)")
    WALKING = "walking", _("Getting about (助行)")
    EMERGENCY = "emergency", _("Emergency help (助急)")
    MEDICAL = "medical", _("Medical help (助医)")
    NURSING = "nursing", _("Rehabilitation and nursing (康复护理)")
    VISITING = "visiting", _("Visits and care (探访关爱)")
    DAY_CARE = "day_care", _("Day care (日间托养)")
    RECREATION = "recreation", _("Recreation (娱)")
    LEARNING = "learning", _("Learning (教)")


class Kind(models.TextChoices):
    """The article's four kinds of care (医养娱教), each a set of families."""

    HEALTH = "health", pgettext_lazy("care kind", "Health (医)")
    CARE = "care", pgettext_lazy("care kind", "Daily care (养)")
    RECREATION = "recreation", pgettext_lazy("care kind", "Recreation (娱)")
    LEARNING = "learning", pgettext_lazy("care kind", "Learning (教)")


KIND_OF_FAMILY = {
    Family.MEDICAL: Kind.HEALTH,
    Family.NURSING: Kind.HEALTH,
    Family.MEAL: Kind.CARE,
    Family.CLEANING: Kind.CARE,
    Family.BATHING: Kind.CARE,
    Family.WALKING: Kind.CARE,
    Family.EMERGENCY: Kind.CARE,
    Family.VISITING: Kind.CARE,
    Family.DAY_CARE: Kind.CARE,
    Family.RECREATION: Kind.RECREATION,
    Family.LEARNING: Kind.LEARNING,
}
# Families served by an activity (the activities app), not by an order to a provider.
ACTIVITY_FAMILIES = frozenset({Family.RECREATION, Family.LEARNING})


class Skill(models.TextChoices):
    MEAL = "meal", _("Cooking and meal delivery")
    CLEANING = "cleaning", _("Cleaning")
    BATHING = "bathing", _("Bathing")
    ESCORT = "escort", _("Escort and getting about")
    FIRST_AID = "first_aid", _("First aid")
    MEDICAL = "medical", _("Medical care (医护)")
    NURSING = "nursing", _("Rehabilitation nursing")
    COMPANY = "company", _("Company and visits")
    DAY_CARE = "day_care", _("Day care")


class CertificateKind(models.TextChoices):
    HEALTH = "health", _("Health certificate (健康证)")
    CARE_WORKER = "care_worker", _("Elderly care worker qualification (养老护理员)")
    NURSE = "nurse", _("Nurse's licence (护士执业证书)")
    DOCTOR = "doctor", _("Doctor's licence (医师执业证书)")
    FIRST_AID = "first_aid", _("First-aider certificate (救护员证)")


# A skill used on an order needs one of these certificates in date on the day of the service.
CERTIFICATES_FOR_SKILL = {
    Skill.MEAL: frozenset({CertificateKind.HEALTH}),
    Skill.BATHING: frozenset({CertificateKind.CARE_WORKER, CertificateKind.NURSE}),
    Skill.FIRST_AID: frozenset(
        {CertificateKind.FIRST_AID, CertificateKind.NURSE, CertificateKind.DOCTOR}
    ),
    Skill.MEDICAL: frozenset({CertificateKind.NURSE, CertificateKind.DOCTOR}),
    Skill.NURSING: frozenset({CertificateKind.CARE_WORKER, CertificateKind.NURSE}),
}


class CareService(TimeStampedModel):
    """An item of the catalogue. Prices are integer cents (分); `subsidised` items may be paid
    with the elder's vouchers."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    family = models.CharField(_("family"), max_length=16, choices=Family.choices)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    includes = models.TextField(_("what is included"), blank=True, max_length=500)
    price_cents = models.PositiveIntegerField(_("price (cents)"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    skill = models.CharField(_("skill needed"), max_length=16, choices=Skill.choices, blank=True)
    subsidised = models.BooleanField(_("subsidy applies"), default=True)
    # For recreation and learning: the kind of activity that serves it.
    activity_kind = models.CharField(_("activity kind"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("care service")
        verbose_name_plural = _("care services")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="care_service_has_duration"
            ),
            models.CheckConstraint(
                condition=~Q(family__in=sorted(ACTIVITY_FAMILIES)) | ~Q(activity_kind=""),
                name="care_service_activity_has_kind",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_activity(self) -> bool:
        return self.family in ACTIVITY_FAMILIES


class ProviderQuerySet(ScopedQuerySet, models.QuerySet):
    """The officials of a place look after the providers based in it."""

    scope_roles = OFFICIALS


class Provider(TimeStampedModel):
    class Kind(models.TextChoices):
        MERCHANT = "merchant", _("Merchant")
        ORGANISATION = "organisation", _("Care organisation")
        SQUAD = "squad", _("Volunteer squad")

    organisation = models.OneToOneField(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="care_provider",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The organisation's place, copied so that scoped lists never join.
    place_path = models.CharField(max_length=80, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    services = models.ManyToManyField(
        CareService,
        verbose_name=_("services offered"),
        related_name="providers",
        blank=True,
        through="ProviderService",
    )
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(20, 0))
    # Answers one-tap help (助急) at any hour.
    on_call = models.BooleanField(_("on call around the clock"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    rating_total = models.PositiveIntegerField(default=0, editable=False)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["place_path", "pk"]
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")
        indexes = [
            models.Index(fields=["lat", "lon"], name="care_provider_position_idx"),
            models.Index(
                fields=["place_path"],
                name="care_provider_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.organisation.name if self.organisation_id else ""

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def rating(self) -> float | None:
        """The average of its orders' ratings (1–5), None before the first."""
        return round(self.rating_total / self.rating_count, 1) if self.rating_count else None


class ProviderService(models.Model):
    """An item a provider offers, at the provider's position (copied by the provider services
    whenever either changes): the search for the providers nearest an elder that offer an item
    narrows on (item, lat, lon) and so only ever reads providers of that item."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="offerings")
    service = models.ForeignKey(
        CareService, on_delete=models.CASCADE, related_name="+", db_column="careservice_id"
    )
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        # The table Django made for the plain many-to-many this replaced.
        db_table = "care_provider_services"
        unique_together = [("provider", "service")]
        indexes = [
            models.Index(fields=["service", "lat", "lon"], name="care_offering_position_idx")
        ]

    def __str__(self):
        return f"{self.provider_id} · {self.service_id}"


class ProviderArea(models.Model):
    """A place the provider serves: an elder whose home lies in its subtree may be served."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.UniqueConstraint(fields=["provider", "place"], name="care_area_once"),
        ]
        indexes = [models.Index(fields=["place_path", "provider"], name="care_area_path_idx")]

    def __str__(self):
        return self.place_path


class ProviderStaff(TimeStampedModel):
    """A person working for a provider, with the skills they offer."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="staff")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    on_duty = models.BooleanField(_("on duty"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider staff member")
        verbose_name_plural = _("provider staff")
        constraints = [
            models.UniqueConstraint(fields=["provider", "person"], name="care_staff_once"),
        ]

    def __str__(self):
        return self.person.real_name

    def has_skill(self, skill: str) -> bool:
        return not skill or skill in (self.skills or ())


class Certificate(models.Model):
    staff = models.ForeignKey(ProviderStaff, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=40)
    expires_on = models.DateField(_("valid until"))

    class Meta:
        ordering = ["kind", "-expires_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


# ---------------------------------------------------------------------------------------------
# Vouchers


class VoucherPolicy(TimeStampedModel):
    """A monthly allowance of care vouchers (养老服务补贴): who qualifies (an ability level at
    least `min_level`, or low income), how much a month, what share of a price a voucher may
    pay, on which items (none listed: every subsidised item), and whether what is left rolls
    over into the next month. An elder qualifying under several gets the largest allowance."""

    name = models.CharField(_("name"), max_length=60)
    min_level = models.PositiveSmallIntegerField(
        _("from ability level"),
        null=True,
        blank=True,
        help_text=_("0 capable … 4 fully disabled; empty: not by level"),
    )
    for_low_income = models.BooleanField(_("for low-income elders"), default=False)
    monthly_cents = models.PositiveIntegerField(_("monthly allowance (cents)"))
    share_percent = models.PositiveSmallIntegerField(_("share of a price vouchers pay (%)"))
    services = models.ManyToManyField(
        CareService, verbose_name=_("items"), blank=True, related_name="+"
    )
    rolls_over = models.BooleanField(_("unused vouchers roll over"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-monthly_cents", "pk"]
        verbose_name = _("voucher policy")
        verbose_name_plural = _("voucher policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gte=1, share_percent__lte=100),
                name="care_policy_share_percent",
            ),
            models.CheckConstraint(
                condition=Q(min_level__isnull=False) | Q(for_low_income=True),
                name="care_policy_has_a_condition",
            ),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# Orders


# A provider checking in within this much of the start is on time.
LATE_GRACE = datetime.timedelta(minutes=15)


class CareOrder(models.Model):
    """An order for a catalogue item at a time: the details of a CARE case (its primary key is
    the case's). Prices are copied when ordered; the payment splits the price between vouchers
    and the elder's own money when the service is confirmed."""

    class TakenBy(models.TextChoices):
        GRABBED = "grabbed", _("Taken from the offers (抢单)")
        ASSIGNED = "assigned", _("Assigned by staff (指派)")

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.PROTECT, related_name="care_order"
    )
    elder = models.ForeignKey(
        "eldercare.Elder", verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        CareService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="orders"
    )
    # The elder's home, copied for scoping.
    place_path = models.CharField(max_length=80, editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    price_cents = models.PositiveIntegerField(_("price (cents)"))
    voucher_cents = models.PositiveIntegerField(_("paid by vouchers (cents)"), default=0)
    own_cents = models.PositiveIntegerField(_("paid by the elder (cents)"), default=0)
    urgent = models.BooleanField(_("one-tap help"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    staff = models.ForeignKey(
        ProviderStaff, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    taken_by = models.CharField(max_length=16, choices=TakenBy.choices, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The month whose settlement covers it (the first day): the local month of the service, or,
    # for an order paid after that month was settled, the month it was paid in.
    month = models.DateField(editable=False)
    score = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # Set when its month is settled for its provider: from then on it is locked.
    settlement = models.ForeignKey(
        "Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )

    class Meta:
        verbose_name = _("care order")
        verbose_name_plural = _("care orders")
        indexes = [
            models.Index(
                fields=["place_path"], name="care_order_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["provider", "month"], name="care_order_provider_month_idx"),
            models.Index(fields=["elder", "starts_at"], name="care_order_elder_idx"),
            models.Index(fields=["staff", "starts_at"], name="care_order_staff_idx"),
            models.Index(fields=["month"], name="care_order_month_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(voucher_cents__lte=models.F("price_cents")),
                name="care_order_voucher_within_price",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="care_order_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.service}"

    @property
    def minutes_late(self) -> int:
        """How late the provider arrived, in whole minutes past the start (0: on time, within
        the grace, or not arrived)."""
        if self.checked_in_at is None or self.checked_in_at <= self.starts_at + LATE_GRACE:
            return 0
        return int((self.checked_in_at - self.starts_at).total_seconds() // 60)

    def is_no_show(self, now) -> bool:
        """A provider took the order and never arrived: the service's time is over, or the
        order was cancelled once the provider was already late."""
        if self.provider_id is None or self.checked_in_at is not None:
            return False
        if self.cancelled_at is not None:
            return self.cancelled_at > self.starts_at + LATE_GRACE
        return self.ends_at < now


def no_shows(now) -> Q:
    """`CareOrder.is_no_show` as a filter."""
    return Q(provider__isnull=False, checked_in_at__isnull=True) & (
        Q(cancelled_at__isnull=True, ends_at__lt=now)
        | Q(cancelled_at__gt=models.F("starts_at") + LATE_GRACE)
    )


class CareOffer(models.Model):
    """An order offered to a provider near the elder (抢单): its staff see it and may take it."""

    order = models.ForeignKey(CareOrder, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="offers")
    distance_m = models.PositiveIntegerField(_("distance from the elder (m)"))

    class Meta:
        ordering = ["distance_m", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "provider"], name="care_offer_once"),
        ]
        indexes = [models.Index(fields=["provider", "order"], name="care_offer_provider_idx")]

    def __str__(self):
        return f"{self.order_id} → {self.provider_id} ({self.distance_m} m)"


class Complaint(models.Model):
    """投诉: the elder, their family or the community complain about an order's provider. The
    complaint is a case of its own (COMPLAINT, handled by the community's officials on the
    engine); this row ties it to the order and the provider, which the figures count."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.PROTECT, related_name="care_complaint"
    )
    order = models.ForeignKey(CareOrder, on_delete=models.PROTECT, related_name="complaints")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="complaints")
    # The elder's home, copied for scoping.
    place_path = models.CharField(max_length=80, editable=False)
    created_at = models.DateTimeField(_("made at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(
                fields=["place_path"],
                name="care_complaint_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["provider", "created_at"], name="care_complaint_provider_idx"),
        ]

    def __str__(self):
        return f"{self.case_id} → {self.order_id}"


# ---------------------------------------------------------------------------------------------
# Monthly settlement


class Settlement(models.Model):
    """A provider's month (结算): the orders served in it and paid, the vouchers they used (what
    the district owes the provider), their own-money share, the corrections landing in it, and
    the auditors' call-back sample. Open while the month is being checked; once settled, its
    orders are locked (`CareOrder.settlement`) and a correction lands in a later month."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("settlement", "Being checked")
        SETTLED = "settled", pgettext_lazy("settlement", "Settled")

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="settlements"
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    # The figures as settled (while open, the statement computes them from the orders).
    orders_count = models.PositiveIntegerField(default=0)
    price_cents = models.BigIntegerField(default=0)
    voucher_cents = models.BigIntegerField(default=0)
    own_cents = models.BigIntegerField(default=0)
    corrections_cents = models.BigIntegerField(default=0)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month", "provider_id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="care_settlement_once"),
        ]

    def __str__(self):
        return f"{self.provider} {self.month:%Y-%m}"

    @property
    def due_cents(self) -> int:
        """What the district pays the provider for the month's vouchers, after corrections."""
        return self.voucher_cents + self.corrections_cents


class Correction(models.Model):
    """An order refunded after it was paid: the elder gets back what they paid, and the
    provider's settlement of the month the correction is made in carries it (minus the vouchers
    refunded), never the locked month of the order."""

    order = models.OneToOneField(
        CareOrder, on_delete=models.PROTECT, related_name="correction", verbose_name=_("order")
    )
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="corrections")
    voucher_cents = models.PositiveIntegerField(_("vouchers refunded (cents)"))
    own_cents = models.PositiveIntegerField(_("own money refunded (cents)"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.order_id}: −{self.voucher_cents + self.own_cents}"


class SampleCheck(models.Model):
    """An order drawn for the auditors' call-back (回访抽查): at least 1% of a month's subsidised
    orders, and what the call found."""

    class Finding(models.TextChoices):
        PENDING = "pending", _("Not called yet")
        CONFIRMED = "confirmed", _("Confirmed: served as recorded")
        DISCREPANCY = "discrepancy", _("Discrepancy found")
        UNREACHABLE = "unreachable", _("Could not be reached")

    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="sample_checks"
    )
    order = models.ForeignKey(CareOrder, on_delete=models.PROTECT, related_name="sample_checks")
    finding = models.CharField(
        _("finding"), max_length=16, choices=Finding.choices, default=Finding.PENDING
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("call-back check")
        verbose_name_plural = _("call-back checks")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "order"], name="care_sample_once"),
        ]

    def __str__(self):
        return f"{self.settlement} · {self.order_id}"
