"""Reads of the legal-advisor app, scoped to the asking user: a consultation is read by the
resident who asked it and the advisors who hold it (legal.holders), nobody else."""

from django.db.models import F, QuerySet

from meihao.cases.models import Case
from meihao.cases.selectors import audit_confidential_read
from meihao.cases.states import TERMINAL_STATES
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role, scope_q
from meihao.legal.holders import ADVISORS, advisor_q
from meihao.legal.models import LEGAL_CODE
from meihao.legal.services import community_advisors
from meihao.people.selectors import own_person, own_person_id
from meihao.places.models import Level, Place


def is_advisor(user) -> bool:
    return has_role(user, ADVISORS)


def _consultations() -> QuerySet[Case]:
    return Case.objects.filter(case_type__code=LEGAL_CODE).select_related(
        "case_type", "category", "consultation", "assigned_user"
    )


def consultation_get(user, number: str) -> Case:
    """A consultation the user may read; an advisor's reading of it is audited (the type is
    confidential), the resident's reading of their own is not."""
    case = (
        Case.objects.visible_to(user)
        .filter(case_type__code=LEGAL_CODE, number=str(number)[:32])
        .select_related("case_type", "category", "consultation", "assigned_user", "reporter")
        .first()
    )
    if case is None:
        raise NotFound()
    audit_confidential_read(case, user)
    return case


def my_consultations(user) -> QuerySet[Case]:
    """The consultations the user asked, newest first."""
    person_id = own_person_id(user)
    if person_id is None:
        return Case.objects.none()
    return _consultations().filter(reporter_id=person_id).order_by("-created_at", "-pk")


def advisor_waiting(user) -> QuerySet[Case]:
    """What waits for one of the user's communities' advisors, oldest first."""
    return (
        _consultations()
        .filter(advisor_q(user), assigned_user__isnull=True)
        .exclude(status__in=TERMINAL_STATES)
        .order_by("created_at", "pk")
    )


def advisor_taken(user) -> QuerySet[Case]:
    """The consultations the user took, open ones first, then the newest."""
    return (
        _consultations()
        .filter(assigned_user=user)
        .order_by(F("closed_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def my_advisors(user) -> list:
    """The legal advisors of the user's home community, with how to reach them."""
    person = own_person(user)
    if person is None or not person.home_place_path:
        return []
    return community_advisors(person.home_place_path)


def may_read_compliance(user) -> bool:
    """The officials: each reads the advisors' hours in the communities they cover."""
    return has_role(user, OFFICIALS)


def compliance_places(user) -> QuerySet[Place]:
    """The district, streets and communities whose advisors' hours the user may read."""
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS),
        level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY),
    ).order_by("path")


def compliance_place(user, code: str = "") -> Place:
    """The place the compliance page is about: `code` if the user covers it, else their first."""
    places = compliance_places(user)
    place = places.filter(code=str(code)[:20]).first() if code else places.first()
    if place is None:
        raise NotFound()
    return place
