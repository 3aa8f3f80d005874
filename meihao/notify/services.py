"""Writing to the outbox, and the inbox's read marks.

Other apps call `notify_enqueue` (people) and `notify_team` (a team's group channel) from inside
their own service's transaction, next to the change that causes the notification. Rows are
written in that transaction; delivery is queued with `transaction.on_commit`, so a change that
rolls back sends nothing, and a change that commits is delivered at least once.
"""

import functools
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template import Context, Engine, Template
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import DomainError
from meihao.notify import leases
from meihao.notify.kinds import KINDS, MessageKind, NotifyBy, kind_of
from meihao.notify.models import (
    Channel,
    ChannelChoice,
    Delivery,
    FanOut,
    Message,
    Preference,
    TeamChannel,
    wecom_url_validator,
)

# Keys go into email headers and WeCom text verbatim: printable ASCII without spaces.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:/@#=+-]{1,200}$")
KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TEMPLATE_SUFFIXES = (".txt", ".md", ".html")


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        # In autocommit the message and its deliveries would commit separately from the change
        # that caused them: a crash in between loses or invents a notification.
        raise RuntimeError(
            "notify must be called inside transaction.atomic(), in the transaction of the "
            "change that causes the notification."
        )


def _check(kind: str, idempotency_key: str) -> None:
    if not KIND.match(kind):
        raise ValueError(f"notify kind {kind!r} must be a lower-case code like case_dispatched.")
    if not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ValueError(
            f"idempotency_key {idempotency_key!r} must be 1-200 printable ASCII characters "
            "without spaces, e.g. case:42:dispatched:3."
        )


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    """A template source compiled once per process: the same few sources (per language) are
    rendered for every recipient of every event."""
    return Template(text, engine=Engine.get_default())


def _template(source) -> Template:
    """A template name (…/x.txt) or a template source (a lazy gettext string, say), in the
    active language."""
    text = str(source)
    if text.endswith(TEMPLATE_SUFFIXES) and not any(c.isspace() for c in text):
        return Engine.get_default().get_template(text)
    return _compiled(text)


def _render(source, context: dict) -> str:
    """Rendered in the active language. Not auto-escaped: the output is plain text or WeCom
    markdown, and the inbox escapes it when it shows it."""
    return _template(source).render(Context(context, autoescape=False)).strip()


def _names_the_recipient(*sources) -> bool:
    """Whether a text differs per recipient: only if a template uses `recipient` (the name is
    the same in every translation)."""
    return any("recipient" in _template(source).source for source in sources)


def _target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    target_type, target_id = target
    return str(target_type), str(target_id)


def _texts(*, language: str, subject, body, context: dict) -> tuple[str, str]:
    with translation.override(language):
        rendered_subject = " ".join(_render(subject, context).split())[:200]
        return rendered_subject, _render(body, context)


def _message(*, language: str, subject, body, context: dict, **fields) -> Message:
    rendered_subject, rendered_body = _texts(
        language=language, subject=subject, body=body, context=context
    )
    return Message(language=language, subject=rendered_subject, body=rendered_body, **fields)


def _insert_messages(messages: list[Message]) -> list[Message]:
    """Insert the messages, all in one statement when no key is taken. A concurrent insert of
    the same key loses inside a savepoint, leaving the caller's transaction intact; then each
    message is tried on its own and the ones already in the outbox are skipped."""
    try:
        with transaction.atomic():
            return Message.objects.bulk_create(messages)
    except IntegrityError:
        pass
    created = []
    for message in messages:
        message.pk = None
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            if Message.objects.filter(idempotency_key=message.idempotency_key).exists():
                continue
            raise
        created.append(message)
    return created


def _save_new(messages_and_deliveries: list[tuple[Message, list[Delivery]]]) -> list[Message]:
    """Insert each message that does not exist yet, with its deliveries."""
    if not messages_and_deliveries:
        return []
    deliveries_of = {id(message): deliveries for message, deliveries in messages_and_deliveries}
    created = _insert_messages([message for message, _deliveries in messages_and_deliveries])
    deliveries = []
    for message in created:
        for delivery in deliveries_of[id(message)]:
            delivery.message = message
            deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries)
    pending = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING]
    if pending:
        # Imported here: tasks import services (thin wrappers), not the other way round.
        from meihao.notify.tasks import deliver

        # robust: the change has committed; if the queue is down the minute sweep sends them.
        transaction.on_commit(lambda: deliver(pending), robust=True)
    return created


