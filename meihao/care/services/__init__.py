"""Every write of home care: orders (services.orders), complaints about them
(services.complaints), providers and their staff (services.providers), money received for the
elders' own share (services.wallet)."""

from meihao.care.services.complaints import COMPLAINT_CODE, order_complain
from meihao.care.services.orders import (
    CANCELLABLE,
    CARE_CODE,
    care_type,
    dispatch_check,
    handling_limit,
    order_assign,
    order_cancel,
    order_check_in,
    order_check_out,
    order_confirm,
    order_help_call,
    order_of,
    order_pay,
    order_place,
    order_take,
    rating_effects,
)
from meihao.care.services.providers import (
    certificate_add,
    provider_register,
    staff_add,
)
from meihao.care.services.settlement import (
    order_refund,
    sample_draw,
    sample_record,
    settlement_open,
    settlement_settle,
)
from meihao.care.services.wallet import wallet_top_up

__all__ = [
    "CANCELLABLE",
    "CARE_CODE",
    "COMPLAINT_CODE",
    "care_type",
    "certificate_add",
    "dispatch_check",
    "handling_limit",
    "order_assign",
    "order_cancel",
    "order_check_in",
    "order_check_out",
    "order_complain",
    "order_confirm",
    "order_help_call",
    "order_of",
    "order_pay",
    "order_refund",
    "order_place",
    "order_take",
    "provider_register",
    "rating_effects",
    "sample_draw",
    "sample_record",
    "settlement_open",
    "settlement_settle",
    "staff_add",
    "wallet_top_up",
]
