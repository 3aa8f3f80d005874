"""Every read of the online applications, scoped to the asking user through the engine's
`Case.objects.visible_to` (which asks egov.holders for this type)."""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from meihao.cases.access import case_abilities
from meihao.cases.models import Case
from meihao.cases.states import TERMINAL_STATES, Status
from meihao.core import idcard, pii
from meihao.core.errors import NotFound
from meihao.core.pii import mask_name
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, has_role, organisation_ids, scope_q
from meihao.egov.holders import (
    COMMUNITY_HOLDERS,
    DISTRICT_HOLDERS,
    STREET_HOLDERS,
    holds_stage,
    staff_q,
)
from meihao.egov.models import (
    EGOV_CODE,
    WITHDRAWABLE,
    Application,
    Attachment,
    Body,
    IssuedDocument,
    content_hash,
)
from meihao.people.models import Person
from meihao.people.selectors import person_list

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
# Who works applications: the holders of a stage and the district's administrators.
WORKERS = COMMUNITY_HOLDERS | STREET_HOLDERS | DISTRICT_HOLDERS | {Role.DEPARTMENT_STAFF}
# What waits for its holder: not yet taken in, or being worked (a parked one waits for the
# applicant).
WAITING = (Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)


def application_case_get(user, number: str) -> Case:
    case = (
        Case.objects.visible_to(user)
        .filter(case_type__code=EGOV_CODE, number=number)
        .select_related(
            "case_type",
            "application__item__department",
            "application__applicant",
            "application__home",
            "application__department",
        )
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def attachment_get(user, number: str, pk) -> Attachment:
    case = application_case_get(user, number)
    attachment = Attachment.objects.filter(application__case=case, pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


def document_get(user, number: str, pk) -> IssuedDocument:
    """A document of an application the user reads (its applicant, its holders)."""
    case = application_case_get(user, number)
    document = IssuedDocument.objects.filter(application__case=case, pk=pk).first()
    if document is None:
        raise NotFound()
    document.application = case.application
    return document


@dataclass(frozen=True)
class DocumentCheck:
    """What the public verify page shows: the standing and a masked summary, nothing more."""

    standing: str  # valid, expired, not_yet, revoked; or altered when the hashes disagree
    serial: str
    title: str
    holder: str  # masked
    issuer: str
    purpose: str
    valid_from: str
    valid_until: str
    revoked_on: date | None
    content_hash: str


def document_verify(token: str, printed_hash: str, today: date) -> DocumentCheck:
    """Check a document by the token of its QR code. `printed_hash` is the hash the QR code
    carries (or the reader typed from the paper): a document whose record no longer hashes to
    what was issued, or whose paper carries another hash, is `altered`, not valid."""
    if not token or len(token) > IssuedDocument._meta.get_field("token").max_length:
        raise NotFound()
    try:  # the token is unique: no ordering for .first() to add
        document = IssuedDocument.objects.get(token=token)
    except IssuedDocument.DoesNotExist:
        raise NotFound() from None
    content = document.content
    intact = content_hash(content) == document.content_hash
    matches = not printed_hash or printed_hash.strip().lower() == document.content_hash
    return DocumentCheck(
        standing=document.standing(today) if intact and matches else "altered",
        serial=document.serial,
        title=content["title"],
        holder=mask_name(content["holder"]),
        issuer=content["issuer"],
        purpose=content["purpose"],
        valid_from=content["valid_from"],
        valid_until=content["valid_until"],
        revoked_on=timezone.localtime(document.revoked_at).date() if document.revoked_at else None,
        content_hash=document.content_hash,
    )


def actions_for(case: Case, user) -> dict[str, bool]:
    """What `user` may do on the application now, for its page."""
    application = case.application
    abilities = case_abilities(case, user)
    holder = holds_stage(application, user)
    waiting = case.status in ("submitted", "accepted")
    working = case.status in ("dispatched", "in_progress")
    last = application.is_last_stage
    return {
        "take_in": holder and waiting and abilities["dispatch"],
        "ask_supplement": holder and waiting and application.may_ask_supplement,
        "refuse_intake": holder and waiting and abilities["reject"],
        "pass_on": holder and working and not last,
        "decide": holder and working and last and application.duty == "decide",
        "supplement": case.status == "parked" and abilities["unpark"] and not holder,
        "withdraw": case.status in WITHDRAWABLE
        and case.reporter_id is not None
        and case.reporter.user_id == getattr(user, "pk", None),
    }


def _listed(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related("case__case_type", "item", "applicant", "home")


def my_applications(user) -> QuerySet[Application]:
    """The applications the user made, or that counter staff made for them."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return _listed(Application.objects.filter(applicant__user=user)).order_by("-created_at", "-pk")


def holding_q(user) -> Q:
    """The applications whose current stage the user holds (pure SQL)."""

    def path(roles):
        return scope_q(user, path_field="home_path", roles=roles)

    query = Q(stage_body=Body.COMMUNITY) & path(COMMUNITY_HOLDERS) | Q(
        stage_body=Body.STREET
    ) & path(STREET_HOLDERS)
    departments = organisation_ids(user, {Role.DEPARTMENT_STAFF})
    if departments:
        query |= Q(stage_body=Body.DEPARTMENT, department_id__in=departments)
    return query


def may_work(user) -> bool:
    return has_role(user, WORKERS)


WORK_VIEWS = ("waiting", "open", "all")


def work_list(user, view: str) -> QuerySet[Application]:
    """The staff's list: what waits for them (their stage, not parked), everything open they
    read, or everything they read. Oldest deadline first for the open ones."""
    if view == "waiting":
        rows = Application.objects.filter(holding_q(user)).filter(case__status__in=WAITING)
    else:
        rows = Application.objects.filter(staff_q(user, prefix=""))
        if view == "open":
            rows = rows.exclude(case__status__in=TERMINAL_STATES)
    if view == "all":
        return _listed(rows).order_by("-created_at", "-pk")
    return _listed(rows).order_by(F("case__resolve_by").asc(nulls_last=True), "created_at", "pk")


def in_public_notice(now) -> QuerySet[Application]:
    """The applications whose public notice (公示) runs now: what the public page lists."""
    return (
        Application.objects.filter(publicity_from__lte=now, publicity_until__gt=now)
        .exclude(case__status__in=TERMINAL_STATES)
        .select_related("item", "applicant", "home")
        .order_by("home__path", "publicity_from", "pk")
    )


COUNTER_RESULTS = 20


def counter_people(user, item, q: str) -> list[Person]:
    """The residents counter staff may file `item` for (代办), found by `q`: the officials of a
    place search its residents as on the resident list (ID number, mobile number, its last four
    digits, part of the name); the item's department finds a resident only by the exact ID
    number on the card they hand over."""
    q = (q or "").strip()
    if not q:
        return []
    department = item.department_id in organisation_ids(user, {Role.DEPARTMENT_STAFF})
    if department and ID_NUMBER.match(q):
        people = Person.objects.filter(id_number_hash=pii.search_hash(idcard.normalise(q)))
    else:
        people = person_list(user, q)
    people = people.exclude(home_place_path="")
    return list(people.select_related("home_place").order_by("real_name", "pk")[:COUNTER_RESULTS])


def counter_applicant(user, item, pk) -> Person:
    """The resident `user` files `item` for at the counter, or NotFound: a resident of the
    official's places, or any resident for the item's department."""
    person = (
        Person.objects.filter(pk=pk).exclude(home_place_path="").first()
        if str(pk).isdigit() and len(str(pk)) < 12
        else None
    )
    if person is None or not (
        covers(user, person.home_place_path, OFFICIALS)
        or item.department_id in organisation_ids(user, {Role.DEPARTMENT_STAFF})
    ):
        raise NotFound()
    return person