def digest_minutes() -> int:
    """How long a digested kind's events wait to go out together (NOTIFY_DIGEST_MINUTES)."""
    return max(int(getattr(settings, "NOTIFY_DIGEST_MINUTES", 15)), 1)


def digest_window(moment) -> tuple[datetime, datetime]:
    """The window `moment` falls in: windows of NOTIFY_DIGEST_MINUTES counted from the epoch,
    so everyone's windows end together (10:00, 10:15 … for 15 minutes)."""
    length = digest_minutes() * 60
    start = int(moment.timestamp()) // length * length
    return (
        datetime.fromtimestamp(start, tz=UTC),
        datetime.fromtimestamp(start + length, tz=UTC),
    )


def roles_of(user_ids) -> dict[int, set[str]]:
    from meihao.people.models import RoleAssignment

    roles: dict[int, set[str]] = {}
    for user_id, role in RoleAssignment.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, set()).add(role)
    return roles


def chosen_channels(user_ids, kind: MessageKind) -> dict[int, str]:
    """Each user's channel for `kind`: their own choice, else the kind's default for their
    roles. Two queries whatever the number of users (one when the kind has no role defaults)."""
    user_ids = list(user_ids)
    chosen = dict(
        ChannelChoice.objects.filter(user_id__in=user_ids, kind=kind.code).values_list(
            "user_id", "channel"
        )
    )
    undecided = [pk for pk in user_ids if pk not in chosen]
    roles = roles_of(undecided) if kind.by_role and undecided else {}
    return {pk: chosen.get(pk) or kind.default_for(roles.get(pk, ())) for pk in user_ids}


def deliveries_for(channel: str, preference, now) -> tuple[list[Delivery], datetime | None]:
    """The deliveries of a message sent by `channel`, and its read mark. WeCom and email need
    the person's address (their notify preference); without one the inbox is the fallback. A
    message sent by WeCom or email is kept in the inbox as already read: the person can find
    it again, and the bell does not call them about what they were told elsewhere."""
    if channel == NotifyBy.EMAIL and preference and preference.email:
        return [
            Delivery(
                channel=Channel.EMAIL,
                address=preference.email,
                next_attempt_at=now,
                created_at=now,
            )
        ], now
    if channel == NotifyBy.WECOM and preference and preference.wecom_webhook_url:
        return [Delivery(channel=Channel.WECOM, next_attempt_at=now, created_at=now)], now
    # The inbox reads Message rows: delivered the moment the transaction commits.
    return [
        Delivery(
            channel=Channel.INBOX,
            status=Delivery.Status.SENT,
            sent_at=now,
            next_attempt_at=now,
            created_at=now,
        )
    ], None


def notify_enqueue(
    *,
    recipients: Iterable,
    kind: str,
    subject,
    body,
    link: str = "",
    target=None,
    idempotency_key: str,
    context: dict | None = None,
    occurred_at=None,
) -> list[Message]:
    """Write one message per recipient to the outbox, in the caller's transaction.

    Must be called inside `transaction.atomic()` (raises RuntimeError otherwise).
    `subject` and `body` are Django template sources — pass `gettext_lazy(...)` strings so each
    recipient gets them in their own language — or template names ending in .txt/.md/.html;
    both are rendered with `context` under `translation.override(recipient's language)`.
    `link` is a site path (/cases/42/) or an absolute URL. `target` is a model instance or a
    (type, id) pair. `idempotency_key` names the event (case:42:dispatched:3); each recipient's
    message gets it plus ":u<user id>", and an event already in the outbox is skipped.
    Each recipient is told by the channel they chose for `kind` (notify.kinds), or its default
    for their roles: the inbox, WeCom or email (the inbox when they have no such address), or
    not at all when they turned the kind off. A digested kind's message waits for the
    recipient's digest instead (`notify.digests`). `occurred_at` dates the messages when they
    are written after the event (by a fan-out in the worker); by default, now.
    Returns the messages created by this call.
    """
    _require_transaction()
    _check(kind, idempotency_key)
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    if not users:
        return []
    message_kind = kind_of(kind)
    channels = chosen_channels(users, message_kind)
    users = {pk: user for pk, user in users.items() if channels[pk] != NotifyBy.OFF}
    if not users:
        return []
    keys = {pk: f"{idempotency_key}:u{pk}" for pk in users}
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=users)}
    target_type, target_id = _target(target)
    now = timezone.now()
    window_start, window_end = digest_window(now)
    # Rendered once per language, unless the text names its recipient.
    personal = _names_the_recipient(subject, body)
    texts: dict = {}
    batch: list[tuple[Message, list[Delivery]]] = []
    for pk, user in users.items():
        preference = preferences.get(pk)
        language = (preference.language if preference else "") or settings.LANGUAGE_CODE
        text_key = pk if personal else language
        if text_key not in texts:
            texts[text_key] = _texts(
                language=language,
                subject=subject,
                body=body,
                context={**(context or {}), "recipient": user},
            )
        message = Message(
            language=language,
            subject=texts[text_key][0],
            body=texts[text_key][1],
            recipient=user,
            kind=kind,
            link=link,
            target_type=target_type,
            target_id=target_id,
            idempotency_key=keys[pk],
            created_at=occurred_at or now,
        )
        if message_kind.digested:
            # Windows by the time the event is written, not when it happened: an event a late
            # worker writes joins the open window instead of one whose digest already went.
            message.digest_key = f"{kind}:u{pk}:{window_start:%Y%m%dT%H%M}"
            message.deliver_after = window_end
            batch.append((message, []))
            continue
        deliveries, message.read_at = deliveries_for(channels[pk], preference, now)
        batch.append((message, deliveries))
    return _save_new(batch)


