"""Dual registration (双报到): units and their in-service party members register with a
community for a year; the community publishes service posts (岗位) they claim.

The tables keep the names they had when this was part of `volunteers` (`volunteers_*`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import ScopedQuerySet


class CommunityRecordQuerySet(ScopedQuerySet, models.QuerySet):
    """Dual-registration records: visible to the managers of their community."""

    scope_path_field = "community_path"
    scope_roles = OFFICIALS


class YearRegistration(TimeStampedModel):
    """What a unit's and a party member's registration with a community for a year share."""

    community_path = models.CharField(max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CommunityRecordQuerySet.as_manager()

    class Meta:
        abstract = True


class UnitRegistration(YearRegistration):
    """A unit registers with a community for a year (单位到社区报到)."""

    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="community_registrations",
    )
    community = models.ForeignKey(
        "places.Place",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="unit_registrations",
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    class Meta:
        db_table = "volunteers_unitregistration"
        ordering = ["-year", "community_path", "organisation__name"]
        verbose_name = _("unit registration")
        verbose_name_plural = _("unit registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "community", "year"], name="unit_registration_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["community_path", "year"],
                name="unit_registration_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            )
        ]

    def __str__(self):
        return f"{self.organisation} @ {self.community} {self.year}"


class MemberRegistration(YearRegistration):
    """An in-service party member registers with the community they live in (党员到社区报到)."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="member_registrations",
    )
    unit = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="member_registrations",
    )
    community = models.ForeignKey(
        "places.Place",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="member_registrations",
    )

    class Meta:
        db_table = "volunteers_memberregistration"
        ordering = ["-year", "community_path", "person__real_name"]
        verbose_name = _("party member registration")
        verbose_name_plural = _("party member registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community", "year"], name="member_registration_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["community_path", "year"],
                name="member_registration_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            )
        ]

    def __str__(self):
        return f"{self.person} @ {self.community} {self.year}"


class ServicePost(TimeStampedModel):
    """A service post (岗位) a community publishes for its registered party members to claim."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for claims")
        CLOSED = "closed", _("Closed to claims")

    community = models.ForeignKey(
        "places.Place",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="service_posts",
    )
    community_path = models.CharField(max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    expected_minutes = models.PositiveIntegerField(_("expected time (minutes)"))
    slots = models.PositiveSmallIntegerField(_("number of places"))
    # Kept by conditional UPDATEs in the claim services so that concurrent claims never take
    # more places than there are (`claimed_count <= slots` is also a database constraint).
    claimed_count = models.PositiveSmallIntegerField(_("places taken"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CommunityRecordQuerySet.as_manager()

    class Meta:
        db_table = "volunteers_servicepost"
        ordering = ["-year", "status", "-created_at", "-id"]
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_count__lte=models.F("slots")), name="service_post_slots"
            ),
            models.CheckConstraint(condition=Q(slots__gt=0), name="service_post_has_slots"),
        ]
        indexes = [
            models.Index(
                fields=["community_path", "year", "status"],
                name="service_post_idx",
                opclasses=["varchar_pattern_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def places_left(self) -> int:
        return max(self.slots - self.claimed_count, 0)

    @property
    def expected_hours(self) -> float:
        return self.expected_minutes / 60


class PostClaim(TimeStampedModel):
    """A registered party member's claim on a service post, and its confirmed outcome."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    post = models.ForeignKey(
        ServicePost, verbose_name=_("post"), on_delete=models.PROTECT, related_name="claims"
    )
    registration = models.ForeignKey(
        MemberRegistration,
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    # Copied from the registration, for the one-live-claim constraint and the report.
    person = models.ForeignKey(
        "people.Person", verbose_name=_("party member"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=80, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CLAIMED
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    minutes = models.PositiveIntegerField(_("minutes served"), null=True, blank=True)
    note = models.CharField(_("confirmation note"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The volunteer service record the confirmation wrote (hours count from there).
    service_record = models.OneToOneField(
        "activities.ServiceRecord",
        verbose_name=_("service record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="post_claim",
    )

    objects = CommunityRecordQuerySet.as_manager()

    class Meta:
        db_table = "volunteers_postclaim"
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "person"],
                condition=~Q(status="cancelled"),
                name="post_claim_one_live",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(minutes__gt=0),
                name="post_claim_completed_minutes",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="post_claim_person_idx"),
            models.Index(
                fields=["community_path", "status"],
                name="post_claim_path_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.post} · {self.person}"
