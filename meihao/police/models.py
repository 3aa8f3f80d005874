"""一街区一片警 — every block has its community police officer.

A **block** (街区) groups grids of one street under the officer who is its liaison; a resident's
block is the one holding their home grid. A **tip** (可疑线索 / 安全隐患) is a case of type TIP
sent by a resident to their block's officer, who alone holds it; `Tip` keeps what the case does
not: the block, the police group it came from, whether the reporter lets their name be shown to
the police of the area, when the officer first acted and what came of it. A **police group**
(社区警务群) is a team of kind `police_group` (its members, its WeCom robot and its notices reach
them through the team's channel) with its block, officer and invitation token.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TIP_CODE = "TIP"
TIP_MAX = 1000
ACTION_NOTE_MAX = 1000
NOTICE_MAX = 1000


def new_invite_token() -> str:
    return secrets.token_urlsafe(16)


class Block(models.Model):
    name = models.CharField(_("name"), max_length=60)
    street = models.ForeignKey(
        "places.Place",
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="police_blocks",
        limit_choices_to={"level": "street"},
    )
    grids = models.ManyToManyField(
        "places.Place",
        verbose_name=_("grids"),
        related_name="police_block",
        limit_choices_to={"level": "grid"},
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="police_blocks",
    )
    # Shown to residents: how to reach the officer besides the platform.
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    station = models.CharField(_("police station"), max_length=60, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["street__path", "name"]
        verbose_name = _("police block")
        verbose_name_plural = _("police blocks")
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="police_block_name_unique")
        ]

    def __str__(self):
        return self.name


class PoliceGroup(models.Model):
    team = models.OneToOneField(
        "people.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="police_group",
    )
    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.PROTECT, related_name="groups"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="police_groups",
    )
    # The invitation's QR code opens /police/join/<token>/; a new token retires the old code.
    invite_token = models.CharField(max_length=32, unique=True, default=new_invite_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["block", "team__name"]
        verbose_name = _("community police group")
        verbose_name_plural = _("community police groups")

    def __str__(self):
        return self.team.name


class Tip(models.Model):
    class Outcome(models.TextChoices):
        ACTED = "acted", _("Acted on")
        UNFOUNDED = "unfounded", _("Checked, nothing found")
        PASSED_ON = "passed_on", _("Passed to the competent body")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="tip"
    )
    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.PROTECT, related_name="tips"
    )
    group = models.ForeignKey(
        PoliceGroup,
        verbose_name=_("police group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tips",
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    # The reporter lets the police of the area (not only the handling officer) see their name.
    identity_shared = models.BooleanField(_("reporter's name may be shown"), default=False)
    acted_at = models.DateTimeField(_("first acted at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tip or hazard")
        verbose_name_plural = _("tips and hazards")
        indexes = [models.Index(fields=["place_path", "created_at"], name="police_tip_place_idx")]

    def __str__(self):
        return self.case.number


class GroupNotice(models.Model):
    group = models.ForeignKey(
        PoliceGroup,
        verbose_name=_("police group"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("notice"))
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("police group notice")
        verbose_name_plural = _("police group notices")

    def __str__(self):
        return f"{self.group} {self.posted_at:%Y-%m-%d}"