def notify_later(*, event: str, payload: dict, idempotency_key: str) -> None:
    """Record an event whose audience the worker finds after the commit (see `notify.fanout`).

    For events that tell many people, found by a query (a new case → every dispatcher covering
    its place): the caller's transaction writes one row instead of a message per recipient, and
    the handler registered for `event` writes the messages moments later, in the worker. Must be
    called inside `transaction.atomic()`; `payload` is the handler's keyword arguments (JSON:
    ids, not objects). Recording the same `idempotency_key` twice records the event once.
    """
    from meihao.notify.fanout import HANDLERS

    _require_transaction()
    if not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ValueError(f"idempotency_key {idempotency_key!r} must be printable ASCII.")
    if event not in HANDLERS:
        raise ValueError(f"no fan-out handler is registered for {event!r}.")
    FanOut.objects.bulk_create(
        [FanOut(event=event, payload=payload, idempotency_key=idempotency_key)],
        ignore_conflicts=True,
    )
    from meihao.notify.tasks import fan_out

    # robust: the change has committed; if the queue is down the minute sweep runs the event.
    transaction.on_commit(fan_out, robust=True)


def team_members(team):
    """The active users among the team's members: who a team's inbox message reaches."""
    from meihao.people.models import User

    return User.objects.filter(person__team_memberships__team=team, is_active=True).distinct()


