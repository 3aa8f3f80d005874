import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core import pii
from meihao.core.models import TimeStampedModel
from meihao.core.roles import OFFICIALS, ORGANISATION_ROLES, PLACE_WORKERS, Role
from meihao.core.scoping import covers, visible_to
from meihao.places.models import PlacedQuerySet

mobile_validator = RegexValidator(
    r"^1[3-9][0-9]{9}$", _("Enter a mainland mobile number: 11 digits starting with 1.")
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone, password=None, **extra):
        if not phone:
            raise ValueError("A user needs a mobile number.")
        user = self.model(phone=phone, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A log-in: a mainland mobile number and a password (hashed with Argon2)."""

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[mobile_validator]
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin"), default=False)
    date_joined = models.DateTimeField(
        pgettext_lazy("user account", "joined"), default=timezone.now
    )
    # 长辈模式: larger text and targets on every page, stored on the account so that it follows
    # the person to another phone. Empty until the person chooses (elders are offered it then).
    large_text = models.BooleanField(_("large text"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or pii.mask_phone(self.phone)

    def get_full_name(self):
        return self.name

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone)

    def get_short_name(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Whole years from `born` to `day` (a birthday on 29 February counts from 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def born_by(day: datetime.date, age: int) -> datetime.date:
    """The latest birth date of someone `age` or older on `day` (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the residents of their subtrees; everyone sees their own record."""
        return visible_to(
            self, user, path_field="home_place_path", roles=PLACE_WORKERS, own=models.Q(user=user)
        )


class Person(TimeStampedModel):
    """A real person known to the community, with or without a log-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("log-in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    real_name = models.CharField(_("real name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # GB 11643 number: encrypted at rest, found by keyed hash, shown masked.
    id_number_encrypted = models.TextField(
        _("ID-card number (encrypted)"), blank=True, editable=False
    )
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(
        _("ID-card number"), max_length=18, blank=True, editable=False
    )
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[mobile_validator], db_index=True
    )
    home_place = models.ForeignKey(
        "places.Place",
        verbose_name=_("home community or grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    home_place_path = models.CharField(max_length=80, blank=True, editable=False)
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # False for a record the resident entered themselves (实名登记) until the staff of the
    # home community confirm they live there: anyone may claim any community.
    home_confirmed = models.BooleanField(_("home community confirmed"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["home_place_path", "real_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(
                fields=["home_place_path", "real_name"],
                name="person_place_name_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["real_name"], name="person_name_idx"),
            # Staff search by the last four digits of a mobile number (尾号).
            models.Index(Right("phone", 4), name="person_phone_tail_idx"),
        ]
        constraints = [
            # One person per ID-card number; blank means "not recorded".
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="person_id_number_unique",
            ),
        ]

    def __str__(self):
        return self.real_name

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone) if self.phone else ""

    def abilities(self, user) -> dict[str, bool]:
        """What `user` may do with this record; costs no query once the user's scopes are loaded.

        `view` matches `Person.objects.visible_to(user)` exactly. Revealing the ID number is for
        people editors of the home place (audited) and for the person themselves.
        """
        own = self.user_id is not None and self.user_id == getattr(user, "pk", None)
        path = self.home_place_path
        viewer = bool(path) and covers(user, path, PLACE_WORKERS)
        editor = bool(path) and covers(user, path, OFFICIALS)
        if getattr(user, "is_superuser", False):
            viewer = editor = True
        return {
            "view": own or viewer,
            "edit": editor,
            "reveal_id_number": bool(self.id_number_encrypted) and (editor or own),
            "confirm_home": editor and not self.home_confirmed,
            "export": viewer,
        }

    def id_number_plain(self) -> str:
        """Decrypt the ID number. Callers go through people.services so the read is audited."""
        return pii.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""


class PersonTag(models.Model):
    class Tag(models.TextChoices):
        ELDER = "elder", _("Elder")
        PARTY_MEMBER = "party_member", _("Party member")
        DISABLED = "disabled", _("Person with disability")
        LOW_INCOME = "low_income", _("Low-income household")
        VETERAN = "veteran", _("Veteran")
        LIVING_ALONE = "living_alone", _("Living alone")
        VOLUNTEER = "volunteer", _("Volunteer")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=32, choices=Tag.choices)

    class Meta:
        verbose_name = _("person tag")
        verbose_name_plural = _("person tags")
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="person_tag_unique")]
        indexes = [models.Index(fields=["tag", "person"], name="person_tag_idx")]

    def __str__(self):
        return self.get_tag_display()


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        UNIT = "unit", _("Unit")
        MERCHANT = "merchant", _("Merchant")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place served"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "place"], name="organisation_name_place_unique")
        ]

    def __str__(self):
        return self.name


class Team(TimeStampedModel):
    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("Responsibility team")
        DEPARTMENT = "department", _("Department team")
        VOLUNTEER = "volunteer", _("Volunteer team")
        SERVICE_SQUAD = "service_squad", _("Service squad")
        LECTURE = "lecture", _("Lecture team")
        RED_ARMBAND = "red_armband", _("Red-armband team")
        POLICE_GROUP = "police_group", _("Community police group")
        # 四队一中心: the street's patrol-and-prevention, public-order, investigation and
        # community-policing teams.
        POLICE_TEAM = "police_team", _("Police team")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    place = models.ForeignKey(
        "places.Place", verbose_name=_("home place"), on_delete=models.PROTECT, related_name="teams"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    covered_places = models.ManyToManyField(
        "places.Place", verbose_name=_("covered places"), blank=True, related_name="covering_teams"
    )
    # A responsibility team's member units (成员单位): the departments that staff it.
    units = models.ManyToManyField(
        Organisation, verbose_name=_("member units"), blank=True, related_name="serving_teams"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["place_path", "kind", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="team_memberships")
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default=Position.MEMBER
    )
    # Free text for roles specific to a kind of team, e.g. the red armbands' 治安员 / 调解员.
    duty = models.CharField(_("duty"), max_length=32, blank=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="team_member_unique")
        ]

    def __str__(self):
        return f"{self.team} · {self.person}"


def led_team_ids(user):
    """The teams `user` leads (leader or deputy), as a subquery of ids: a team's leaders run
    the activities it organises (a lecture team's sessions)."""
    return TeamMember.objects.filter(
        person__user=user,
        position__in=(TeamMember.Position.LEADER, TeamMember.Position.DEPUTY),
    ).values("team_id")


class RoleAssignment(TimeStampedModel):
    """A role held by a user, scoped to a place (its subtree) or to an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(place__isnull=False, organisation__isnull=True)
                    | models.Q(place__isnull=True, organisation__isnull=False)
                ),
                name="role_scope_exactly_one",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "place"],
                condition=models.Q(place__isnull=False),
                name="role_place_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="role_org_unique",
            ),
        ]
        indexes = [
            # Who holds these roles here (the dispatchers of a new case's place, its grid
            # workers): a grid has hundreds of residents' roles and a handful of the rest.
            models.Index(fields=["place", "role"], name="role_place_role_idx"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} @ {self.place or self.organisation}"

    @property
    def needs_organisation(self) -> bool:
        return self.role in ORGANISATION_ROLES


class ApiToken(models.Model):
    """A bearer token for apps. Only a hash is stored; the token is shown once at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
