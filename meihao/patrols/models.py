"""Grid-worker patrols (网格巡查): a session with its GPS track; the daily minutes are the
`patrol` duty's tallies on the obligations engine (`core.obligations`).

A grid worker patrols one hour a day (docs/product.md). The phone records a point about every 30 s
and may be offline for a while, so every write is idempotent: a session is identified by the phone's
`client_id`, and a point by (session, the phone's time of the fix).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import visible_to

# Who oversees patrols in their subtree (the duty view). A grid worker sees only their own.
PATROLLERS = frozenset({Role.GRID_WORKER})

# The duty on the obligations engine: per grid worker (subject = the user's id) and Asia/Shanghai
# day (`Period.DAY`), the seconds patrolled; a day is met at an hour (docs/product.md), so
# `ObligationYear` counts each worker's days met in a year.
DUTY = "patrol"
DUTY_SECONDS = 60 * 60


class PatrolSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Overseers see the patrols walked in their subtrees; everyone sees their own."""
        return visible_to(self, user, roles=OFFICIALS, own=Q(worker=user))

    def active(self):
        return self.filter(status=PatrolSession.Status.ACTIVE)


class PatrolSession(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("patrol", "In progress")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        WORKER = "worker", _("Ended by the grid worker")
        STALE = "stale", _("Ended automatically")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patrols",
    )
    grid = models.ForeignKey(
        "places.Place", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrols"
    )
    place_path = models.CharField(max_length=80, editable=False)
    # The phone's clock: a patrol started offline keeps the time it really started.
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    end_reason = models.CharField(
        _("how it ended"), max_length=8, choices=EndReason.choices, blank=True
    )
    # Computed by patrol_end; see services.track_distance_m for what counts.
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    duration_s = models.PositiveIntegerField(_("duration (s)"), default=0)
    # Kept by patrol_record_points so that pages and the stale sweep need no aggregate.
    point_count = models.PositiveIntegerField(_("points recorded"), default=0)
    last_point_at = models.DateTimeField(_("last point at"), null=True, blank=True)
    client_id = models.UUIDField(_("client id"), unique=True, editable=False)

    objects = PatrolSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status="active"),
                name="patrol_one_active_per_worker",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="active", ended_at__isnull=True)
                    | Q(
                        status="ended",
                        ended_at__isnull=False,
                        ended_at__gte=models.F("started_at"),
                    )
                ),
                name="patrol_end_matches_status",
            ),
        ]
        indexes = [
            # Patrols walked in a subtree over a period (overseers' lists): prefix + range.
            models.Index(
                fields=["place_path", "started_at"],
                name="patrol_place_started_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            # A worker's own patrols, newest first ("my patrols", linking a report to a patrol).
            models.Index(fields=["worker", "started_at"], name="patrol_worker_started_idx"),
            # The stale sweep reads only active sessions.
            models.Index(
                fields=["started_at"],
                condition=Q(status="active"),
                name="patrol_active_started_idx",
            ),
        ]

    def __str__(self):
        return f"{self.worker} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def duration_minutes(self) -> int:
        return self.duration_s // 60


class TrackPoint(models.Model):
    session = models.ForeignKey(
        PatrolSession, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="points"
    )
    # The phone's time of the fix: with the session it identifies the point, so a batch sent
    # twice (the answer was lost on a bad connection) is stored once.
    recorded_at = models.DateTimeField(pgettext_lazy("track point", "recorded at"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["session", "recorded_at"]
        verbose_name = _("track point")
        verbose_name_plural = _("track points")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "recorded_at"], name="trackpoint_session_time_unique"
            )
        ]

    def __str__(self):
        return f"{self.recorded_at:%H:%M:%S} ({self.lat:.5f}, {self.lon:.5f})"
