"""Activities (abstraction 4): anything scheduled that people sign up for and attend, the
attendance check-in produces, and the volunteer service records attendance produces.

Hours follow the national volunteer-record rules (志愿服务记录办法): a record names the volunteer,
the activity, date, place, content, hours, the recording organisation and the person in charge.
Records are never edited; a mistake is corrected by a reversing record.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import AppendOnlyModel, TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_q, visible_to


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published, cancelled and finished activities are public to everyone logged in
        (residents sign up anywhere); drafts only to the organisers whose scope covers them.
        A kind another app owns (a party meeting) is seen only as that app says."""
        from meihao.activities.extensions import owned_kinds, owned_visible_q

        owned = owned_kinds()
        if not getattr(user, "is_authenticated", False) or user.is_superuser:
            return visible_to(self, user, roles=OFFICIALS, public=~Q(status=Activity.Status.DRAFT))
        return self.filter(
            (
                (
                    scope_q(user, path_field="place_path", roles=OFFICIALS)
                    | _led_teams_q(user)
                    | ~Q(status=Activity.Status.DRAFT)
                )
                & ~Q(kind__in=owned)
            )
            | owned_visible_q(user)
        )

    def organised_by(self, user):
        """The activities `user` may manage: those in a place their organiser roles cover or
        organised by a team they lead, and of a kind another app owns, those that app says."""
        from meihao.activities.extensions import owned_kinds, owned_organised_q

        if getattr(user, "is_superuser", False):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            (
                (scope_q(user, path_field="place_path", roles=OFFICIALS) | _led_teams_q(user))
                & ~Q(kind__in=owned_kinds())
            )
            | owned_organised_q(user)
        )


def _led_teams_q(user) -> Q:
    from meihao.people.models import led_team_ids

    return Q(organiser_team__in=led_team_ids(user))


