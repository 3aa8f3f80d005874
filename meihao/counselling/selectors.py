"""Reads of 心灵驿站, scoped to the asking user: a request is read by its resident and the
counsellors who hold it; a note, by its author alone."""

from django.db.models import F, QuerySet

from meihao.cases.classes import active_minor_classes
from meihao.cases.models import Case, CaseCategory
from meihao.cases.selectors import audit_confidential_read
from meihao.cases.states import TERMINAL_STATES
from meihao.core.errors import NotFound
from meihao.core.scoping import has_role
from meihao.counselling.holders import COUNSELLOR_POOL, COUNSELLORS
from meihao.counselling.models import COUNSEL_CODE, CounsellingNote
from meihao.counselling.services import community_counsellors
from meihao.people.selectors import own_person, own_person_id


def is_counsellor(user) -> bool:
    return has_role(user, COUNSELLORS)


def topics() -> list[CaseCategory]:
    return active_minor_classes(COUNSEL_CODE)


def _requests() -> QuerySet[Case]:
    return Case.objects.filter(case_type__code=COUNSEL_CODE).select_related(
        "case_type", "category", "counselling", "assigned_user"
    )


def request_get(user, number: str) -> Case:
    case = (
        Case.objects.visible_to(user)
        .filter(case_type__code=COUNSEL_CODE, number=str(number)[:32])
        .select_related("case_type", "category", "counselling__community", "reporter")
        .first()
    )
    if case is None:
        raise NotFound()
    audit_confidential_read(case, user)
    return case


def my_requests(user) -> QuerySet[Case]:
    person_id = own_person_id(user)
    if person_id is None:
        return Case.objects.none()
    return _requests().filter(reporter_id=person_id).order_by("-created_at", "-pk")


def waiting(user) -> QuerySet[Case]:
    return (
        _requests()
        .filter(COUNSELLOR_POOL.q(user), assigned_user__isnull=True)
        .exclude(status__in=TERMINAL_STATES)
        .order_by("created_at", "pk")
    )


def taken(user) -> QuerySet[Case]:
    """The user's requests: open ones by appointment, then the latest done."""
    return (
        _requests()
        .filter(assigned_user=user)
        .order_by(
            F("closed_at").asc(nulls_first=True),
            F("counselling__appointment_at").asc(nulls_first=True),
            "-created_at",
        )
    )


def my_notes(user, case: Case) -> list[CounsellingNote]:
    """The notes of the request the user wrote: nobody else's, ever."""
    return list(CounsellingNote.objects.filter(counselling__case=case, author=user))


def my_counsellors(user) -> list:
    person = own_person(user)
    if person is None or not person.home_place_path:
        return []
    return community_counsellors(person.home_place_path)
