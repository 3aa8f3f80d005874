"""门前三包: shops and households pledge to keep their frontage clean, orderly and green; grid
workers check pledged frontages on patrol, and a failed check files a grid case for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import PLACE_WORKERS
from meihao.core.scoping import ScopedQuerySet

NAME_MAX = 80
NOTE_MAX = 500


class PledgeQuerySet(ScopedQuerySet, models.QuerySet):
    scope_roles = PLACE_WORKERS


class Pledge(models.Model):
    """A signed 门前三包 pledge of one frontage (a shop's or a household's)."""

    name = models.CharField(_("shop or household"), max_length=NAME_MAX)
    merchant = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("merchant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="frontage_pledges",
    )
    grid = models.ForeignKey(
        "places.Place", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    address = models.CharField(_("address"), max_length=200)
    signer = models.CharField(_("signed by"), max_length=40)
    signed_on = models.DateField(_("signed on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    # The latest check, for the list (kept by `check_record`).
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    last_passed = models.BooleanField(_("last check passed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["place_path", "name", "id"]
        verbose_name = _("frontage pledge")
        verbose_name_plural = _("frontage pledges")

    def __str__(self):
        return self.name


class Check(models.Model):
    """A grid worker's check of a pledged frontage: passed, or which of the three failed."""

    class Item(models.TextChoices):
        CLEAN = "clean", _("Clean")
        ORDERLY = "orderly", _("Orderly")
        GREEN = "green", _("Green")

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    patrol = models.ForeignKey(
        "patrols.PatrolSession",
        verbose_name=_("patrol"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="frontage_checks",
    )
    passed = models.BooleanField(_("passed"))
    # The items that failed, as Item codes ("clean,orderly").
    failed = models.CharField(_("failed items"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="frontage_check",
    )
    place_path = models.CharField(max_length=80, editable=False)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("frontage check")
        verbose_name_plural = _("frontage checks")
        indexes = [
            models.Index(
                fields=["place_path", "checked_at"],
                name="frontage_check_place_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.pledge} {self.checked_at:%Y-%m-%d}"

    @property
    def failed_items(self) -> list[str]:
        return [str(self.Item(code).label) for code in self.failed.split(",") if code]
