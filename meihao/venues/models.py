"""Bookings of the district's venues (recreation points, small stages, squares, community
centres) by groups and units for a time slot.

A booking is made by a user for a team they lead or an organisation they work for (officials
covering the venue may book for their own work too). It is confirmed at once, or waits for the
officials covering the venue when the venue needs approval. Two bookings of a venue that are
requested or confirmed never overlap: the services check it under a lock on the venue's row."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import Photo, TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import visible_to

PURPOSE_MAX = 100
REASON_MAX = 200


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officials covering the venue's place; everyone their own bookings."""
        own = Q(booked_by=user) if getattr(user, "is_authenticated", False) else None
        return visible_to(self, user, roles=OFFICIALS, own=own)

    def holding(self):
        """Bookings that hold their slot: waiting for approval or confirmed."""
        return self.filter(status__in=(Booking.Status.REQUESTED, Booking.Status.CONFIRMED))


class Booking(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("booking", "Waiting for approval")
        CONFIRMED = "confirmed", pgettext_lazy("booking", "Confirmed")
        DECLINED = "declined", pgettext_lazy("booking", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")

    venue = models.ForeignKey(
        "places.Venue", verbose_name=_("venue"), on_delete=models.PROTECT, related_name="bookings"
    )
    # The venue's place: the officials covering it see who booked and decide requests.
    place_path = models.CharField(max_length=80, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="venue_bookings",
    )
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("for the team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venue_bookings",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("for the organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venue_bookings",
    )
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(_("why declined"), max_length=REASON_MAX, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=REASON_MAX, blank=True)
    # The activity held on the booking (its venue, place and time come from it).
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue_booking",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("venue booking")
        verbose_name_plural = _("venue bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(organisation__isnull=True),
                name="booking_for_one_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "starts_at"], name="booking_venue_start_idx"),
            models.Index(
                fields=["place_path", "starts_at"],
                name="booking_place_start_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(fields=["booked_by", "starts_at"], name="booking_booker_start_idx"),
        ]

    def __str__(self):
        return f"{self.venue} · {self.purpose}"

    @property
    def holder_name(self) -> str:
        """Whom the booking is for: the team, the organisation, else the person who booked."""
        if self.team is not None:
            return self.team.name
        if self.organisation is not None:
            return self.organisation.name
        return self.booked_by.name


class VenuePhoto(Photo):
    """A photo of a venue on its page (`core.photos`: EXIF-free copies only), added and removed
    by the officials covering it."""

    FOLDER = "venues"
    URLS = "venues"

    venue = models.ForeignKey(
        "places.Venue", verbose_name=_("venue"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta(Photo.Meta):
        verbose_name = _("venue photo")
        verbose_name_plural = _("venue photos")
