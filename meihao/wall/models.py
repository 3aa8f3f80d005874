"""Display tokens: what opens the wall screen (数据大屏) on a kiosk without a log-in.

A token is read-only and covers one place (a district or a street). Only the SHA-256 of its
secret is stored: the secret is shown once, in the screen's address, when the token is issued.
Revoking is final: the screen says it is no longer authorised and stops asking."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.roles import SUPERVISORS
from meihao.core.scoping import visible_to

NAME_MAX = 60


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class DisplayTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tokens of the places the user supervises (street chiefs, district admins)."""
        return visible_to(self, user, path_field="place_path", roles=SUPERVISORS)


class DisplayToken(models.Model):
    name = models.CharField(_("name"), max_length=NAME_MAX)
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("display token", "issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(
        pgettext_lazy("display token", "issued at"), auto_now_add=True
    )
    revoked_at = models.DateTimeField(
        pgettext_lazy("display token", "revoked at"), null=True, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("display token", "revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    objects = DisplayTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("display token")
        verbose_name_plural = _("display tokens")
        indexes = [
            models.Index(
                fields=["place_path"],
                name="wall_token_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return self.name

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
