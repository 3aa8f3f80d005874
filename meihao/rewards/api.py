"""The rewards part of the JSON API (mounted at /api/v1/rewards/). Parse, call, serialise.

- GET  /rewards/items?merchant=&affordable=&limit=&offset= — the items on offer at active
  partner merchants (active, in stock), cheapest first; `affordable=true` keeps those the
  user's points cover. Any log-in.
- POST /rewards/passes — a one-time pass for the user: the signed token to show as a QR code,
  the short code to read aloud, its expiry (two minutes) → 201.
- POST /rewards/redemptions {"code", "item", "idempotency_key"} — the merchant's staff redeem
  an item for the customer whose token or short code `code` is → 201; the same key again
  returns the same redemption with 200. Refusals: 400 `pass_expired`, `pass_used`,
  `forged_pass`, `out_of_stock`, `insufficient_balance`, `over_limit`; 404 `unknown_pass`.
- POST /rewards/redemptions/{number}/refund {"reason"} — the merchant's staff refund it once
  (points back, item back in stock) → 200; 400 `already_refunded` the second time.
"""

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from meihao.core import throttle
from meihao.core.pii import mask_name_to_greet
from meihao.core.schemas import Id, PageQuery
from meihao.ledger.selectors import points_balance
from meihao.people.selectors import home_point, own_person
from meihao.rewards import passes, selectors, services

router = Router()


class MerchantOut(Schema):
    id: int
    name: str
    address: str
    opening_hours: str
    lat: float | None
    lon: float | None

    @staticmethod
    def resolve_name(merchant) -> str:
        return merchant.organisation.name


class ItemOut(Schema):
    id: int
    name: str
    description: str
    points_cost: int
    stock: int
    limit_per_person: int | None
    merchant: MerchantOut


class ItemPage(Schema):
    items: list[ItemOut]
    count: int


class ItemQuery(PageQuery):
    merchant: Id | None = Field(None, description="Only this partner merchant's items")
    affordable: bool = Field(False, description="Only items the user's points cover")
    q: str = Field(
        "",
        max_length=50,
        description="Search: a merchant's name, address or description, or an item's name",
    )
    order: Literal["cost", "nearest"] = Field(
        "cost",
        description="cost: cheapest first; nearest: the merchants nearest the user's home "
        "first (as the points supermarket page), each merchant's items cheapest first",
    )


class PassOut(Schema):
    id: int
    token: str
    short_code: str
    issued_at: datetime.datetime
    expires_at: datetime.datetime
    balance: int


class RedemptionIn(Schema):
    code: str = Field(..., max_length=200, description="The scanned token or the short code")
    item: Id
    idempotency_key: str = Field(..., max_length=64, description="8–64 of A–Z a–z 0–9 . _ : -")


class RefundIn(Schema):
    reason: str = Field(..., max_length=200)


class NamedOut(Schema):
    id: int
    name: str


class RedemptionOut(Schema):
    number: str
    item: NamedOut
    merchant: NamedOut
    customer: str
    points: int
    status: str
    created_at: datetime.datetime
    refunded_at: datetime.datetime | None
    refund_reason: str

    @staticmethod
    def resolve_merchant(redemption) -> dict:
        return {"id": redemption.merchant_id, "name": redemption.merchant.organisation.name}

    @staticmethod
    def resolve_customer(redemption) -> str:
        return mask_name_to_greet(redemption.person.real_name)


@router.get("/items", response=ItemPage, summary="Reward items on offer")
def item_list(request, params: Query[ItemQuery]):
    balance = None
    person = own_person(request.user)
    if params.affordable:
        balance = points_balance(person) if person else 0
    merchants_in_order = None
    q = params.q.strip()
    if q or params.order == "nearest":
        merchants_in_order = [
            entry.pk
            for entry in selectors.catalogue_order(
                affordable_for=balance,
                search=q,
                home_path=person.home_place_path if person else "",
                home=home_point(person),
            )
        ]
    items = selectors.catalogue_items(
        merchant=params.merchant, affordable_for=balance, merchants_in_order=merchants_in_order
    )
    return {
        "items": list(items[params.offset : params.offset + params.limit]),
        "count": items.count(),
    }


@router.post("/passes", response={201: PassOut}, summary="Issue a one-time redemption pass")
def pass_create(request):
    issued = services.pass_issue(actor=request.user)
    return HttpStatus(
        201,
        {
            "id": issued.pk,
            "token": passes.token_for(issued),
            "short_code": issued.short_code,
            "issued_at": issued.issued_at,
            "expires_at": issued.expires_at,
            "balance": points_balance(issued.person),
        },
    )


@router.post(
    "/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut},
    summary="Redeem an item for a customer's pass (merchant staff)",
)
def redemption_create(request, payload: RedemptionIn):
    throttle.check("pass_code", request)
    item = selectors.reward_item(payload.item)
    result = services.redemption_redeem(
        actor=request.user,
        code=payload.code,
        item=item,
        idempotency_key=payload.idempotency_key,
    )
    redemption = selectors.redemption_get(request.user, result.redemption.number)
    return HttpStatus(201 if result.created else 200, redemption)


@router.post("/redemptions/{number}/refund", response=RedemptionOut, summary="Refund a redemption")
def redemption_refund(request, number: str, payload: RefundIn):
    redemption = selectors.redemption_get(request.user, number)
    services.redemption_refund(actor=request.user, redemption=redemption, reason=payload.reason)
    return selectors.redemption_get(request.user, number)
