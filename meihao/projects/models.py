"""The projects responsibility teams (承责团队) drive: shanty-town renovation, land clearance,
city renewal. A project has its site, the households in scope (by building), milestones with
dates, each household's progress (visited, signed, relocated: an append-only step with day and
officer, the household row holding the latest of each for the figures) and the temporary
branch's "three on the front line" log (三个一线)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.models import AppendOnlyModel, TimeStampedModel
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import visible_to

NAME_MAX = 80
TEXT_MAX = 1000


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officials of the project's place, and the members of its team."""
        own = Q(pk__in=[])
        if getattr(user, "is_authenticated", False):
            from meihao.people.models import TeamMember

            mine = TeamMember.objects.filter(person__user=user).values("team_id")
            own = Q(team_id__in=mine)
        return visible_to(self, user, roles=OFFICIALS, own=own)


class Project(TimeStampedModel):
    class Kind(models.TextChoices):
        SHANTYTOWN = "shantytown", _("Shanty-town renovation")
        LAND = "land", _("Land clearance")
        RENEWAL = "renewal", _("City renewal")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("responsibility team"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": "responsibility"},
    )
    # The street or community the site lies in; the site itself is `boundary`.
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    boundary = models.JSONField(_("site boundary (GeoJSON)"), null=True, blank=True)
    branch = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("temporary party branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    starts_on = models.DateField(_("started on"))
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    due_on = models.DateField(_("due on"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.name


class Household(models.Model):
    class Status(models.TextChoices):
        IN_SCOPE = "in_scope", _("Not yet visited")
        VISITED = "visited", _("Visited")
        SIGNED = "signed", _("Signed")
        RELOCATED = "relocated", _("Relocated")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="households"
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 门牌: "3栋2单元501", or the house's number in an old lane.
    label = models.CharField(_("house"), max_length=60)
    head_name = models.CharField(_("head of household"), max_length=40)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_SCOPE
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    relocated_on = models.DateField(_("relocated on"), null=True, blank=True)

    class Meta:
        ordering = ["building__name", "label", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["project", "status"], name="household_status_idx"),
            models.Index(fields=["project", "signed_on"], name="household_signed_idx"),
            models.Index(fields=["project", "relocated_on"], name="household_relocated_idx"),
        ]

    def __str__(self):
        return self.label


STEP_FIELDS = {
    Household.Status.VISITED: "visited_on",
    Household.Status.SIGNED: "signed_on",
    Household.Status.RELOCATED: "relocated_on",
}
STEP_ORDER = [Household.Status.IN_SCOPE, *STEP_FIELDS]


class HouseholdStep(AppendOnlyModel):
    """One step of a household's progress as an officer recorded it."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=12, choices=Household.Status.choices)
    on = models.DateField(_("on"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("household step")
        verbose_name_plural = _("household steps")

    def __str__(self):
        return f"{self.household} {self.step} {self.on}"


class FrontLineEntry(models.Model):
    """三个一线: an entry of the project's temporary branch in its daily log."""

    class Kind(models.TextChoices):
        BRANCH = "branch", _("The branch on the front line")
        MEMBERS = "members", _("Party members working on the front line")
        PROBLEMS = "problems", _("Problems solved on the front line")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="front_line"
    )
    on = models.DateField(_("on"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("front-line log entry")
        verbose_name_plural = _("front-line log entries")

    def __str__(self):
        return f"{self.project} {self.on}"


class ProjectProblem(models.Model):
    """A problem found on a project's site, raised as a grid case on the engine."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="problems"
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="project_problem",
    )

    class Meta:
        ordering = ["-case__created_at"]
        verbose_name = _("project problem")
        verbose_name_plural = _("project problems")

    def __str__(self):
        return f"{self.project} · {self.case}"
