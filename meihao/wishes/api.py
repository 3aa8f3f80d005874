"""The micro-wishes part of the JSON API (mounted at /api/v1/wishes/). Parse, call, serialise.

- GET  /wishes/mine | /wishes/wall | /wishes/claims — my wishes; the wall (party members);
  the wishes I claimed or joined. `limit`, `offset`; {"items", "count"}.
- GET  /wishes/review?state=submitted|published — the party committee's queue.
- POST /wishes — order: {"category", "description", "address", "idempotency_key"} → 201.
- GET  /wishes/{number} — one wish, its claimants and my abilities.
- POST /wishes/{number}/{step} — publish, dispatch ({"target": a value from the wish's
  "targets"}), reject ({"reason"}), claim / join ({"unit": an id, optional}), confirm,
  send-back ({"reason"}): the steps of `wishes.steps`, as on the page.
- POST /wishes/{number}/fulfil — multipart: "note" and one to four "photos".
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from meihao.cases.access import case_abilities
from meihao.cases.models import CaseCategory
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.schemas import Id, PageQuery
from meihao.wishes import selectors, services
from meihao.wishes.models import WISH_CODE
from meihao.wishes.steps import STEPS
from meihao.wishes.vocabulary import WISH_WORDS

router = Router()


class ClaimOut(Schema):
    claimant: str
    unit: bool
    lead: bool

    @staticmethod
    def resolve_claimant(claim) -> str:
        return claim.organisation.name if claim.organisation_id else claim.person.real_name

    @staticmethod
    def resolve_unit(claim) -> bool:
        return claim.organisation_id is not None

    @staticmethod
    def resolve_lead(claim) -> bool:
        return claim.is_lead


class WishOut(Schema):
    number: str
    category: str
    category_name: str
    description: str
    status: str
    status_label: str
    community: str
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    escalated: bool

    @staticmethod
    def resolve_category(case) -> str:
        return case.category.code

    @staticmethod
    def resolve_category_name(case) -> str:
        return case.category.display_name

    @staticmethod
    def resolve_status_label(case) -> str:
        # The app's API is the citizens' (its pages' twin): their words, not the engine's.
        return WISH_WORDS.status_label(case.status)

    @staticmethod
    def resolve_community(case) -> str:
        return case.wish.community_path.rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def resolve_published_at(case):
        return case.wish.published_at

    @staticmethod
    def resolve_escalated(case) -> bool:
        return case.wish.escalated_at is not None


class TargetOut(Schema):
    value: str
    label: str


class WishDetailOut(WishOut):
    claims: list[ClaimOut]
    abilities: dict[str, bool]
    targets: list[TargetOut]

    @staticmethod
    def resolve_claims(case) -> list:
        return list(case.wish.claims.all())

    @staticmethod
    def resolve_abilities(case) -> dict[str, bool]:
        return case.abilities_now

    @staticmethod
    def resolve_targets(case) -> list:
        return case.targets_now


class WishPage(Schema):
    items: list[WishOut]
    count: int


class ReviewQuery(PageQuery):
    state: str = Field("submitted", description="submitted (to review) or published")


class OrderIn(Schema):
    category: str = Field(..., max_length=4, description="A kind of wish, e.g. 0101")
    description: str = Field(..., max_length=2000)
    address: str = Field("", max_length=200)
    idempotency_key: str | None = Field(None, max_length=64)


class WishStepIn(Schema):
    target: str = Field("", max_length=40)
    unit: Id | None = None
    reason: str = Field("", max_length=2000)
    note: str = Field("", max_length=2000)


def _page(rows, params):
    return {
        "items": list(rows[params.offset : params.offset + params.limit]),
        "count": rows.count(),
    }


@router.get("/mine", response=WishPage, summary="The wishes I made")
def mine(request, params: Query[PageQuery]):
    return _page(selectors.my_wishes(request.user), params)


@router.get("/wall", response=WishPage, summary="The wish wall of my communities")
def wall(request, params: Query[PageQuery]):
    if not selectors.may_claim(request.user):
        raise NotFound()
    return _page(selectors.wall(request.user), params)


@router.get("/claims", response=WishPage, summary="The wishes I claimed or joined")
def claims(request, params: Query[PageQuery]):
    return _page(selectors.my_claims(request.user), params)


@router.get("/review", response=WishPage, summary="The party committee's review queue")
def review(request, params: Query[ReviewQuery]):
    if not selectors.may_review(request.user):
        raise NotFound()
    if params.state not in selectors.REVIEW_STATES:
        raise ValidationFailed(_("Unknown state."), field="state")
    return _page(selectors.review_queue(request.user, params.state), params)


def _detail(request, number: str):
    case = selectors.wish_get(request.user, number)
    case.abilities_now = case_abilities(case, request.user)
    targets = selectors.dispatch_targets(case) if case.abilities_now["dispatch"] else []
    case.targets_now = [{"value": t["value"], "label": t["label"]} for t in targets]
    return case


@router.post("", response={201: WishDetailOut}, summary="Make a wish")
def order(request, payload: OrderIn):
    category = CaseCategory.objects.filter(
        case_type__code=WISH_CODE, parent__isnull=False, code=payload.category
    ).first()
    case = services.wish_order(
        actor=request.user,
        category=category,
        description=payload.description,
        address=payload.address,
        idempotency_key=payload.idempotency_key,
    )
    return HttpStatus(201, _detail(request, case.number))


@router.get("/{number}", response=WishDetailOut, summary="One wish")
def detail(request, number: str):
    return _detail(request, number)


@router.post("/{number}/fulfil", response=WishDetailOut, summary="Report a wish fulfilled")
def fulfil(
    request,
    number: str,
    note: Form[str] = "",
    photos: File[list[UploadedFile]] = None,
):
    case = selectors.wish_get(request.user, number)
    STEPS.take("fulfil", case=case, actor=request.user, inputs={"note": note, "photos": photos})
    return _detail(request, number)


@router.post("/{number}/{step}", response=WishDetailOut, summary="Take a step")
def step(request, number: str, step: str, payload: WishStepIn):
    if STEPS.get(step) is None:
        raise NotFound(_("No such action."))
    case = selectors.wish_get(request.user, number)
    STEPS.take(step, case=case, actor=request.user, inputs=payload.dict())
    return _detail(request, number)
