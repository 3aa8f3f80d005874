"""Sending the outbox: claim a delivery with a lease, send it, record the outcome.

At least once: a worker claims a delivery by a conditional UPDATE (one row, only if it is due
and nobody holds a live lease), so two workers never send the same delivery at the same time.
A worker that dies mid-send leaves the row `sending` with a lease; when the lease expires the
minute sweep claims it again. A receiver may therefore see a message twice, and every payload
carries the message's idempotency key so that it can drop the repeat.

Runs outside any transaction (each UPDATE commits on its own), in the Huey worker.
"""

import hashlib
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import pgettext

from meihao.notify import leases
from meihao.notify.models import Channel, Delivery, Preference, TeamChannel

logger = logging.getLogger(__name__)

WECOM_MARKDOWN_LIMIT = 4096  # bytes of UTF-8, per the group-robot documentation


class PermanentFailure(Exception):
    """Retrying cannot help (no channel configured, no address): the delivery is dead."""


def claimable(now) -> Q:
    due = Q(
        status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED],
        next_attempt_at__lte=now,
    ) & leases.unleased(now)
    # A claim whose worker died: the lease ran out before the outcome was recorded.
    abandoned = Q(status=Delivery.Status.SENDING, lease_until__lt=now)
    return due | abandoned


def claim(delivery_id: int) -> str | None:
    """Take the lease on one delivery; returns the lease token, or None if another worker
    holds it or it is not due. One conditional UPDATE: the database decides who wins."""
    return leases.claim(
        Delivery, delivery_id, claimable(timezone.now()), status=Delivery.Status.SENDING
    )


def _record_sent(delivery_id: int, token: str) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, lease_token=token).update(
            status=Delivery.Status.SENT,
            sent_at=timezone.now(),
            lease_until=None,
            last_error="",
        )
    )


def _record_failure(delivery: Delivery, token: str, error: str, *, permanent: bool) -> str:
    return leases.record_failure(
        delivery,
        token,
        error,
        retry=Delivery.Status.FAILED,
        dead=Delivery.Status.DEAD,
        give_up=permanent,
    )


def absolute_link(link: str) -> str:
    base = getattr(settings, "NOTIFY_BASE_URL", "")
    if not link or urlsplit(link).scheme or not base:
        return link
    return urljoin(base, link)


def message_id_header(idempotency_key: str) -> str:
    """An RFC 5322 Message-ID derived from the key: the same message always has the same id."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "") or ""
    domain = sender.rpartition("@")[2].strip("> ") or "meihao.local"
    return f"<notify.{digest}@{domain}>"


def wecom_markdown(message) -> str:
    """The group-robot markdown: subject, body, link, and the key as a grey footer."""
    link = absolute_link(message.link)
    with translation.override(message.language):
        open_label = pgettext("link in a group-robot message", "Open")
    footer = f'<font color="comment">{message.idempotency_key}</font>'
    head = f"**{message.subject}**\n"
    tail = (f"\n[{open_label}]({link})" if link else "") + f"\n{footer}"
    budget = WECOM_MARKDOWN_LIMIT - len((head + tail).encode())
    body = message.body
    if len(body.encode()) > budget:
        body = body.encode()[: max(budget - 3, 0)].decode(errors="ignore") + "…"
    return head + body + tail


def wecom_webhook_url(message) -> str:
    """The group robot a message goes to: its team's, or its recipient's own (their notify
    preference). Looked up when sending: the URL carries a secret key."""
    if message.team_id is not None:
        channel = TeamChannel.objects.filter(team_id=message.team_id, is_active=True).first()
        if channel is None or not channel.wecom_webhook_url:
            raise PermanentFailure("the team has no active WeCom group robot webhook")
        return channel.wecom_webhook_url
    preference = Preference.objects.filter(user_id=message.recipient_id).first()
    if preference is None or not preference.wecom_webhook_url:
        raise PermanentFailure("the recipient has no WeCom group robot webhook")
    return preference.wecom_webhook_url


def send_wecom(delivery: Delivery) -> None:
    message = delivery.message
    url = wecom_webhook_url(message)
    if urlsplit(url).scheme not in ("https", "http"):
        raise PermanentFailure("the webhook URL is not http(s)")
    payload = {"msgtype": "markdown", "markdown": {"content": wecom_markdown(message)}}
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    timeout = getattr(settings, "NOTIFY_WECOM_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"WeCom answered HTTP {exc.code}") from exc
    if status != 200:
        raise RuntimeError(f"WeCom answered HTTP {status}")
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise RuntimeError(f"WeCom answered non-JSON: {raw[:200]!r}") from exc
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"WeCom errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def send_email(delivery: Delivery) -> None:
    message = delivery.message
    if not delivery.address:
        raise PermanentFailure("no email address")
    link = absolute_link(message.link)
    body = message.body + (f"\n\n{link}" if link else "")
    email = EmailMessage(
        subject=message.subject,
        body=body,
        to=[delivery.address],
        headers={
            "Message-ID": message_id_header(message.idempotency_key),
            "X-Meihao-Idempotency-Key": message.idempotency_key,
        },
    )
    # SMTP without a timeout can outlive the lease and be sent twice by two workers.
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 10
    email.connection = get_connection(timeout=timeout)
    email.send(fail_silently=False)


SENDERS: dict[str, Callable[[Delivery], None]] = {
    Channel.WECOM: send_wecom,
    Channel.EMAIL: send_email,
    Channel.INBOX: lambda delivery: None,  # the inbox reads the Message row itself
}


def deliver_one(delivery_id: int) -> str | None:
    """Claim, send and record one delivery. Returns its new status, or None if not claimed."""
    token = claim(delivery_id)
    if token is None:
        return None
    delivery = Delivery.objects.select_related("message").get(pk=delivery_id)
    try:
        SENDERS[delivery.channel](delivery)
    except PermanentFailure as exc:
        logger.warning("notify delivery %s given up: %s", delivery_id, exc)
        return _record_failure(delivery, token, str(exc), permanent=True)
    except Exception as exc:
        logger.warning("notify delivery %s failed: %s", delivery_id, exc)
        error = f"{type(exc).__name__}: {exc}"
        return _record_failure(delivery, token, error, permanent=False)
    if not _record_sent(delivery_id, token):
        # Our lease ran out and another worker re-claimed it: it will record its own outcome.
        logger.warning("notify delivery %s sent after its lease expired", delivery_id)
    return Delivery.Status.SENT


def deliver_ids(delivery_ids) -> dict[str, int]:
    """Deliver the given deliveries (those due); the task queued when a transaction commits."""
    return leases.run_each(delivery_ids, deliver_one)


def deliver_due(*, limit: int = 500) -> dict[str, int]:
    """Deliver everything due: new, retries whose back-off has passed, and abandoned claims."""
    return deliver_ids(leases.due_ids(Delivery, claimable(timezone.now()), limit=limit))
