"""The time bank part of the JSON API (mounted at /api/v1/timebank/). Parse, call, serialise.

- GET  /timebank/me — my membership (or null) and my minutes.
- POST /timebank/me — join: {"lat", "lon" (optional: home), "skills": [class codes]} → 201.
- PUT  /timebank/me — my location, kinds of help and availability.
- GET  /timebank/requests/nearby?all= — open requests a member may take on, nearest first.
- POST /timebank/requests — ask: {"category", "description", "lat", "lon", "address",
  "withdrawal", "relative" (a family link's person id, withdrawals), "requester_phone" (staff
  on behalf), "idempotency_key"} → 201.
- GET  /timebank/requests/{number} — one request with its visits and my abilities.
- POST /timebank/requests/{number}/{step} — claim, check-in / check-out ({"lat", "lon",
  "note"}), confirm, send-back ({"reason"}): the steps of `timebank.steps`, as on the page.
- GET  /timebank/members?q=&limit=&offset= — staff: the members of their communities.
- POST /timebank/pools/{community code}/fund — staff: {"minutes", "token", "memo"}.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from meihao.cases.access import case_abilities
from meihao.cases.models import CaseCategory
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.schemas import Id, PageQuery
from meihao.people.models import Person
from meihao.people.selectors import own_person
from meihao.places.models import Level, Place
from meihao.timebank import selectors, services
from meihao.timebank.steps import STEPS
from meihao.timebank.visits import visits
from meihao.timebank.vocabulary import HELP_REQUEST_WORDS

router = Router()


class MemberOut(Schema):
    community: str
    lat: float
    lon: float
    skills: list[str]
    available: bool
    joined_at: datetime.datetime

    @staticmethod
    def resolve_community(member) -> str:
        return member.community.code

    @staticmethod
    def resolve_skills(member) -> list[str]:
        return [c.code for c in member.skills.all()]


class TimeBankMeOut(Schema):
    member: MemberOut | None
    minutes: int


class MemberIn(Schema):
    lat: float | None = None
    lon: float | None = None
    skills: list[str] = Field(default_factory=list, max_length=20)
    available: bool = True


class RequestOut(Schema):
    number: str
    category: str
    category_name: str
    description: str
    status: str
    status_label: str
    kind: str
    lat: float | None
    lon: float | None
    place: str
    created_at: datetime.datetime
    helper: str | None
    minutes: int | None
    paid_by: str
    distance_m: float | None = None

    @staticmethod
    def resolve_category(case) -> str:
        return case.category.code

    @staticmethod
    def resolve_category_name(case) -> str:
        return case.category.display_name

    @staticmethod
    def resolve_status_label(case) -> str:
        # The app's API is the citizens' (its pages' twin): their words, not the engine's.
        return HELP_REQUEST_WORDS.status_label(case.status)

    @staticmethod
    def resolve_kind(case) -> str:
        return case.help_request.kind

    @staticmethod
    def resolve_place(case) -> str:
        return case.place.name

    @staticmethod
    def resolve_helper(case) -> str | None:
        return case.assigned_user.name if case.assigned_user_id else None

    @staticmethod
    def resolve_minutes(case) -> int | None:
        return case.help_request.minutes

    @staticmethod
    def resolve_paid_by(case) -> str:
        return case.help_request.paid_by


class VisitOut(Schema):
    checked_in: datetime.datetime
    checked_out: datetime.datetime | None


class RequestDetailOut(RequestOut):
    requester: str
    visits: list[VisitOut]
    abilities: dict[str, bool]

    @staticmethod
    def resolve_requester(case) -> str:
        return case.help_request.requester.real_name

    @staticmethod
    def resolve_visits(case) -> list:
        return visits(case.events.all())

    @staticmethod
    def resolve_abilities(case) -> dict[str, bool]:
        return case.abilities_now


class NearbyPage(Schema):
    items: list[RequestOut]
    count: int


class RequestIn(Schema):
    category: str = Field(..., max_length=4, description="A kind of help, e.g. 0101")
    description: str = Field(..., max_length=2000)
    lat: float | None = None
    lon: float | None = None
    address: str = Field("", max_length=200)
    withdrawal: bool = False
    relative: Id | None = Field(None, description="Withdrawals: a registered family member")
    requester_phone: str = Field("", max_length=11, description="Staff: the resident helped")
    idempotency_key: str | None = Field(None, max_length=64)


class HelpStepIn(Schema):
    lat: float | None = None
    lon: float | None = None
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000)


class MemberRowOut(Schema):
    name: str
    phone: str
    community: str
    skills: list[str]
    available: bool
    minutes: int

    @staticmethod
    def resolve_name(member) -> str:
        return member.person.real_name

    @staticmethod
    def resolve_phone(member) -> str:
        return member.person.phone_masked

    @staticmethod
    def resolve_community(member) -> str:
        return member.community.code

    @staticmethod
    def resolve_skills(member) -> list[str]:
        return [c.code for c in member.skills.all()]

    @staticmethod
    def resolve_minutes(member) -> int:
        return member.minutes or 0


class MemberPage(Schema):
    items: list[MemberRowOut]
    count: int


class MemberListQuery(PageQuery):
    q: str = Field("", max_length=50)


class FundIn(Schema):
    minutes: int
    token: str = Field(..., max_length=64)
    memo: str = Field("", max_length=200)


class FundOut(Schema):
    community: str
    pool_minutes: int


def _skills(codes) -> list:
    chosen = list(
        CaseCategory.objects.filter(
            case_type__code="TIMEBANK", parent__isnull=False, code__in=list(codes)
        )
    )
    if len(chosen) != len(set(codes)):
        raise ValidationFailed(_("Choose kinds of help from the list."), field="skills")
    return chosen


def _me(request):
    return {
        "member": selectors.own_member(request.user),
        "minutes": selectors.minutes_balance(request.user),
    }


@router.get("/me", response=TimeBankMeOut, summary="My time-bank membership and minutes")
def me(request):
    return _me(request)


@router.post("/me", response={201: TimeBankMeOut}, summary="Join the time bank")
def join(request, payload: MemberIn):
    services.member_join(
        actor=request.user, skills=_skills(payload.skills), lat=payload.lat, lon=payload.lon
    )
    return HttpStatus(201, _me(request))


@router.put("/me", response=TimeBankMeOut, summary="My location, kinds of help, availability")
def update(request, payload: MemberIn):
    member = selectors.own_member(request.user)
    if member is None:
        raise NotFound(_("You are not a member of the time bank."))
    services.member_update(
        actor=request.user,
        member=member,
        lat=payload.lat,
        lon=payload.lon,
        skills=_skills(payload.skills),
        available=payload.available,
    )
    return _me(request)


@router.get("/requests/nearby", response=NearbyPage, summary="Open requests near me")
def nearby(request, all: bool = False):  # noqa: A002 - the query parameter's name
    member = selectors.own_member(request.user)
    if member is None:
        raise NotFound(_("You are not a member of the time bank."))
    found = selectors.requests_nearby(member, request.user, everywhere=all)
    for row in found:
        row.case.distance_m = row.distance_m
    return {"items": [row.case for row in found], "count": len(found)}


def _detail(request, number):
    case = selectors.request_get(request.user, number)
    case.abilities_now = case_abilities(case, request.user)
    return case


def _requester(request, payload: RequestIn) -> Person:
    own = own_person(request.user)
    if payload.withdrawal and payload.relative is not None:
        member = selectors.own_member(request.user)
        link = member and member.family_links.filter(relative_id=payload.relative).first()
        if not link:
            raise ValidationFailed(_("Choose a registered family member."), field="relative")
        return link.relative
    if payload.requester_phone:
        requester = selectors.requester_for(request.user, payload.requester_phone)
        if requester is None:
            raise ValidationFailed(
                _("No resident in your communities has this mobile number."),
                field="requester_phone",
            )
        return requester
    if own is None:
        raise ValidationFailed(_("Your log-in has no resident record; ask your community."))
    return own


@router.post("/requests", response={201: RequestDetailOut}, summary="Ask for help")
def ask(request, payload: RequestIn):
    category = CaseCategory.objects.filter(
        case_type__code="TIMEBANK", parent__isnull=False, code=payload.category
    ).first()
    case = services.help_request_submit(
        actor=request.user,
        requester=_requester(request, payload),
        category=category,
        description=payload.description,
        lat=payload.lat,
        lon=payload.lon,
        address=payload.address,
        withdrawal=payload.withdrawal,
        idempotency_key=payload.idempotency_key,
    )
    return HttpStatus(201, _detail(request, case.number))


@router.get("/requests/{number}", response=RequestDetailOut, summary="One help request")
def detail(request, number: str):
    return _detail(request, number)


@router.post("/requests/{number}/{step}", response=RequestDetailOut, summary="Take a step")
def step(request, number: str, step: str, payload: HelpStepIn):
    if STEPS.get(step) is None:
        raise NotFound(_("No such action."))
    case = selectors.request_get(request.user, number)
    STEPS.take(step, case=case, actor=request.user, inputs=payload.dict())
    return _detail(request, number)


@router.get("/members", response=MemberPage, summary="Staff: members of my communities")
def members(request, params: Query[MemberListQuery]):
    if not selectors.may_manage(request.user):
        raise NotFound()
    rows = selectors.members_in_scope(request.user, params.q)
    return {
        "items": list(rows[params.offset : params.offset + params.limit]),
        "count": rows.count(),
    }


@router.post("/pools/{code}/fund", response=FundOut, summary="Staff: fund a community pool")
def fund(request, code: str, payload: FundIn):
    community = Place.objects.filter(code=code, level=Level.COMMUNITY).first()
    if community is None:
        raise NotFound(_("No such community."))
    transfer = services.pool_fund(
        actor=request.user,
        community=community,
        minutes=payload.minutes,
        token=payload.token,
        memo=payload.memo,
    )
    transfer.target.refresh_from_db(fields=["balance"])
    return {"community": community.code, "pool_minutes": transfer.target.balance}
