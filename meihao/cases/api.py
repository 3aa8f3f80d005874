"""Case endpoints, mounted at /api/v1/cases. Parse, call a selector or service, serialise.

- GET    /cases?status=&category=&place=&overdue=&limit=&offset= — the cases the user may see,
  newest first: {"items": [...], "count": N}. `place` is a place code (district, street,
  community or grid): the cases in its subtree. `category` is a class code (e.g. 0501).
- GET    /cases/{number} — one case with its timeline and the user's abilities on it.
- POST   /cases — file a case: {"type", "category", "description", "lat", "lon",
  "idempotency_key", "data", ...} → 201 with the case. Sending the same idempotency key again
  returns the case filed the first time.
- POST   /cases/{number}/actions/{action} — take a workflow action (accept, dispatch,
  accept_dispatch, reject, merge, start, report_back, return, request_extension,
  approve_extension, deny_extension, verify_close, reopen, park, unpark, void) with
  {"note", "reason", "organisation", "team", "user", "until", "original"} as the action needs
  → 200 with the case. An illegal transition or a lost race is 409; out of scope 404.

A case carries its state twice: `status`, the engine's code, and `status_label`, the state in
the reader's words (the office's for staff, the type's citizen word for a citizen).

Errors are meihao.api's JSON {"code", "message"} in the user's language.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from meihao.cases import classes, selectors, services
from meihao.cases.access import case_abilities, sees_as_citizen
from meihao.cases.extensions import vocabulary_of
from meihao.cases.models import Case, Status
from meihao.cases.timeline import timeline as label_timeline
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.schemas import Id, PageQuery

router = Router()


class Named(Schema):
    code: str
    name: str


class CaseOrganisationOut(Schema):
    id: int
    name: str


class CaseOut(Schema):
    number: str
    type: Named
    category: Named | None
    description: str
    status: str = Field(
        ..., description="The engine's state code (submitted, accepted, dispatched, …)"
    )
    status_label: str = Field(
        ...,
        description=(
            "The state in words, in the user's language: the office's word (已上报, 已立案, "
            "已派遣, …) for staff working the case, its type's word for citizens (已提交, "
            "已受理, …; cases.vocabulary)"
        ),
    )
    priority: str
    channel: str
    place: Named
    address: str
    lat: float | None
    lon: float | None
    assigned_organisation: CaseOrganisationOut | None
    assigned_team: CaseOrganisationOut | None
    created_at: datetime.datetime
    respond_by: datetime.datetime | None
    resolve_by: datetime.datetime | None
    response_sla: str
    handling_sla: str
    extension_until: datetime.datetime | None
    closed_at: datetime.datetime | None
    duplicate_of: str | None

    @staticmethod
    def resolve_type(case) -> dict:
        return {"code": case.case_type.code, "name": case.case_type.display_name}

    @staticmethod
    def resolve_category(case) -> dict | None:
        category = case.category
        return {"code": category.code, "name": category.display_name} if category else None

    @staticmethod
    def resolve_status_label(case, context) -> str:
        # As the case page shows it (cases.vocabulary): citizens never read the office's words.
        if sees_as_citizen(case, context["request"].user):
            return vocabulary_of(case.case_type).status_label(case.status)
        return str(Status(case.status).label)

    @staticmethod
    def resolve_place(case) -> dict:
        return {"code": case.place.code, "name": case.place.name}

    @staticmethod
    def resolve_duplicate_of(case) -> str | None:
        # The number is denormalised nowhere; the id is enough to fetch it without a join.
        return case.duplicate_of.number if case.duplicate_of_id else None


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    created_at: datetime.datetime
    note: str
    data: dict

    @staticmethod
    def resolve_actor(event) -> str | None:
        # Named for the reader (cases.timeline): staff read names, a citizen the office.
        return event.who or None


class CaseDetailOut(CaseOut):
    timeline: list[EventOut]
    abilities: dict[str, bool]

    @staticmethod
    def resolve_timeline(case) -> list:
        return case.timeline

    @staticmethod
    def resolve_abilities(case) -> dict[str, bool]:
        return case.abilities_now


class CasePage(Schema):
    items: list[CaseOut]
    count: int


class CaseListQuery(PageQuery):
    status: str = Field("", description="One status, e.g. submitted, dispatched, closed")
    category: str = Field("", max_length=4, description="A class code, e.g. 0501")
    place: str = Field("", max_length=20, description="A place code: cases in its subtree")
    overdue: bool = Field(False, description="Only cases past a running deadline")


class CaseIn(Schema):
    type: str = Field(..., max_length=16, description="Case type code, e.g. GRID")
    category: str = Field("", max_length=4, description="Minor class code, e.g. 0501")
    description: str = Field(..., max_length=2000)
    lat: float | None = None
    lon: float | None = None
    address: str = Field("", max_length=200)
    channel: str = Field("", max_length=16, description="Default: grid_patrol for grid workers")
    priority: str = Field(Case.Priority.NORMAL, max_length=8)
    idempotency_key: str | None = Field(None, max_length=64)
    data: dict = Field(default_factory=dict)


class ActionIn(Schema):
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000)
    organisation: Id | None = None
    team: Id | None = None
    user: Id | None = None
    until: datetime.datetime | datetime.date | None = None
    original: str = Field("", max_length=32, description="Number of the original case (merge)")


def _detail(request, number: str) -> Case:
    """The case with its timeline and the user's abilities attached, for CaseDetailOut."""
    return _with_timeline(request, selectors.staff_case_get(request.user, number))


