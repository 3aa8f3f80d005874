"""The responsibility projects' pages: a project's progress with its chart, its households (a
phone-first list an officer records steps on), milestones and the front-line log."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.cases.catalogue import GRID_TYPE
from meihao.cases.classes import active_minor_classes
from meihao.core import pages
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_id
from meihao.core.middleware import safe_next
from meihao.core.pages import page_of
from meihao.projects import selectors, services
from meihao.projects.models import STEP_ORDER, FrontLineEntry, Household

projects_page = pages.requires(selectors.sees_projects)
project_page = pages.scoped_object(selectors.project_get, page_ability=selectors.sees_projects)
household_page = pages.scoped_object(selectors.household_get, page_ability=selectors.sees_projects)
teams_page = pages.requires(selectors.sees_teams)
team_page = pages.scoped_object(selectors.team_get, page_ability=selectors.sees_teams)


@projects_page
@require_GET
def project_list(request):
    return render(
        request,
        "projects/list.html",
        {
            "projects": selectors.projects_of(request.user),
            "sees_teams": selectors.sees_teams(request.user),
        },
    )


@teams_page
@require_GET
def team_list(request):
    return render(request, "projects/teams.html", {"teams": selectors.team_list(request.user)})


@team_page
@require_GET
def team_detail(request, team):
    return render(
        request,
        "projects/team.html",
        {"team": team, "sheet": selectors.team_sheet(request.user, team)},
    )


def _project(request, project, *, error=None, form="", status=200):
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "progress": selectors.progress(project),
            "chart": {
                **selectors.chart(project),
                "labels": {"signed": _("Signed"), "relocated": _("Relocated")},
            },
            "milestones": selectors.milestones_of(project),
            "site": selectors.site_map(project),
            "sees_team": selectors.teams_of(request.user).filter(pk=project.team_id).exists(),
            "team": selectors.team_on_site(project),
            "entries": project.front_line.select_related("author")[:20],
            "kinds": FrontLineEntry.Kind.choices,
            "problems": project.problems.select_related("case__category")[:20],
            "classes": active_minor_classes(GRID_TYPE["code"]),
            "today": timezone.localdate(),
            "error": error,
            "failed_form": form,
            "values": request.POST,
        },
        status=status,
    )


@project_page
@require_GET
def project_detail(request, project):
    return _project(request, project)


@project_page
@require_POST
def front_line(request, project):
    post = request.POST
    return pages.written(
        request,
        lambda: services.front_line_write(
            actor=request.user,
            project=project,
            kind=post.get("kind", ""),
            text=post.get("text"),
            on=post.get("on"),
        ),
        again=lambda error: _project(request, project, error=error, form="front_line", status=400),
        success=_("Entry added to the log."),
        to=lambda entry: ("projects:detail", project.pk),
    )


@project_page
@require_POST
def milestone_reach(request, project):
    milestone = project.milestones.filter(pk=parse_id(request.POST.get("milestone"))).first()
    if milestone is None:
        raise NotFound()
    services.milestone_reach(actor=request.user, milestone=milestone, on=request.POST.get("on"))
    messages.success(request, _("Milestone reached."))
    return redirect("projects:detail", project.pk)


@project_page
@require_GET
def households(request, project):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:40]
    page = page_of(request, selectors.households_of(project, status=status, q=q))
    for household in page.object_list:
        reached = STEP_ORDER.index(household.status)
        household.next_steps = [
            (step, Household.Status(step).label) for step in STEP_ORDER[reached + 1 :]
        ]
    return render(
        request,
        "projects/households.html",
        {
            "project": project,
            "page": page,
            "status": status,
            "q": q,
            "statuses": Household.Status.choices,
            "query": pages.query_string(status=status, q=q),
            "today": timezone.localdate(),
            "progress": selectors.progress(project),
        },
    )


@household_page
@require_POST
def household_step(request, household):
    step = request.POST.get("step", "")
    services.household_step(
        actor=request.user, household=household, step=step, on=request.POST.get("on")
    )
    messages.success(
        request,
        _("%(house)s: %(step)s recorded.")
        % {"house": household.label, "step": Household.Status(step).label},
    )
    return redirect(
        safe_next(request) or reverse("projects:households", args=[household.project_id])
    )


@project_page
@require_POST
def problem(request, project):
    post = request.POST
    try:
        raised = services.problem_raise(
            actor=request.user,
            project=project,
            category_code=post.get("category", ""),
            description=post.get("description"),
            photos=request.FILES.getlist("photos"),
        )
    except ValidationFailed as exc:  # the message names the case: not pages.written's
        return _project(request, project, error=exc, form="problem", status=400)
    messages.success(request, _("Case %(number)s raised.") % {"number": raised.case.number})
    return redirect("projects:detail", project.pk)
