"""Every write of the rewards app: partner merchants, items and stock, passes, redemptions.

A redemption is one transaction: the pass is consumed by a conditional UPDATE (unused and not
expired), the item's stock by another (stock > 0), the points move by `ledger_transfer` (its
own conditional UPDATE, balance >= cost), and the redemption row is written; if any step is
refused, the transaction rolls back and nothing at all has changed. Locks are always taken in
the same order — the pass (or, for a refund, the redemption), then the item, then the ledger's
accounts in id order — so redemptions and refunds cannot deadlock. The per-person limit is
counted under the item's row lock. The person's account is locked only by the ledger's own
UPDATE, from the debit to the commit (a few statements), and a redemption the points cannot
cover is refused before taking any lock.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.idempotency import IdempotencyKeyReused
from meihao.core.inputs import clean_text
from meihao.ledger.models import Transfer, Unit
from meihao.ledger.services import (
    InsufficientBalance,
    account_for_organisation,
    ledger_reverse,
    ledger_transfer,
)
from meihao.people.models import Organisation
from meihao.people.selectors import own_person
from meihao.rewards import passes, selectors
from meihao.rewards.models import PartnerMerchant, Redemption, RedemptionPass, RewardItem

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
MAX_POINTS_COST = 1_000_000
MAX_STOCK = 1_000_000


def _ability(user, merchant: PartnerMerchant, ability: str) -> None:
    abilities = selectors.merchant_abilities(user, merchant)
    if not abilities["view"]:
        raise NotFound()
    if not abilities[ability]:
        raise PermissionDenied()


# ---------------------------------------------------------------------------------------------
# Merchants


def _clean_coordinates(lat, lon) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), field="lat")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationFailed(_("The coordinates are outside the map."), field="lat")
    return float(lat), float(lon)


def _merchant_fields(**fields) -> dict:
    lat, lon = _clean_coordinates(fields.get("lat"), fields.get("lon"))
    return {
        "description": clean_text(fields.get("description"), field="description", max_length=2000),
        "address": clean_text(fields.get("address"), field="address", max_length=200),
        "opening_hours": clean_text(
            fields.get("opening_hours"), field="opening_hours", max_length=200
        ),
        "lat": lat,
        "lon": lon,
        "is_active": bool(fields.get("is_active", True)),
        "red_armband_alliance": bool(fields.get("red_armband_alliance", False)),
        "joined_on": fields.get("joined_on") or timezone.localdate(),
    }


@transaction.atomic
def partner_merchant_create(*, actor, organisation: Organisation, **fields) -> PartnerMerchant:
    """Make a merchant organisation in the actor's places a partner that honours points."""
    if not selectors.may_manage_merchants(actor):
        raise NotFound()
    if organisation is None or organisation.kind != Organisation.Kind.MERCHANT:
        raise ValidationFailed(_("Choose a merchant."), field="organisation")
    if not selectors.merchant_candidates(actor).filter(pk=organisation.pk).exists():
        if PartnerMerchant.objects.filter(organisation=organisation).exists():
            raise ValidationFailed(
                _("This merchant is already a partner."),
                code="already_partner",
                field="organisation",
            )
        raise ValidationFailed(_("Choose a merchant in your area."), field="organisation")
    values = _merchant_fields(**fields)
    if not values["address"]:
        values["address"] = organisation.address
    merchant = PartnerMerchant.objects.create(
        organisation=organisation, place_path=organisation.place_path, **values
    )
    audit_change(actor=actor, action="rewards.merchant_create", target=merchant)
    return merchant


@transaction.atomic
def partner_merchant_update(*, actor, merchant: PartnerMerchant, **fields) -> PartnerMerchant:
    _ability(actor, merchant, "edit")
    values = _merchant_fields(**fields)
    changes = audit_changes(merchant, values)
    if changes:
        PartnerMerchant.objects.filter(pk=merchant.pk).update(**values, updated_at=timezone.now())
        for name, value in values.items():
            setattr(merchant, name, value)
        audit_change(
            actor=actor, action="rewards.merchant_update", target=merchant, changes=changes
        )
    return merchant


# ---------------------------------------------------------------------------------------------
# Items and stock


