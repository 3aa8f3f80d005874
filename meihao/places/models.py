from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meihao.core.models import TimeStampedModel
from meihao.core.roles import PLACE_EDITORS, PLACE_WORKERS, Role
from meihao.core.scoping import ScopedQuerySet, covers, scope_paths, sees_place, visible_to


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


# National-style division codes: district 6 digits, street 9, community 12; a grid adds a
# 3-digit sequence to its community's code (15).
CODE_LENGTH = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
PARENT_LEVEL = {
    Level.STREET: Level.DISTRICT,
    Level.COMMUNITY: Level.STREET,
    Level.GRID: Level.COMMUNITY,
}
PATH_SEPARATOR = "/"


def path_for(code: str, parent: "Place | None") -> str:
    """The materialised path of a place with `code` under `parent`."""
    return (parent.path if parent else "") + code + PATH_SEPARATOR


def community_path(path: str) -> str:
    """The path of the community `path` lies in (itself, or a grid's community), "" above
    community level. Codes are the level's length (CODE_LENGTH), so the path says it alone."""
    codes = [code for code in path.split(PATH_SEPARATOR) if code]
    for n, code in enumerate(codes):
        if len(code) == CODE_LENGTH[Level.COMMUNITY]:
            return PATH_SEPARATOR.join(codes[: n + 1]) + PATH_SEPARATOR
    return ""


def shared_depth(path: str, other: str) -> int:
    """How many levels two places' paths share from the root (0: different districts)."""
    depth = 0
    for mine, theirs in zip(path.split(PATH_SEPARATOR), other.split(PATH_SEPARATOR), strict=False):
        if not mine or mine != theirs:
            break
        depth += 1
    return depth


def community_id_of(place: "Place | None") -> int | None:
    """The id of the community a place lies in (see `community_of`), without reading it."""
    if place is None:
        return None
    if place.level == Level.COMMUNITY:
        return place.pk
    if place.level == Level.GRID:
        return place.parent_id
    return None


def community_of(place: "Place | None") -> "Place | None":
    """The community a place lies in: itself, or a grid's parent; None above community level
    (a street or the district is in no one community)."""
    if place is None:
        return None
    if place.level == Level.COMMUNITY:
        return place
    if place.level == Level.GRID:
        return place.parent
    return None


class PlaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The user's subtrees, plus the ancestors of each so that breadcrumbs can be shown."""
        ancestor_codes = {
            code for path in scope_paths(user, tuple(Role)) for code in path.split("/") if code
        }
        return visible_to(self, user, path_field="path", own=models.Q(code__in=ancestor_codes))

    def within(self, place: "Place"):
        return self.filter(path__startswith=place.path)


class PlacedQuerySet(ScopedQuerySet, models.QuerySet):
    """Records that sit in one place (buildings, venues): visible within the user's subtrees."""


class Place(TimeStampedModel):
    """A node of the administrative tree: district → street → community → grid."""

    code = models.CharField(
        _("code"),
        max_length=15,
        unique=True,
        validators=[RegexValidator(r"^\d{6}(\d{3}){0,3}$", _("A code has 6, 9, 12 or 15 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Ancestors' codes and the own code, each followed by "/": a subtree is one prefix match.
    path = models.CharField(_("path"), max_length=80, unique=True, editable=False)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lon = models.FloatField(_("centroid longitude"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            models.Index(fields=["path"], name="place_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "path"], name="place_level_path_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.split(PATH_SEPARATOR) if code][:-1]

    @property
    def parent_code(self) -> str | None:
        """The parent's code, read from the path: no query, unlike `parent.code`."""
        codes = self.ancestor_codes()
        return codes[-1] if codes else None

    def abilities(self, user) -> dict[str, bool]:
        """What `user` may do with this place, decided from the user's scopes alone (no query
        beyond loading them once per request). Mirrors `PlaceQuerySet.visible_to`: a place is
        viewable inside one of the user's subtrees or as an ancestor of one (breadcrumbs)."""
        view = sees_place(user, self.path)
        return {
            "view": view,
            "edit": view and covers(user, self.path, PLACE_EDITORS),
            "view_people": view and covers(user, self.path, PLACE_WORKERS),
        }


class Building(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    place = models.ForeignKey(
        Place,
        verbose_name=_("grid or community"),
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)

    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["place_path", "name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self):
        return self.name


class Venue(TimeStampedModel):
    class Kind(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("Community service centre")
        ACTIVITY_ROOM = "activity_room", _("Activity room")
        SQUARE = "square", _("Square")
        LIBRARY = "library", _("Reading room")
        SPORTS = "sports", _("Sports ground")
        COUNSELLING = "counselling", _("Counselling room")
        PARTY = "party", _("Party service centre")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="venues"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    # The hours a booking must lie within, every day; both empty: open all day. The free-text
    # `opening_hours` above says it in words ("工作日 08:30-17:30").
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    bookable = models.BooleanField(_("bookable by groups and units"), default=False)
    # A booking waits for the officials covering the venue instead of being confirmed at once.
    needs_approval = models.BooleanField(_("bookings need approval"), default=False)
    equipment = models.CharField(_("equipment"), max_length=200, blank=True)

    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["place_path", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True, closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="venue_opens_before_it_closes",
                violation_error_message=_(
                    "Give both the opening and the closing time, the opening first, or neither."
                ),
            )
        ]

    def __str__(self):
        return self.name