class Activity(TimeStampedModel):
    class Kind(models.TextChoices):
        VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")
        PATROL_SHIFT = "patrol_shift", _("Patrol shift")
        JOINT_PATROL = "joint_patrol", _("Joint police–resident patrol")
        LECTURE = "lecture", _("Lecture")
        CULTURAL_EVENT = "cultural_event", _("Cultural event")
        BRANCH_MEETING = "branch_meeting", _("Party branch meeting")
        LEGAL_EDUCATION = "legal_education", _("Legal education")
        LEGAL_DUTY = "legal_duty", _("Legal advisor on duty")
        HEALTH_CLINIC = "health_clinic", _("Free health clinic")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        FINISHED = "finished", _("Finished")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    organiser_team = models.ForeignKey(
        "people.Team",
        verbose_name=_("organising team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    organiser = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organising organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=pgettext_lazy("owning area", "place"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    place_path = models.CharField(max_length=80, editable=False)
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Null for an online activity: geofence check-in is then unavailable.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        pgettext_lazy("activity places", "capacity"), validators=[MinValueValidator(1)]
    )
    # [{"role": "治安员", "count": 2}, ...]; empty when everyone signs up alike.
    roles_needed = models.JSONField(_("roles needed"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    checkin_radius_m = models.PositiveIntegerField(
        _("check-in radius (m)"), default=200, validators=[MinValueValidator(1)]
    )
    late_after_minutes = models.PositiveIntegerField(_("late after (minutes)"), default=15)
    # Service hours are credited only when at least this share of the planned time was attended.
    min_attendance_share = models.DecimalField(
        _("minimum attendance share"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
    )
    # Told to everyone signed up when the activity is cancelled.
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(min_attendance_share__gt=0, min_attendance_share__lte=1),
                name="activity_attendance_share_range",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="activity_lat_lon_together",
            ),
        ]
        indexes = [
            # The public upcoming list: published, by start time (optionally by kind).
            models.Index(fields=["status", "starts_at"], name="activity_status_start_idx"),
            models.Index(fields=["kind", "status", "starts_at"], name="activity_kind_start_idx"),
            # Organisers' lists and hours per street: subtree prefix + time range.
            models.Index(
                fields=["place_path", "starts_at"],
                name="activity_place_start_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def planned_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_online(self) -> bool:
        return self.lat is None


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="signups"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="activity_signups",
    )
    # One of the activity's roles_needed, or "" when it names none.
    role = models.CharField(pgettext_lazy("activity role", "role"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved off the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=~Q(status="cancelled"),
                name="signup_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="signup_cancelled_at_matches_status",
            ),
        ]
        indexes = [
            # Counting places taken and the waiting list in order.
            models.Index(
                fields=["activity", "status", "created_at"], name="signup_activity_status_idx"
            ),
            # "My activities".
            models.Index(fields=["person", "created_at"], name="signup_person_idx"),
        ]

    def __str__(self):
        return f"{self.person} · {self.activity}"


class Attendance(models.Model):
    """A confirmed sign-up that checked in. Absence is the lack of one after the end."""

    class CheckInMethod(models.TextChoices):
        QR = "qr", _("QR code")
        GEOFENCE = "geofence", pgettext_lazy("check-in method", "Location")
        STAFF = "staff", _("By the organiser")
        # Joined the online link through the platform (a livestreamed meeting).
        ONLINE = "online", _("Online")

    class CheckOutMethod(models.TextChoices):
        SELF = "self", _("By the participant")
        ORGANISER = "organiser", _("By the organiser")
        FINISH = "finish", _("When the activity was finished")

    signup = models.OneToOneField(
        SignUp, verbose_name=_("sign-up"), on_delete=models.PROTECT, related_name="attendance"
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    check_in_method = models.CharField(
        _("check-in method"), max_length=16, choices=CheckInMethod.choices
    )
    check_in_lat = models.FloatField(_("check-in latitude"), null=True, blank=True)
    check_in_lon = models.FloatField(_("check-in longitude"), null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField(
        _("distance from the venue (m)"), null=True, blank=True
    )
    late = models.BooleanField(_("late"), default=False)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_out_method = models.CharField(
        _("check-out method"), max_length=16, choices=CheckOutMethod.choices, blank=True
    )
    # Overlap of the time present with the planned time: travel is excluded.
    credited_minutes = models.PositiveIntegerField(_("credited minutes"), default=0)

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="attendance_out_after_in",
            ),
        ]

    def __str__(self):
        return f"{self.signup} · {self.checked_in_at:%Y-%m-%d %H:%M}"


class ServiceRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A volunteer sees their own records; organisers those in their place scope."""
        return visible_to(self, user, roles=OFFICIALS, own=Q(person__user=user))


def _evidence_path(instance, filename):
    return f"service-evidence/{instance.service_date:%Y/%m}/{filename}"


class ServiceRecord(AppendOnlyModel):
    """A volunteer service record (志愿服务记录). Written once; corrected only by reversal."""

    class Source(models.TextChoices):
        ATTENDANCE = "attendance", _("From check-in and check-out")
        STAFF_ENTRY = "staff_entry", _("Entered by staff with evidence")
        # The confirmed claim of a service post (dual.PostClaim.service_record) is the
        # evidence: staff confirmed the time served on the spot, so no photo is attached.
        CONFIRMED_POST = "confirmed_post", _("Confirmed service post (dual registration)")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    service_date = models.DateField(_("service date"))
    place = models.ForeignKey(
        "places.Place",
        verbose_name=pgettext_lazy("owning area", "place"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    place_path = models.CharField(max_length=80, editable=False)
    content = models.CharField(_("service content"), max_length=200)
    # Negative only in a reversing record.
    minutes = models.IntegerField(_("minutes"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    attendance = models.ForeignKey(
        Attendance,
        verbose_name=_("attendance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    evidence = models.FileField(_("evidence"), upload_to=_evidence_path, max_length=200, blank=True)
    recording_organisation = models.CharField(_("recording organisation"), max_length=100)
    person_in_charge = models.CharField(_("person in charge"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-service_date", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, minutes__gt=0)
                | Q(reverses__isnull=False, minutes__lt=0),
                name="servicerecord_minutes_sign",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""),
                name="servicerecord_reversal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(source="attendance", attendance__isnull=False)
                | Q(source="staff_entry", attendance__isnull=True) & ~Q(evidence="")
                | Q(source="confirmed_post", attendance__isnull=True),
                name="servicerecord_source_backed",
            ),
            # An attendance earns one record (its reversal carries the same attendance).
            models.UniqueConstraint(
                fields=["attendance"],
                condition=Q(reverses__isnull=True, attendance__isnull=False),
                name="servicerecord_one_per_attendance",
            ),
        ]
        indexes = [
            # A volunteer's hours over a period (stars, certificates).
            models.Index(fields=["person", "service_date"], name="servicerecord_person_idx"),
            # Hours per street or community over a period (insights).
            models.Index(
                fields=["place_path", "service_date"],
                name="servicerecord_place_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.service_date} · {self.minutes}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