def _whole(value, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(_("Enter a whole number."), field=field)
    if not minimum <= value <= maximum:
        raise ValidationFailed(
            _("Enter a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum},
            field=field,
        )
    return value


def _item_fields(*, name, description, points_cost, limit_per_person, is_active) -> dict:
    return {
        "name": clean_text(
            name, field="name", max_length=100, required=_("This field is required.")
        ),
        "description": clean_text(description, field="description", max_length=500),
        "points_cost": _whole(points_cost, field="points_cost", minimum=1, maximum=MAX_POINTS_COST),
        "limit_per_person": None
        if limit_per_person is None
        else _whole(limit_per_person, field="limit_per_person", minimum=1, maximum=MAX_STOCK),
        "is_active": bool(is_active),
    }


@transaction.atomic
def reward_item_create(
    *,
    actor,
    merchant: PartnerMerchant,
    name: str,
    points_cost: int,
    stock: int = 0,
    description: str = "",
    limit_per_person: int | None = None,
    is_active: bool = True,
) -> RewardItem:
    _ability(actor, merchant, "edit_items")
    values = _item_fields(
        name=name,
        description=description,
        points_cost=points_cost,
        limit_per_person=limit_per_person,
        is_active=is_active,
    )
    stock = _whole(stock, field="stock", minimum=0, maximum=MAX_STOCK)
    item = RewardItem.objects.create(merchant=merchant, stock=stock, **values)
    audit_change(
        actor=actor,
        action="rewards.item_create",
        target=item,
        changes={"points_cost": [None, str(item.points_cost)], "stock": [None, str(stock)]},
    )
    return item


@transaction.atomic
def reward_item_update(
    *,
    actor,
    item: RewardItem,
    name: str,
    points_cost: int,
    description: str = "",
    limit_per_person: int | None = None,
    is_active: bool = True,
) -> RewardItem:
    """Change an item's name, price, limit or whether it is offered. Stock moves only through
    `reward_item_restock`, so an edit never overwrites redemptions made meanwhile."""
    _ability(actor, item.merchant, "edit_items")
    values = _item_fields(
        name=name,
        description=description,
        points_cost=points_cost,
        limit_per_person=limit_per_person,
        is_active=is_active,
    )
    changes = audit_changes(item, values)
    if changes:
        RewardItem.objects.filter(pk=item.pk).update(**values, updated_at=timezone.now())
        for name_, value in values.items():
            setattr(item, name_, value)
        audit_change(actor=actor, action="rewards.item_update", target=item, changes=changes)
    return item


@transaction.atomic
def reward_item_restock(*, actor, item: RewardItem, change: int) -> RewardItem:
    """Add (delivery) or take away (breakage, count correction) stock. A relative change, by a
    conditional UPDATE, so redemptions at the counter meanwhile are never overwritten."""
    _ability(actor, item.merchant, "restock")
    change = _whole(change, field="change", minimum=-MAX_STOCK, maximum=MAX_STOCK)
    if change == 0:
        raise ValidationFailed(_("Enter how many to add or take away."), field="change")
    items = RewardItem.objects.filter(pk=item.pk, stock__gte=max(0, -change))
    if items.update(stock=F("stock") + change, updated_at=timezone.now()) != 1:
        item.refresh_from_db(fields=["stock"])
        raise ValidationFailed(
            _("Only %(stock)s in stock: cannot take away %(n)s.")
            % {"stock": item.stock, "n": -change},
            field="change",
        )
    item.refresh_from_db(fields=["stock", "updated_at"])
    audit_change(
        actor=actor,
        action="rewards.item_restock",
        target=item,
        changes={"stock": [str(item.stock - change), str(item.stock)]},
    )
    return item


# ---------------------------------------------------------------------------------------------
# Passes


def pass_issue(*, actor) -> RedemptionPass:
    """A new one-time pass for the actor, valid for two minutes. Earlier passes stay valid
    until they expire (a customer may hold a code at two counters at once)."""
    person = own_person(actor)
    if person is None:
        raise NotFound(_("Your log-in has no resident record: ask your community to add one."))
    now = timezone.now()
    # A clash of random codes is astronomically rare; try again rather than fail.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return RedemptionPass.objects.create(
                    person=person,
                    nonce=passes.new_nonce(),
                    short_code=passes.new_short_code(),
                    issued_at=now,
                    expires_at=now + passes.PASS_LIFETIME,
                )
        except IntegrityError:
            continue
    raise ValidationFailed(_("Could not make a code just now. Try again."))


def passes_purge(*, older_than=datetime.timedelta(days=1)) -> int:
    """Delete passes that expired unused more than `older_than` ago (a resident makes one each
    time they open the code page); used passes stay with their redemptions."""
    cutoff = timezone.now() - older_than
    deleted, _rows = RedemptionPass.objects.filter(
        used_at__isnull=True, expires_at__lt=cutoff
    ).delete()
    return deleted


# ---------------------------------------------------------------------------------------------
# Redemptions


@dataclass(frozen=True)
class RedeemResult:
    redemption: Redemption
    created: bool


def _replayed(idempotency_key: str, item: RewardItem) -> Redemption | None:
    """The redemption already made under this key (a retried confirm), if any."""
    existing = Redemption.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.item_id != item.pk:
        raise IdempotencyKeyReused(
            _("This confirmation was already used for another item. Start again.")
        )
    return existing


def redemption_redeem(*, actor, code: str, item: RewardItem, idempotency_key: str) -> RedeemResult:
    """Redeem `item` for the customer whose pass `code` is (a scanned token or a typed short
    code), at the counter of the item's merchant. The same idempotency key again returns the
    redemption made the first time; any refusal leaves everything as it was."""
    _ability(actor, item.merchant, "redeem")
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        raise ValidationFailed(
            _("The confirmation is incomplete. Start again."), field="idempotency_key"
        )
    existing = _replayed(idempotency_key, item)
    if existing is not None:
        return RedeemResult(existing, created=False)
    redemption_pass = passes.find_pass(code)
    now = timezone.now()
    passes.check_live(redemption_pass, now)
    if not item.is_active:
        raise ValidationFailed(_("This item is no longer offered."), field="item")
    # Refused before any lock when the points are already short (a person who never earned
    # any has no account, and none is opened); when they look enough, the ledger's conditional
    # UPDATE decides.
    source = selectors.points_account(redemption_pass.person)
    if source is None or source.balance < item.points_cost:
        raise InsufficientBalance(
            _("Not enough points: the customer has %(balance)s, the item costs %(cost)s.")
            % {"balance": source.balance if source else 0, "cost": item.points_cost}
        )
    target = account_for_organisation(item.merchant.organisation, Unit.POINTS)
    try:
        with transaction.atomic():
            return _redeem(actor, redemption_pass, item, idempotency_key, now, source, target)
    except IntegrityError:
        # The same key committed by a concurrent confirm between our check and our insert.
        existing = _replayed(idempotency_key, item)
        if existing is None:
            raise
        return RedeemResult(existing, created=False)


def _redeem(actor, redemption_pass, item, idempotency_key, now, source, target) -> RedeemResult:
    consumed = RedemptionPass.objects.filter(
        pk=redemption_pass.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if consumed != 1:
        # Lost to a concurrent confirm: the same one (return its redemption) or another.
        existing = _replayed(idempotency_key, item)
        if existing is not None:
            return RedeemResult(existing, created=False)
        redemption_pass.refresh_from_db(fields=["used_at"])
        passes.check_live(redemption_pass, now)
        raise ValidationFailed(_("This code has already been used."), code="pass_used")
    taken = RewardItem.objects.filter(pk=item.pk, is_active=True, stock__gt=0).update(
        stock=F("stock") - 1
    )
    if taken != 1:
        raise ValidationFailed(_("This item is out of stock."), code="out_of_stock", field="item")
    person = redemption_pass.person
    if item.limit_per_person is not None:
        # The stock UPDATE holds the item's row lock until commit, so redemptions of this item
        # are counted one at a time, each seeing those committed before it.
        held = selectors.redeemed_counts(person, [item.pk]).get(item.pk, 0)
        if held >= item.limit_per_person:
            raise ValidationFailed(
                _("This customer has already redeemed %(n)s of this item, the most allowed.")
                % {"n": held},
                code="over_limit",
                field="item",
            )
    transfer = ledger_transfer(
        actor=actor,
        source=source,
        target=target,
        amount=item.points_cost,
        idempotency_key=f"redemption:{idempotency_key}",
        kind=Transfer.Kind.REDEMPTION,
        memo=f"{item.name} · {item.merchant.organisation.name}",
    )
    redemption = Redemption.objects.create(
        redemption_pass=redemption_pass,
        item=item,
        person=person,
        merchant=item.merchant,
        points=item.points_cost,
        transfer=transfer,
        scanned_by=actor,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    audit_change(
        actor=actor,
        action="rewards.redeem",
        target=redemption,
        changes={"points": [None, str(item.points_cost)], "item": [None, item.name]},
    )
    return RedeemResult(redemption, created=True)


def redemption_refund(*, actor, redemption: Redemption, reason: str) -> Redemption:
    """Give the points back and the item back to stock, once. The ledger keeps both transfers
    (the redemption and its refund, which reverses it)."""
    _ability(actor, redemption.merchant, "refund")
    reason = clean_text(reason, field="reason", max_length=200)
    if not reason:
        raise ValidationFailed(_("Give a reason for the refund."), field="reason")
    with transaction.atomic():
        locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if locked.status != Redemption.Status.COMPLETED:
            raise ValidationFailed(
                _("This redemption has already been refunded."), code="already_refunded"
            )
        RewardItem.objects.filter(pk=locked.item_id).update(stock=F("stock") + 1)
        refund = ledger_reverse(
            actor=actor, transfer=locked.transfer, reason=reason, kind=Transfer.Kind.REFUND
        )
        now = timezone.now()
        Redemption.objects.filter(pk=locked.pk).update(
            status=Redemption.Status.REFUNDED,
            refund_transfer=refund,
            refunded_at=now,
            refunded_by=actor,
            refund_reason=reason,
        )
        audit_change(
            actor=actor,
            action="rewards.refund",
            target=locked,
            changes={"status": [Redemption.Status.COMPLETED, Redemption.Status.REFUNDED]},
        )
    redemption.refresh_from_db()
    return redemption
