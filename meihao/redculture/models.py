"""红色文化地图: the district's red-culture sites, its themed blocks, the flag streets and the
routes that link sites street to street, with the guided visits that walk them.

Everything here is public once published: a site's page is what its QR code opens. Every record
sits somewhere in the place tree (`place_path`, for the figures of a street or community); a
route belongs to its district. A block's sites are the published sites inside its outline,
worked out from the geometry rather than kept as a list that could drift from it."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.models import Photo, TimeStampedModel

NAME_MAX = 80
MAX_STOPS = 30  # a route's stops: a walk of an afternoon
CODE_LENGTH = 8
# Codes are printed under QR codes and read aloud: no 0/O, 1/l/I.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Site(TimeStampedModel):
    class Kind(models.TextChoices):
        FORMER_SITE = "former_site", pgettext_lazy("red culture", "Revolutionary site")
        MEMORIAL = "memorial", pgettext_lazy("red culture", "Memorial")
        FORMER_RESIDENCE = "former_residence", pgettext_lazy("red culture", "Former residence")
        MURAL = "mural", pgettext_lazy("red culture", "Mural")
        HISTORY_BOARD = "history_board", pgettext_lazy("red culture", "History board")
        LANDMARK = "landmark", pgettext_lazy("red culture", "Landmark")

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # The deepest place whose outline holds the point (a community, where the tree has one).
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("red-culture site")
        verbose_name_plural = _("red-culture sites")

    def __str__(self):
        return self.name


class SitePhoto(Photo):
    """A photo of a red-culture site on its public page (`core.photos`: EXIF-free copies only),
    added and removed by those who keep the district's map."""

    FOLDER = "redculture"
    URLS = "redculture"

    site = models.ForeignKey(
        Site, verbose_name=_("red-culture site"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta(Photo.Meta):
        verbose_name = _("red-culture site photo")
        verbose_name_plural = _("red-culture site photos")


class Block(TimeStampedModel):
    """A themed red-culture block (红色文化街区, e.g. 精神丰碑): an outline on the map."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    theme = models.TextField(_("theme"), max_length=2000, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("red-culture block")
        verbose_name_plural = _("red-culture blocks")

    def __str__(self):
        return self.name


class FlagStreet(TimeStampedModel):
    """A flag street (红旗街): a stretch of road dressed in red, drawn as a line."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    note = models.CharField(_("note"), max_length=200, blank=True)
    line = models.JSONField(_("line (GeoJSON)"))
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("flag street")
        verbose_name_plural = _("flag streets")

    def __str__(self):
        return self.name


class Route(TimeStampedModel):
    """A red-culture route (红色线路): sites in the order they are walked."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    # The district's path: routes cross streets, and the district's officials keep them.
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("red-culture route")
        verbose_name_plural = _("red-culture routes")

    def __str__(self):
        return self.name


class RouteStop(models.Model):
    route = models.ForeignKey(
        Route, verbose_name=_("route"), on_delete=models.CASCADE, related_name="stops"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="stops"
    )
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["route", "order"]
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="redculture_stop_order_once"),
            models.UniqueConstraint(fields=["route", "site"], name="redculture_stop_site_once"),
            models.CheckConstraint(condition=Q(order__gte=1), name="redculture_stop_order_from_1"),
        ]

    def __str__(self):
        return f"{self.route} · {self.order}. {self.site}"


class RouteVisit(models.Model):
    """A guided visit (红色线路导览): an activity that walks the route. Sign-ups, check-ins and
    the figures are the activity's, as for any other."""

    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="route_visit",
    )
    route = models.ForeignKey(
        Route, verbose_name=_("route"), on_delete=models.PROTECT, related_name="visits"
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("guided visit")
        verbose_name_plural = _("guided visits")

    def __str__(self):
        return str(self.activity)
