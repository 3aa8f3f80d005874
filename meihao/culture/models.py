"""Cultural life: the festivals the calendar groups events by (data, their lunar dates computed
for each year), the partner units of a cultural event, and the showcases (精品) staff pick.

A cultural event is an activity (kinds in `CULTURE_KINDS`): the calendar reads activities, so
sign-ups, check-ins and attendance are the activities' own."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from lunardate import LunarDate

from meihao.activities.models import Activity
from meihao.core.models import Photo, TimeStampedModel

# What the cultural calendar shows: the cultural events (performances, festival events,
# reading and mass-culture activities) and the lectures (骑楼讲堂).
CULTURE_KINDS = (Activity.Kind.CULTURAL_EVENT, Activity.Kind.LECTURE)


class Festival(models.Model):
    """A festival and its season: the days before and after its date that its events belong
    to (春节's from the preparations to 元宵)."""

    class Calendar(models.TextChoices):
        LUNAR = "lunar", _("Lunar calendar")
        SOLAR = "solar", _("Gregorian calendar")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=40, blank=True)
    calendar = models.CharField(_("calendar"), max_length=8, choices=Calendar.choices)
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    days_before = models.PositiveSmallIntegerField(_("season: days before"), default=7)
    days_after = models.PositiveSmallIntegerField(_("season: days after"), default=3)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("festival")
        verbose_name_plural = _("festivals")

    def __str__(self):
        return self.name_zh

    def on(self, year: int) -> datetime.date:
        """The festival's day in the Gregorian `year` (a lunar festival: the lunar year that
        begins in it, whose dates fall in it for every festival after 春节 too)."""
        if self.calendar == self.Calendar.LUNAR:
            return LunarDate(year, self.month, self.day).to_solar_date()
        return datetime.date(year, self.month, self.day)

    def season(self, year: int) -> tuple[datetime.date, datetime.date]:
        day = self.on(year)
        return (
            day - datetime.timedelta(days=self.days_before),
            day + datetime.timedelta(days=self.days_after),
        )


class Partner(models.Model):
    """A partner unit of a cultural event (共建单位): who put it on with the organiser."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("partner unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"], name="culture_partner_once"
            )
        ]

    def __str__(self):
        return f"{self.activity} · {self.organisation}"


class Showcase(TimeStampedModel):
    """An outstanding activity or recurring programme (精品), picked by staff and published on
    the public showcase page in its category."""

    class Category(models.TextChoices):
        READING = "reading", _("Reading")
        FESTIVAL = "festival", _("Festival culture")
        MASS = "mass", _("Mass culture")

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("title"), max_length=80)
    write_up = models.TextField(_("write-up"), max_length=1000)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="showcases",
    )
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["category", "-created_at", "-id"]
        verbose_name = _("showcase")
        verbose_name_plural = _("showcases")
        constraints = [
            models.UniqueConstraint(
                fields=["activity"], condition=Q(activity__isnull=False), name="showcase_once"
            )
        ]

    def __str__(self):
        return self.title


class ShowcasePhoto(Photo):
    """A photo of a showcase on the public page (`core.photos`: EXIF-free copies only), added
    and removed by the officials of its place."""

    FOLDER = "showcases"
    URLS = "culture"

    showcase = models.ForeignKey(
        Showcase, verbose_name=_("showcase"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta(Photo.Meta):
        verbose_name = _("showcase photo")
        verbose_name_plural = _("showcase photos")
