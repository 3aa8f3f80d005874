"""Who works an application (cases.extensions.Holders): the body of its current stage, never
the place roles of the applicant's home. A community stage is held by the staff of the
applicant's community, a street stage by the street's chiefs, a department stage by the
competent department's staff. The bodies it passes through keep reading it; the district's
administrators read and supervise every application of their district.

While an application waits for the supplement its applicant was asked for, the applicant is
its supervisor too: handing the materials in resumes it (the engine's unpark), or they may
withdraw it (void).
"""

from django.db.models import Q

from meihao.cases.extensions import VIEWER, Holders
from meihao.cases.states import SUPERVISOR, Status
from meihao.core.roles import Role
from meihao.core.scoping import covers, organisation_ids, scope_q
from meihao.egov.models import Application, Body

COMMUNITY_HOLDERS = frozenset({Role.COMMUNITY_STAFF})
STREET_HOLDERS = frozenset({Role.STREET_CHIEF})
DISTRICT_HOLDERS = frozenset({Role.DISTRICT_ADMIN})


def _application(case) -> Application | None:
    try:
        return case.application
    except Application.DoesNotExist:
        return None


def holds_stage(application: Application, user) -> bool:
    """Whether `user` holds the application's current stage."""
    body = application.stage_body
    if body == Body.COMMUNITY:
        return covers(user, application.home_path, COMMUNITY_HOLDERS)
    if body == Body.STREET:
        return covers(user, application.home_path, STREET_HOLDERS)
    return application.department_id in organisation_ids(user, {Role.DEPARTMENT_STAFF})


def reads(application: Application, user) -> bool:
    """Whether `user` works or supervises the application (not as its applicant)."""
    return (
        (application.via_community and covers(user, application.home_path, COMMUNITY_HOLDERS))
        or (application.via_street and covers(user, application.home_path, STREET_HOLDERS))
        or application.department_id in organisation_ids(user, {Role.DEPARTMENT_STAFF})
        or covers(user, application.home_path, DISTRICT_HOLDERS)
    )


def holds(case, user, who: str) -> bool:
    application = _application(case)
    if application is None:
        return False
    if who == VIEWER:
        return reads(application, user)
    if who == SUPERVISOR:
        return (
            covers(user, application.home_path, DISTRICT_HOLDERS)
            or holds_stage(application, user)
            or (
                case.status == Status.PARKED
                and case.reporter_id is not None
                and case.reporter.user_id == user.pk
            )
        )
    return holds_stage(application, user)


def staff_q(user, prefix: str = "application__") -> Q:
    """The applications `user` reads as staff, as a filter (pure SQL)."""

    def path(roles):
        return scope_q(user, path_field=f"{prefix}home_path", roles=roles)

    query = (
        Q(**{f"{prefix}via_community": True}) & path(COMMUNITY_HOLDERS)
        | Q(**{f"{prefix}via_street": True}) & path(STREET_HOLDERS)
        | path(DISTRICT_HOLDERS)
    )
    departments = organisation_ids(user, {Role.DEPARTMENT_STAFF})
    if departments:
        query |= Q(**{f"{prefix}department_id__in": departments})
    return query


EGOV_HOLDERS = Holders(q=staff_q, holds=holds)
