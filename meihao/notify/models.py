"""The outbox: a Message per recipient and event, a Delivery per channel, and where to deliver.

A message is written in the same transaction as the change that causes it; its deliveries are
sent afterwards by a Huey worker that claims each one with a lease (see `delivery.py`).
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.notify.kinds import NotifyBy


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone sees their own messages and nobody else's: not even a superuser's inbox
        shows another person's mail (the admin's read-only log is for that)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def in_inbox(self):
        """Messages in their own right: not the events waiting for (or listed in) a digest."""
        return self.filter(digest_key="")


class Message(models.Model):
    """One notification for one recipient (a user's inbox) or one team's group channel."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_messages",
    )
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_messages",
    )
    # A free code the calling app defines, e.g. case_dispatched, case_overdue.
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    # The language subject and body were rendered in, so channels add their own words in it.
    language = models.CharField(_("language"), max_length=16)
    # The caller's event key plus the recipient: the same event never makes two messages.
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # An event of a digested kind (notify.kinds) waits for its person's digest instead of being
    # sent: `digest_key` groups one person's events of one kind in one window, `deliver_after`
    # is the window's end, and `digest` the message that listed it once sent.
    digest_key = models.CharField(_("digest key"), max_length=255, blank=True)
    deliver_after = models.DateTimeField(_("deliver after"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digest_entries",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient__isnull=False, team__isnull=True)
                    | models.Q(recipient__isnull=True, team__isnull=False)
                ),
                name="notify_message_one_addressee",
            ),
        ]
        indexes = [
            # The inbox, newest first.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=models.Q(digest_key=""),
                name="notify_message_inbox_idx",
            ),
            # The bell: a count over unread rows only.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True, digest_key=""),
                name="notify_message_unread_idx",
            ),
            # The digest sweep: events waiting for their window to end.
            models.Index(
                fields=["deliver_after"],
                condition=models.Q(digest__isnull=True) & ~models.Q(digest_key=""),
                name="notify_message_waiting_idx",
            ),
            models.Index(fields=["target_type", "target_id"], name="notify_message_target_idx"),
            models.Index(fields=["kind", "created_at"], name="notify_message_kind_idx"),
            models.Index(fields=["team", "created_at"], name="notify_message_team_idx"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    WECOM = "wecom", _("WeCom group robot")
    EMAIL = "email", _("Email")


class LeasedWork(models.Model):
    """A row a worker takes with a lease and retries (`notify.leases`): its attempts, when it
    is next due, who holds it and until when, and the last error."""

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    # Which claim holds the lease: only that worker may record the outcome.
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True


class Delivery(LeasedWork):
    """One attempt-tracked send of a message through one channel: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery status", "Pending")
        SENDING = "sending", pgettext_lazy("delivery status", "Sending")
        SENT = "sent", pgettext_lazy("delivery status", "Sent")
        FAILED = "failed", pgettext_lazy("delivery status", "Failed, will retry")
        DEAD = "dead", pgettext_lazy("delivery status", "Given up")

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(
        pgettext_lazy("delivery", "channel"), max_length=16, choices=Channel.choices
    )
    # The email address at enqueue time; WeCom webhook URLs (which carry a secret key) are
    # looked up from the team's channel when sending and never copied here.
    address = models.CharField(_("address"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"], name="notify_delivery_unique"),
        ]
        indexes = [
            # The worker's sweep: due rows waiting to be (re)tried ...
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="notify_delivery_due_idx",
            ),
            # ... and claims whose worker died (lease expired).
            models.Index(
                fields=["lease_until"],
                condition=models.Q(status="sending"),
                name="notify_delivery_lease_idx",
            ),
            # The admin's delivery log filters.
            models.Index(
                fields=["status", "channel", "created_at"], name="notify_delivery_log_idx"
            ),
            models.Index(fields=["channel", "created_at"], name="notify_delivery_channel_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.message}"


wecom_url_validator = URLValidator(schemes=["https", "http"])


class TeamChannel(models.Model):
    """A team's group channels: its WeCom group robot and a shared mailbox."""

    team = models.OneToOneField(
        "people.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="notify_channel",
    )
    # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… — the key is a secret.
    wecom_webhook_url = models.CharField(
        _("WeCom group robot webhook URL"),
        max_length=500,
        blank=True,
        validators=[wecom_url_validator],
        help_text=_(
            "In the WeCom group: Add group robot → copy its webhook address "
            "(https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)."
        ),
    )
    email = models.EmailField(_("team mailbox"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("team channel")
        verbose_name_plural = _("team channels")

    def __str__(self):
        return str(self.team)


class Preference(models.Model):
    """Where one user can be reached besides the inbox, and in which language (all optional).
    Which kinds go where is their `ChannelChoice`s."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, blank=True
    )
    email = models.EmailField(_("email address"), blank=True)
    # A WeCom group robot of the person's own (a group with just them and the robot): the
    # group robot is what WeCom lets an installation post to without a corporate app.
    wecom_webhook_url = models.CharField(
        _("WeCom group robot webhook URL"),
        max_length=500,
        blank=True,
        validators=[wecom_url_validator],
        help_text=_(
            "In the WeCom group: Add group robot → copy its webhook address "
            "(https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)."
        ),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


class ChannelChoice(models.Model):
    """The channel one user chose for one kind of message (notify.kinds), or off. Only choices
    that differ from the kind's default for their roles are stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notify_channel_choices",
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(
        pgettext_lazy("delivery", "channel"),
        max_length=16,
        choices=NotifyBy.choices,
    )

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notify_channel_choice_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.channel}"


class FanOut(LeasedWork):
    """An event whose audience the worker finds, writing its messages after the commit.

    Written in the transaction of the change, like a Message, so the event exists exactly when
    the change does. Used where finding everyone to tell costs more than the change itself (a
    new case tells every dispatcher up the place tree): the request writes this one row, and a
    Huey task runs the event's registered handler (`notify.fanout`), which writes the messages
    through `notify_enqueue` in its own transaction. Claimed with a lease like a Delivery, so a
    worker that dies mid-way leaves it to the minute sweep; the messages' idempotency keys make
    a second run write nothing twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("fan-out status", "Pending")
        DONE = "done", pgettext_lazy("fan-out status", "Done")
        DEAD = "dead", pgettext_lazy("fan-out status", "Given up")

    # The name a handler registered with notify.fanout.fan_out_handler, e.g. cases.submitted.
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fan-out")
        verbose_name_plural = _("fan-outs")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notify_fanout_due_idx",
            ),
            models.Index(fields=["status", "created_at"], name="notify_fanout_log_idx"),
        ]

    def __str__(self):
        return f"{self.event} · {self.idempotency_key}"