def notify_team(
    *,
    team,
    kind: str,
    subject,
    body,
    link: str = "",
    target=None,
    idempotency_key: str,
    context: dict | None = None,
    inbox_members: bool = True,
) -> list[Message]:
    """Notify a team: one message to its group channels (WeCom robot, team mailbox) when the
    team has an active TeamChannel, and — unless `inbox_members` is false — one message in the
    inbox of each member with a log-in (as `notify_enqueue`). Same rules and arguments as
    `notify_enqueue`; the group message's key is `idempotency_key` plus ":t<team id>" and it is
    rendered in settings.LANGUAGE_CODE. Returns the messages created by this call.
    """
    _require_transaction()
    _check(kind, idempotency_key)
    created = []
    channel = TeamChannel.objects.filter(team=team, is_active=True).first()
    if channel and (channel.wecom_webhook_url or channel.email):
        key = f"{idempotency_key}:t{team.pk}"
        if not Message.objects.filter(idempotency_key=key).exists():
            now = timezone.now()
            message = _message(
                language=settings.LANGUAGE_CODE,
                subject=subject,
                body=body,
                context={**(context or {}), "team": team},
                team=team,
                kind=kind,
                link=link,
                target_type=_target(target)[0],
                target_id=_target(target)[1],
                idempotency_key=key,
                created_at=now,
            )
            deliveries = []
            if channel.wecom_webhook_url:
                deliveries.append(
                    Delivery(channel=Channel.WECOM, next_attempt_at=now, created_at=now)
                )
            if channel.email:
                deliveries.append(
                    Delivery(
                        channel=Channel.EMAIL,
                        address=channel.email,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
            created += _save_new([(message, deliveries)])
    if inbox_members:
        created += notify_enqueue(
            recipients=team_members(team),
            kind=kind,
            subject=subject,
            body=body,
            link=link,
            target=target,
            idempotency_key=idempotency_key,
            context={**(context or {}), "team": team},
        )
    return created


def inbox_mark_read(*, user, message_id: int) -> Message:
    """Mark one of the user's own messages read (idempotent). Another user's message, or one
    that does not exist, raises Message.DoesNotExist: the caller answers 404."""
    message = Message.objects.visible_to(user).get(pk=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        # Opening one event of a digest reads the digest.
        Message.objects.filter(
            models.Q(pk=message.pk) | models.Q(pk=message.digest_id), read_at__isnull=True
        ).update(read_at=message.read_at)
    return message


def inbox_mark_all_read(*, user) -> int:
    """Mark every unread message of the user read; returns how many were unread."""
    return Message.objects.visible_to(user).in_inbox().unread().update(read_at=timezone.now())


def _run_again_now(model, rows, *, retryable, action: str, actor, related=()) -> list[int]:
    """Put the `retryable` ones among `rows` back in the queue now with a fresh set of attempts,
    each audited as `action`; returns their ids."""
    ids = [row.pk for row in rows if row.status in retryable]
    if not ids:
        return []
    retried = list(model.objects.filter(pk__in=ids).select_related(*related))
    leases.requeue(model, ids, status=model.Status.PENDING)
    for row in retried:
        audit_change(
            actor=actor,
            action=action,
            target=row,
            changes={"status": [row.status, model.Status.PENDING]},
        )
    return ids


@transaction.atomic
def delivery_retry_now(*, deliveries: Iterable[Delivery], actor) -> int:
    """Put failed or dead deliveries back in the queue now, with a fresh set of attempts
    (an operator fixed the webhook or the address). Sent and in-flight ones are left alone."""
    ids = _run_again_now(
        Delivery,
        deliveries,
        retryable=(Delivery.Status.FAILED, Delivery.Status.DEAD, Delivery.Status.PENDING),
        action="notify_delivery_retry",
        actor=actor,
        related=("message",),
    )
    if ids:
        from meihao.notify.tasks import deliver

        transaction.on_commit(lambda: deliver(ids), robust=True)
    return len(ids)


@transaction.atomic
def fan_out_retry_now(*, events: Iterable[FanOut], actor) -> int:
    """Run given-up (or waiting) events again now with a fresh set of attempts, after an
    operator fixed what made their handler fail. Done ones are left alone: their messages
    exist."""
    ids = _run_again_now(
        FanOut,
        events,
        retryable=(FanOut.Status.DEAD, FanOut.Status.PENDING),
        action="notify_fan_out_retry",
        actor=actor,
    )
    if ids:
        from meihao.notify.tasks import fan_out

        transaction.on_commit(fan_out, robust=True)
    return len(ids)


@transaction.atomic
def notify_preferences_save(
    *, user, channels: dict[str, str], email: str, wecom_webhook_url: str
) -> None:
    """Save where `user` wants each kind of message (`channels`: kind code → inbox, wecom,
    email or off) and their addresses. Only choices that differ from the kind's default for
    their roles are stored, so a default changed later reaches everyone who never chose.
    A kind they may not receive, or an unknown channel, is refused."""
    roles = roles_of([user.pk]).get(user.pk, set())
    for code, channel in channels.items():
        kind = KINDS.get(code)
        if kind is None or not kind.concerns(roles):
            raise DomainError(_("There is no such kind of message."))
        if channel not in NotifyBy.values:
            raise DomainError(_("Choose one of the channels offered."), field=code)
    try:
        if email:
            validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="email") from None
    try:
        if wecom_webhook_url:
            wecom_url_validator(wecom_webhook_url)
    except ValidationError:
        raise DomainError(
            _("Enter the group robot's webhook address, starting with https://."),
            field="wecom_webhook_url",
        ) from None
    preference, _created = Preference.objects.get_or_create(user=user)
    changes = audit_changes(preference, {"email": email, "wecom_webhook_url": wecom_webhook_url})
    if changes:
        preference.email = email
        preference.wecom_webhook_url = wecom_webhook_url
        preference.save(update_fields=["email", "wecom_webhook_url"])
    stored = dict(ChannelChoice.objects.filter(user=user).values_list("kind", "channel"))
    for code, channel in channels.items():
        default = KINDS[code].default_for(roles)
        before = stored.get(code, default)
        if before != channel:
            changes[code] = [before, channel]
        if channel == default:
            ChannelChoice.objects.filter(user=user, kind=code).delete()
        else:
            ChannelChoice.objects.update_or_create(
                user=user, kind=code, defaults={"channel": channel}
            )
    if changes:
        # The webhook URL carries a secret key: the audit says that it changed, not what to.
        if "wecom_webhook_url" in changes:
            changes["wecom_webhook_url"] = ["…", "…"]
        audit_change(actor=user, action="notify_preferences", target=preference, changes=changes)
