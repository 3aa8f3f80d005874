"""Volunteer service certificates (志愿服务证明): issuing, numbering, revoking.

Staff of the volunteer's community issue them (a volunteer asks their community, as with any
paper certificate); the volunteer downloads their own. Anyone holding the printed QR code can
check one on the public verification page, which shows nothing personal beyond a masked name.
"""

import datetime
import functools
import secrets

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.activities.selectors import service_minutes
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.volunteers.models import (
    Certificate,
    CertificateCounter,
    VolunteerProfile,
)

NUMBER_PREFIX = "ZM"
CONTENT_MAX = 300
ISSUER_MAX = 100
REASON_MAX = 200


def next_certificate_number(year: int) -> str:
    """ZM-<year>-<6-digit sequence>, e.g. ZM-2026-000123.

    One upsert on the year's counter row (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, as
    for case numbers) inside the caller's transaction: concurrent issues take turns on the row,
    so no number is handed out twice.
    """
    with connection.cursor() as cursor:
        cursor.execute(_counter_upsert(connection.vendor), [year])
        (last,) = cursor.fetchone()
    return f"{NUMBER_PREFIX}-{year}-{last:06d}"


@functools.cache
def _counter_upsert(_vendor: str) -> str:
    meta = CertificateCounter._meta
    table = connection.ops.quote_name(meta.db_table)
    year, last = (connection.ops.quote_name(meta.get_field(f).column) for f in ("year", "last"))
    # Only quoted table and column names are interpolated; the value is a parameter.
    return (
        f"INSERT INTO {table} ({year}, {last}) VALUES (%s, 1) "  # noqa: S608
        f"ON CONFLICT ({year}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {last}"
    )


def _check_period(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.date | None, datetime.date | None]:
    if (start is None) != (end is None):
        raise ValidationFailed(
            _("Give both the first and the last day of the period, or neither."),
            field="period_start",
        )
    if start is not None and start > end:
        raise ValidationFailed(
            _("The period's first day is after its last day."), field="period_end"
        )
    if end is not None and end > timezone.localdate():
        raise ValidationFailed(_("The period ends in the future."), field="period_end")
    return start, end


@transaction.atomic
def certificate_issue(
    *,
    actor,
    profile: VolunteerProfile,
    content: str,
    issuer_name: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Certificate:
    """Issue a certificate of the volunteer's credited service hours, over a period or in all.

    The hours are read from the service records at the moment of issue and printed as they
    are: a later correction of the records does not change an issued certificate.
    """
    if not VolunteerProfile.objects.visible_to(actor).filter(pk=profile.pk).exists():
        raise NotFound()
    if not covers(actor, profile.community_path, OFFICIALS):
        raise PermissionDenied(_("Certificates are issued by the volunteer's community."))
    profile = VolunteerProfile.objects.select_related("person", "community").get(pk=profile.pk)
    if not profile.is_active:
        raise ValidationFailed(
            _("This volunteer is suspended; reactivate them before issuing a certificate."),
            code="suspended",
        )
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(_("Describe the service the certificate covers."), field="content")
    if len(content) > CONTENT_MAX:
        raise ValidationFailed(
            _("Describe the service in at most %(max)d characters.") % {"max": CONTENT_MAX},
            field="content",
        )
    issuer_name = (issuer_name or "").strip() or profile.community.name
    if len(issuer_name) > ISSUER_MAX:
        raise ValidationFailed(_("The issuer's name is too long."), field="issuer_name")
    period_start, period_end = _check_period(period_start, period_end)
    minutes = service_minutes(profile.person, since=period_start, until=period_end)
    if minutes <= 0:
        raise ValidationFailed(
            _("There are no credited service hours to certify for this period."),
            code="no_hours",
        )
    now = timezone.now()
    certificate = Certificate.objects.create(
        number=next_certificate_number(timezone.localdate(now).year),
        person=profile.person,
        community=profile.community,
        community_path=profile.community_path,
        issuer_name=issuer_name,
        minutes=minutes,
        period_start=period_start,
        period_end=period_end,
        content=content,
        issued_by=actor,
        issued_at=now,
        token=secrets.token_urlsafe(32),
    )
    audit_change(
        actor=actor,
        action="certificate_issue",
        target=certificate,
        changes={"person": [None, str(profile.person_id)], "minutes": [None, minutes]},
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate issued in error (作废): its page then says so to anyone checking."""
    if not Certificate.objects.visible_to(actor).filter(pk=certificate.pk).exists():
        raise NotFound()
    if not covers(actor, certificate.community_path, OFFICIALS):
        raise PermissionDenied(_("Certificates are revoked by the issuing community."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for revoking."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("The reason is too long."), field="reason")
    if certificate.revoked_at is not None:
        raise ValidationFailed(_("This certificate is already revoked."), code="already_revoked")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    audit_change(
        actor=actor,
        action="certificate_revoke",
        target=certificate,
        changes={"revoked": [None, "yes"], "reason": [None, reason]},
    )
    return certificate
