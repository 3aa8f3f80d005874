"""Reads of the legal-advisor app, scoped to the asking user: a consultation is read by the
resident who asked it and the advisors who hold it (legal.holders), nobody else."""

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from meihao.activities.models import Activity
from meihao.cases.classes import active_minor_classes
from meihao.cases.models import Case, CaseCategory
from meihao.cases.selectors import audit_confidential_read
from meihao.cases.states import TERMINAL_STATES
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers, has_role, scope_q, scopes_of
from meihao.legal.holders import ADVISORS, PARTIES, STREET, advisor_q
from meihao.legal.models import DISPUTE_CODE, LEGAL_CODE
from meihao.legal.services import community_advisors
from meihao.people.selectors import own_person, own_person_id
from meihao.places.models import Level, Place, community_path


def is_advisor(user) -> bool:
    return has_role(user, ADVISORS)


def _consultations() -> QuerySet[Case]:
    return Case.objects.filter(case_type__code=LEGAL_CODE).select_related(
        "case_type", "category", "consultation", "assigned_user"
    )


def consultation_topics() -> list[CaseCategory]:
    """What a question may be about: the LEGAL type's active minor classes."""
    return active_minor_classes(LEGAL_CODE)


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
    """The officials: each reads the advisors' hours in the communities they cover (a
    superuser, every community's)."""
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


COMPLIANCE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


def compliance_places(user) -> QuerySet[Place]:
    """The places the compliance page offers the user to choose: those they hold an official's
    role on and the places one level down (a district's streets, a street's communities); a
    superuser, the districts. Any other place they cover may still be asked for by its code."""
    places = Place.objects.filter(level__in=COMPLIANCE_LEVELS).order_by("path")
    if getattr(user, "is_superuser", False):
        return places.filter(level=Level.DISTRICT)
    own = [s.place_path for s in scopes_of(user) if s.role in OFFICIALS and s.place_path]
    return places.filter(Q(path__in=own) | Q(parent__path__in=own))


EVERYWHERE = "all"


def compliance_place(user, code: str = "") -> Place | None:
    """The place the compliance page is about: `code` if the user covers it, else their first;
    None (every community of the platform) for a superuser asking for EVERYWHERE."""
    if code == EVERYWHERE and getattr(user, "is_superuser", False):
        return None
    if not code:
        place = compliance_places(user).first()
    else:
        place = Place.objects.filter(code=str(code)[:20], level__in=COMPLIANCE_LEVELS).first()
    if place is None or not covers(user, place.path, OFFICIALS):
        raise NotFound()
    return place


DUTY_SESSIONS_SHOWN = 3


def upcoming_duty_sessions(user) -> list[Activity]:
    """The coming duty sessions of the advisors of the user's home community, to book a place
    (sign-ups close when a session starts)."""
    person = own_person(user)
    path = community_path(person.home_place_path) if person is not None else ""
    if not path:
        return []
    return list(
        Activity.objects.visible_to(user)
        .filter(
            kind=Activity.Kind.LEGAL_DUTY,
            status=Activity.Status.PUBLISHED,
            place_path__startswith=path,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")[:DUTY_SESSIONS_SHOWN]
    )


# --- disputes --------------------------------------------------------------------------------
def _disputes() -> QuerySet[Case]:
    return Case.objects.filter(case_type__code=DISPUTE_CODE).select_related(
        "case_type", "category", "dispute__community", "assigned_user"
    )


def dispute_kinds() -> list[CaseCategory]:
    return active_minor_classes(DISPUTE_CODE)


def dispute_get(user, number: str) -> Case:
    """A dispute the user may read; every reading but a party's of their own is audited."""
    case = (
        Case.objects.visible_to(user)
        .filter(case_type__code=DISPUTE_CODE, number=str(number)[:32])
        .select_related(
            "case_type", "category", "dispute__community__parent", "assigned_user", "submitted_by"
        )
        .first()
    )
    if case is None:
        raise NotFound()
    audit_confidential_read(case, user)
    return case


def dispute_parties(case: Case) -> list:
    return list(case.dispute.parties.all())


def dispute_sessions(case: Case) -> list:
    return list(case.dispute.sessions.select_related("mediator"))


def disputes_waiting(user) -> QuerySet[Case]:
    """Disputes of the user's communities no mediator has taken yet, oldest first."""
    return (
        _disputes()
        .filter(advisor_q(user), assigned_user__isnull=True)
        .exclude(status__in=TERMINAL_STATES)
        .order_by("created_at", "pk")
    )


def disputes_mediating(user) -> QuerySet[Case]:
    """The disputes the user mediates, open ones first, then the newest."""
    return (
        _disputes()
        .filter(assigned_user=user)
        .order_by(F("closed_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def disputes_taken_in(user) -> QuerySet[Case]:
    """The disputes the user took in, newest first."""
    return _disputes().filter(submitted_by=user).order_by("-created_at", "-pk")


def disputes_escalated(user) -> QuerySet[Case]:
    """Major disputes of the streets the user supervises, newest first."""
    return (
        _disputes()
        .filter(Q(dispute__major=True) & scope_q(user, path_field="place_path", roles=STREET))
        .order_by("-dispute__escalated_at", "-pk")
    )


def my_disputes(user) -> QuerySet[Case]:
    """The disputes the user is a party to, newest first."""
    return _disputes().filter(PARTIES.q(user)).order_by("-created_at", "-pk")
