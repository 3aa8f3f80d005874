"""The information column (信息公开): notices and service information that a community, a
street or the district publishes to its residents, as the official account's column did.

A notice belongs to one place and is read by everyone under it: the district's notices by every
resident, a community's by its own. It is public once published (`publish_at` reached, not
withdrawn); staff may schedule it, pin it, and push it to the WeCom groups of the place's teams.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import ScopedQuerySet, ancestor_paths

TITLE_MAX = 60
BODY_MAX = 5000


class NoticeQuerySet(ScopedQuerySet, models.QuerySet):
    """Staff manage the notices of the places they hold an office on (drafts and scheduled
    ones too); what residents and the public read is `published`."""

    scope_path_field = "place_path"
    scope_roles = OFFICIALS

    def published(self, now=None):
        now = now or timezone.now()
        return self.filter(publish_at__lte=now, withdrawn_at__isnull=True)

    def for_place_path(self, path: str):
        """The notices a resident of `path` reads: those of the place and of every place above."""
        return self.filter(place_path__in=ancestor_paths(path))

    def in_order(self):
        return self.order_by("-pinned", "-publish_at", "-id")


class Notice(TimeStampedModel):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        ANNOUNCEMENT = "announcement", _("Public announcement")
        SERVICE = "service", _("Service information")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), max_length=BODY_MAX)
    place = models.ForeignKey(
        "places.Place", verbose_name=_("published for"), on_delete=models.PROTECT
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish_at = models.DateTimeField(_("published at"), db_index=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    # Readers who were logged in are counted once each (NoticeRead); visitors by page views.
    public_views = models.PositiveIntegerField(_("views without log-in"), default=0)
    # The WeCom groups it is to be pushed to, and when it was (once it is published).
    push_teams = models.ManyToManyField(
        "people.Team", verbose_name=_("pushed to the groups of"), blank=True, related_name="+"
    )
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["place_path", "publish_at"], name="notice_place_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="notice_withdrawn_with_reason",
            )
        ]

    def __str__(self):
        return self.title

    def is_published(self, now=None) -> bool:
        return self.withdrawn_at is None and self.publish_at <= (now or timezone.now())

    def status(self, now=None) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "published" if self.publish_at <= (now or timezone.now()) else "scheduled"


class NoticeRead(models.Model):
    """A logged-in reader opened the notice (the first time only)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]

    def __str__(self):
        return f"{self.notice} · {self.user}"
