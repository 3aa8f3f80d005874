"""Writes of display tokens: issuing one for a place's wall screen and revoking it.

Who: the supervisors of the place (`core.roles.SUPERVISORS`): a district admin for the district
or any of its streets, a street chief for their own street. A place the actor cannot see is a
NotFound, one they see but do not supervise (a street chief and the district) PermissionDenied."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import SUPERVISORS
from meihao.core.scoping import covers, has_role, sees_place
from meihao.places.models import Level
from meihao.wall.models import NAME_MAX, DisplayToken, secret_hash

# A wall shows a district's or a street's figures; a community's are on the role dashboards.
WALL_LEVELS = (Level.DISTRICT, Level.STREET)
LAST_SEEN_EVERY = timedelta(minutes=1)


def may_issue(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, SUPERVISORS)


def display_token_issue(*, actor, place, name) -> tuple[DisplayToken, str]:
    """A new token for `place`'s wall screen; answers it with its secret, which is not stored
    (only its hash) and so is shown this once."""
    if place is None or not sees_place(actor, place.path):
        raise NotFound()
    if not covers(actor, place.path, SUPERVISORS):
        raise PermissionDenied()
    if place.level not in WALL_LEVELS:
        raise ValidationFailed(
            _("A wall screen shows a district or a street."), code="level", field="place"
        )
    name = clean_text(
        name, field="name", max_length=NAME_MAX, required=_("Name the screen, e.g. where it hangs.")
    )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = DisplayToken.objects.create(
            name=name,
            place=place,
            place_path=place.path,
            secret_hash=secret_hash(secret),
            created_by=actor,
        )
        audit_change(
            actor=actor,
            action="wall.display_token_issue",
            target=token,
            changes={"name": name, "place": place.code},
        )
    return token, secret


def display_token_seen(*, token: DisplayToken, now=None) -> None:
    """Note that the token's screen asked just now: at most once a minute (one conditional
    UPDATE), so a screen polling every few seconds does not write every time."""
    now = now or timezone.now()
    if token.last_seen_at is not None and token.last_seen_at >= now - LAST_SEEN_EVERY:
        return
    DisplayToken.objects.filter(pk=token.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - LAST_SEEN_EVERY)
    ).update(last_seen_at=now)


def display_token_revoke(*, actor, token: DisplayToken) -> DisplayToken:
    """Revoke `token` for good: the screen showing it stops at its next poll."""
    with transaction.atomic():
        locked = (
            DisplayToken.objects.visible_to(actor).select_for_update().filter(pk=token.pk).first()
        )
        if locked is None:
            raise NotFound()
        if locked.revoked_at is not None:
            raise ValidationFailed(_("This display token is already revoked."), code="revoked")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_change(
            actor=actor,
            action="wall.display_token_revoke",
            target=locked,
            changes={"revoked_at": locked.revoked_at.isoformat()},
        )
    return locked
