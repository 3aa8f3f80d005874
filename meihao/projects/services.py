"""Writes of the responsibility projects: a household's progress, a milestone reached, the
front-line log. Who works on a project: the members of its team and the officials of its
place; anyone else does not see it (NotFound)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.catalogue import GRID_TYPE
from meihao.cases.classes import active_type, minor_class
from meihao.cases.models import Case
from meihao.cases.services.submission import case_submit
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.inputs import clean_text, parse_date
from meihao.projects.models import (
    STEP_FIELDS,
    STEP_ORDER,
    TEXT_MAX,
    FrontLineEntry,
    Household,
    HouseholdStep,
    Milestone,
    Project,
    ProjectProblem,
)


def works_on(user, project: Project) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def _day(value, project: Project, *, field: str):
    day = parse_date(value)
    if day is None or day > timezone.localdate() or day < project.starts_on:
        raise ValidationFailed(_("Give a day between the project's start and today."), field=field)
    return day


def household_step(*, actor, household: Household, step, on) -> Household:
    """Record a household visited, signed or relocated (the steps in that order, each once);
    a step skipped is recorded on the same day (signed implies visited)."""
    project = household.project
    if not works_on(actor, project):
        raise NotFound()
    if step not in STEP_FIELDS:
        raise ValidationFailed(_("Choose visited, signed or relocated."), field="step")
    day = _day(on, project, field="on")
    with transaction.atomic():
        current = Household.objects.select_for_update().get(pk=household.pk)
        reached = STEP_ORDER.index(current.status)
        wanted = STEP_ORDER.index(step)
        if wanted <= reached:
            raise IllegalTransition(
                _("This household is already %(status)s.")
                % {"status": current.get_status_display()}
            )
        for earlier in STEP_ORDER[reached + 1 : wanted]:
            if getattr(current, STEP_FIELDS[earlier]) is None:
                setattr(current, STEP_FIELDS[earlier], day)
        previous = [getattr(current, STEP_FIELDS[s]) for s in STEP_ORDER[1:wanted]]
        if any(d is not None and d > day for d in previous):
            raise ValidationFailed(
                _("This step cannot come before the household's earlier steps."), field="on"
            )
        setattr(current, STEP_FIELDS[step], day)
        current.status = step
        current.save(update_fields=["status", *STEP_FIELDS.values()])
        HouseholdStep.objects.create(household=current, step=step, on=day, officer=actor)
        audit_change(
            actor=actor,
            action="projects.household_step",
            target=current,
            changes={"status": [STEP_ORDER[reached], step]},
        )
    return current


def milestone_reach(*, actor, milestone: Milestone, on) -> Milestone:
    if not works_on(actor, milestone.project):
        raise NotFound()
    if milestone.reached_on is not None:
        raise IllegalTransition(_("This milestone is already reached."))
    day = _day(on, milestone.project, field="on")
    with transaction.atomic():
        Milestone.objects.filter(pk=milestone.pk, reached_on__isnull=True).update(reached_on=day)
        audit_change(actor=actor, action="projects.milestone_reach", target=milestone)
    milestone.reached_on = day
    return milestone


def front_line_write(*, actor, project: Project, kind, text, on) -> FrontLineEntry:
    if not works_on(actor, project):
        raise NotFound()
    if kind not in FrontLineEntry.Kind.values:
        raise ValidationFailed(_("Choose which of the three it is."), field="kind")
    text = clean_text(text, field="text", required=_("Write what was done."), max_length=TEXT_MAX)
    day = _day(on, project, field="on")
    with transaction.atomic():
        entry = FrontLineEntry.objects.create(
            project=project, kind=kind, text=text, on=day, author=actor
        )
        audit_change(actor=actor, action="projects.front_line", target=entry)
    return entry


def problem_raise(*, actor, project: Project, category_code, description, photos=()):
    """Raise a problem found on the site as a grid case at the project's place (routed,
    dispatched and closed as any), linked to the project."""
    if not works_on(actor, project):
        raise NotFound()
    case_type = active_type(GRID_TYPE["code"])
    category = minor_class(case_type, code=str(category_code or "")) if case_type else None
    if category is None or not category.is_active:
        raise ValidationFailed(_("Choose what the problem is about."), field="category")
    description = clean_text(
        description,
        field="description",
        required=_("Say what the problem is."),
        max_length=TEXT_MAX,
    )
    with transaction.atomic():
        case = case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=f"[{project.name}] {description}",
            place=project.place,
            channel=Case.Channel.PROJECT,
            reporter=getattr(actor, "person", None),
            photos=photos,
        )
        problem = ProjectProblem.objects.create(project=project, case=case)
        audit_change(actor=actor, action="projects.problem", target=problem)
    return problem
