"""Money in: what the community records as paid for an elder's own share of care."""

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from meihao.care.services.orders import may_order_for
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import covers
from meihao.eldercare.models import Elder
from meihao.ledger.models import Transfer, Unit
from meihao.ledger.services import account_for_person, district_issuer, ledger_transfer


@transaction.atomic
def wallet_top_up(*, actor, elder: Elder, cents, receipt: str, paid_by: str = "") -> Transfer:
    """Record money received for the elder's own share (cash or a transfer at the community
    counter, by the elder or a family member): it goes into the elder's account. `receipt` is
    the receipt's number, which also makes recording it twice harmless."""
    if not covers(actor, elder.place_path, ELDER_CARE):
        if may_order_for(actor, elder):
            raise PermissionDenied(_("Top-ups are recorded by the community when it is paid."))
        raise NotFound(_("No such elder."))
    if isinstance(cents, bool) or not isinstance(cents, int) or not 0 < cents <= 10_000_00:
        raise ValidationFailed(_("Enter an amount from ¥0.01 to ¥10,000."), field="amount")
    receipt = clean_text(receipt, field="receipt", max_length=40, required=True)
    paid_by = clean_text(paid_by, field="paid_by", max_length=40)
    return ledger_transfer(
        actor=actor,
        source=district_issuer(elder.person.home_place, Unit.CENTS),
        target=account_for_person(elder.person, Unit.CENTS),
        amount=cents,
        idempotency_key=f"care-top-up:{elder.pk}:{receipt_key(receipt)}",
        kind=Transfer.Kind.TOP_UP,
        cause=elder,
        memo=f"{receipt} {paid_by}".strip(),
    )


def receipt_key(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()[:24]
