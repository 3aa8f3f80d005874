"""Reads of the responsibility projects, for the officials of their place and their teams."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.people.models import Person
from meihao.projects.models import Household, Project


def sees_projects(user) -> bool:
    """Whether the projects' pages are for `user` (asked once per request: the menu asks it
    of every page)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_sees_projects", None)  # the menu may have asked already (web.menu)
    if cached is None:
        cached = user._sees_projects = Project.objects.visible_to(user).exists()
    return cached


def projects_of(user):
    return (
        Project.objects.visible_to(user)
        .select_related("team", "place")
        .annotate(
            in_scope=Count("households"),
            signed=Count("households", filter=Q(households__signed_on__isnull=False)),
            relocated=Count("households", filter=Q(households__relocated_on__isnull=False)),
        )
        .order_by("-starts_on", "pk")
    )


def project_get(user, pk) -> Project:
    project = (
        Project.objects.visible_to(user)
        .filter(pk=parse_id(pk))
        .select_related("team", "place", "branch")
        .first()
    )
    if project is None:
        raise NotFound()
    return project


def household_get(user, pk) -> Household:
    household = (
        Household.objects.filter(pk=parse_id(pk), project__in=Project.objects.visible_to(user))
        .select_related("project", "building")
        .first()
    )
    if household is None:
        raise NotFound()
    return household


@dataclass
class Progress:
    in_scope: int
    visited: int
    signed: int
    relocated: int

    def share(self, n: int) -> int:
        return round(100 * n / self.in_scope) if self.in_scope else 0

    @property
    def signed_share(self) -> int:
        return self.share(self.signed)

    @property
    def relocated_share(self) -> int:
        return self.share(self.relocated)


def progress(project: Project) -> Progress:
    row = project.households.aggregate(
        in_scope=Count("pk"),
        visited=Count("pk", filter=Q(visited_on__isnull=False)),
        signed=Count("pk", filter=Q(signed_on__isnull=False)),
        relocated=Count("pk", filter=Q(relocated_on__isnull=False)),
    )
    return Progress(**row)


def chart(project: Project) -> dict:
    """Households signed and relocated so far, day by day from the start to today (the
    project page's ECharts line)."""
    signed = Counter(
        dict(
            project.households.filter(signed_on__isnull=False)
            .values_list("signed_on")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    relocated = Counter(
        dict(
            project.households.filter(relocated_on__isnull=False)
            .values_list("relocated_on")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    today = timezone.localdate()
    days, signed_so_far, relocated_so_far = [], [], []
    total_signed = total_relocated = 0
    day = project.starts_on
    while day <= today:
        total_signed += signed.get(day, 0)
        total_relocated += relocated.get(day, 0)
        days.append(day.isoformat())
        signed_so_far.append(total_signed)
        relocated_so_far.append(total_relocated)
        day += datetime.timedelta(days=1)
    return {"days": days, "signed": signed_so_far, "relocated": relocated_so_far}


def milestones_of(project: Project) -> list:
    today = timezone.localdate()
    milestones = list(project.milestones.all())
    for milestone in milestones:
        if milestone.reached_on:
            milestone.days = (milestone.reached_on - project.starts_on).days
        else:
            milestone.days_left = (milestone.due_on - today).days
            milestone.days_late = max(0, -milestone.days_left)
    return milestones


def team_on_site(project: Project):
    return (
        Person.objects.filter(team_memberships__team=project.team)
        .order_by("team_memberships__position", "real_name")
        .only("real_name")
    )


def households_of(project: Project, *, status: str = "", q: str = ""):
    households = project.households.select_related("building")
    if status in Household.Status.values:
        households = households.filter(status=status)
    if q:
        households = households.filter(Q(label__contains=q) | Q(building__name__contains=q))
    return households.order_by("building__name", "label", "pk")