def _with_timeline(request, case: Case) -> Case:
    timeline = case.timeline_written
    if timeline is None:
        timeline = list(case.events.select_related("actor").order_by("created_at", "id"))
    # Attached for CaseDetailOut's resolvers; not fields of the model.
    case.timeline = label_timeline(case, timeline, viewer=request.user)  # type: ignore[attr-defined]
    case.abilities_now = case_abilities(case, request.user)  # type: ignore[attr-defined]
    return case


@router.get("", response=CasePage, summary="Cases the user may see, filtered")
def case_list(request, params: Query[CaseListQuery]):
    if params.status and params.status not in Status.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    cases = selectors.api_case_list(
        request.user,
        status=params.status,
        category=params.category,
        place=params.place,
        overdue=params.overdue,
    ).select_related("duplicate_of")
    return {
        "items": list(cases[params.offset : params.offset + params.limit]),
        "count": cases.count(),
    }


@router.get("/{number}", response=CaseDetailOut, summary="One case, its timeline, abilities")
def case_detail(request, number: str):
    return _detail(request, number)


@router.post("", response={201: CaseDetailOut}, summary="File a case")
def case_create(request, payload: CaseIn):
    # From the per-process catalogue: no query.
    case_type = classes.active_type(payload.type)
    if case_type is None:
        raise ValidationFailed(_("Unknown case type."), field="type")
    category = None
    if payload.category:
        category = classes.minor_class(case_type, code=payload.category)
        if category is None:
            raise ValidationFailed(
                _("Choose one of this case type's minor classes."), field="category"
            )
    channel = selectors.filing_channel(request.user, payload.channel)
    case = services.case_submit(
        actor=request.user,
        case_type=case_type,
        category=category,
        description=payload.description,
        lat=payload.lat,
        lon=payload.lon,
        address=payload.address,
        channel=channel,
        priority=payload.priority,
        data=payload.data,
        idempotency_key=payload.idempotency_key,
    )
    if case.submitted_by_id is None or case.submitted_by_id != request.user.pk:
        return HttpStatus(201, _detail(request, case.number))
    # The submitter always sees their own case: serialise the one just filed (its type, class
    # and place are already loaded) instead of looking it up again through `visible_to`.
    return HttpStatus(201, _with_timeline(request, case))


@router.post("/{number}/actions/{action}", response=CaseDetailOut, summary="Take a workflow action")
def case_action(request, number: str, action: str, payload: ActionIn):
    if action not in services.STAFF_ACTION_SERVICES:
        raise NotFound(_("No such action."))
    case = selectors.staff_case_get(request.user, number)
    kwargs = selectors.action_arguments(action, payload.dict())
    services.STAFF_ACTION_SERVICES[action](case=case, actor=request.user, **kwargs)
    return _detail(request, number)
