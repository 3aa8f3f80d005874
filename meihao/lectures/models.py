"""宣讲菜单: the topics lecture teams offer, residents' orders (点单), the sessions communities
request, and the sessions scheduled, each an activity of kind `lecture` with its attendance.

A topic belongs to a lecture team (`people.Team` of kind `lecture`). A resident orders a
published topic once; the order is for their home community (its path copied) and is
delivered by the first session of the topic scheduled in a place above or at that community.
A community's staff request a session of a topic; the team's leaders (or the officials over
the team) schedule it as an activity, which delivers the orders it covers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import visible_to

TITLE_MAX = 120
NOTE_MAX = 200


class Topic(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("topic", "On the menu")
        WITHDRAWN = "withdrawn", pgettext_lazy("topic", "Withdrawn")

    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("lecture team"),
        on_delete=models.PROTECT,
        related_name="lecture_topics",
        limit_choices_to={"kind": "lecture"},
    )
    # The team's place: the officials over it manage the team's menu with its leaders.
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(_("summary"), max_length=2000)
    speaker = models.CharField(_("speaker"), max_length=60)
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    audience = models.CharField(_("for whom"), max_length=60, blank=True)
    online = models.BooleanField(_("online"), default=False)
    offline = models.BooleanField(_("on site"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("lecture topic")
        verbose_name_plural = _("lecture topics")
        constraints = [
            models.CheckConstraint(
                condition=Q(online=True) | Q(offline=True), name="topic_online_or_offline"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=10, minutes__lte=480), name="topic_minutes_range"
            ),
        ]

    def __str__(self):
        return self.title


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officials of the community ordered for; everyone their own orders."""
        own = Q(person__user=user) if getattr(user, "is_authenticated", False) else None
        return visible_to(self, user, roles=OFFICIALS, own=own)


class Order(models.Model):
    """A resident's 点单: they want to hear this topic in their community."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="orders"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="lecture_orders",
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False)
    note = models.CharField(_("why"), max_length=NOTE_MAX, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    # The session that delivered it: the first of the topic scheduled over its community.
    session = models.ForeignKey(
        "lectures.Session",
        verbose_name=_("delivered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-ordered_at", "-id"]
        verbose_name = _("lecture order")
        verbose_name_plural = _("lecture orders")
        constraints = [
            models.UniqueConstraint(fields=["topic", "person"], name="lecture_order_once")
        ]
        indexes = [
            models.Index(
                fields=["place_path", "ordered_at"],
                name="lecture_order_place_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.topic}"


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officials of the requesting community; the team's leaders and the officials
        over the team (`selectors.requests_for`)."""
        return visible_to(self, user, roles=OFFICIALS)


class Request(TimeStampedModel):
    """A community asks the team for a session of the topic."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SCHEDULED = "scheduled", _("Scheduled")
        DECLINED = "declined", _("Declined")

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="requests"
    )
    community = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    decline_reason = models.CharField(_("why declined"), max_length=NOTE_MAX, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("session request")
        verbose_name_plural = _("session requests")
        constraints = [
            # One open request of a topic per community: asking again adds nothing.
            models.UniqueConstraint(
                fields=["topic", "community"],
                condition=Q(status="requested"),
                name="lecture_request_open_once",
            )
        ]

    def __str__(self):
        return f"{self.community} · {self.topic}"


class Session(models.Model):
    """A scheduled lecture of a topic: its activity carries the time, place, livestream link,
    sign-ups and attendance."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="sessions"
    )
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="lecture_session",
    )
    request = models.OneToOneField(
        Request,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), default=timezone.now)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = _("lecture session")
        verbose_name_plural = _("lecture sessions")

    def __str__(self):
        return str(self.activity)
