"""Every read of 云家庭's elder records, scoped to the asking user: care staff covering the
elder's home (core.roles.ELDER_CARE), and family members acting for the elder. Out of scope is
NotFound, the same as missing."""

import datetime

from django.db.models import QuerySet

from meihao.core.errors import NotFound
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import scope_q
from meihao.eldercare.models import ELDER_MIN_AGE, Assessment, Elder, FamilyLink
from meihao.people.models import Person, born_by
from meihao.people.selectors import person_list


def elders_visible_to(user) -> QuerySet[Elder]:
    return Elder.objects.visible_to(user).select_related("person", "person__home_place")


def elder_get(user, pk) -> Elder:
    elder = elders_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if elder is None:
        raise NotFound()
    return elder


def elders_acted_for(user) -> QuerySet[Elder]:
    """The elders `user` acts for as family, on their consent still standing."""
    if not getattr(user, "is_authenticated", False):
        return Elder.objects.none()
    return Elder.objects.filter(family__user=user, family__ended_at__isnull=True).select_related(
        "person"
    )


def current_assessment(elder: Elder) -> Assessment | None:
    """The latest assessment: what the elder's level is now."""
    return elder.assessments.select_related("scale").first()


CANDIDATES_SHOWN = 20


def candidates(user, q: str, today: datetime.date) -> QuerySet[Person]:
    """Residents of 60 or more, living where the user cares for elders and not yet registered,
    found as on the resident list (ID number, mobile number or its last four digits, name)."""
    return (
        person_list(user, q)
        .filter(
            scope_q(user, path_field="home_place_path", roles=ELDER_CARE),
            birth_date__lte=born_by(today, ELDER_MIN_AGE),
            elder__isnull=True,
        )
        .order_by("real_name", "pk")
    )


def candidate_get(user, pk, today: datetime.date) -> Person:
    person = candidates(user, "", today).filter(pk=pk).first() if str(pk).isdigit() else None
    if person is None:
        raise NotFound()
    return person


def family_of(elder: Elder) -> list[FamilyLink]:
    return list(elder.family.filter(ended_at__isnull=True).select_related("user"))


def assessment_get(user, pk) -> Assessment:
    """One assessment of an elder the user cares for."""
    found = (
        Assessment.objects.filter(pk=pk, elder__in=elders_visible_to(user))
        .select_related("elder__person", "scale", "assessor")
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound()
    return found


VISITS_SHOWN = 8


def family_links_of(user) -> list[FamilyLink]:
    """The user's standing links to the elders they act for, each with its elder."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        FamilyLink.objects.filter(user=user, ended_at__isnull=True)
        .select_related("elder__person__home_place")
        .order_by("pk")
    )


def recent_visits(elder: Elder) -> list:
    """The elder's latest visits (探访关爱), newest first."""
    from meihao.cases.models import Case
    from meihao.eldercare.visits import VISIT_CODE

    return list(
        Case.objects.filter(case_type__code=VISIT_CODE, reporter=elder.person)
        .select_related("case_type")
        .order_by("-created_at", "-pk")[:VISITS_SHOWN]
    )
