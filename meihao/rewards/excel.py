"""A merchant's monthly statement as an Excel workbook, for settlement."""

from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # for the views
from meihao.core.excel import Bold, Sheet, workbook_bytes
from meihao.core.pii import mask_name_to_greet
from meihao.rewards.models import Redemption
from meihao.rewards.selectors import MerchantStatement


def statement_workbook(statement: MerchantStatement, redemptions) -> bytes:
    """Two sheets: the month's totals and per-item figures, then every redemption made or
    refunded in the month (customers' names masked)."""
    month = timezone.localtime(statement.since)
    summary = [
        [statement.merchant.organisation.name],
        [_("Month"), f"{month:%Y-%m}"],
        [],
        Bold([_("Figure"), _("Count"), _("Points")]),
        [_("Redeemed"), statement.redeemed_count, statement.points_received],
        [_("Refunds"), statement.refunded_count, -statement.points_refunded],
        [_("Net for settlement"), "", statement.net_points],
        [],
        Bold([_("Item"), _("Count"), _("Points")]),
        *([row["item__name"], row["n"], row["points"]] for row in statement.by_item),
    ]
    detail = (
        [
            redemption.number,
            f"{timezone.localtime(redemption.created_at):%Y-%m-%d %H:%M}",
            redemption.item.name,
            mask_name_to_greet(redemption.person.real_name),
            redemption.points,
            str(Redemption.Status(redemption.status).label),
            f"{timezone.localtime(r):%Y-%m-%d %H:%M}" if (r := redemption.refunded_at) else "",
            redemption.refund_reason,
        ]
        for redemption in redemptions
    )
    return workbook_bytes(
        [
            Sheet(_("Summary"), summary, widths=(28, 12, 12)),
            Sheet(
                _("Redemptions"),
                detail,
                header=[_("Number"), _("Time"), _("Item"), _("Customer"), _("Points")]
                + [_("Status"), _("Refunded at"), _("Refund reason")],
                widths=(12, 18, 24, 10, 10, 10, 18, 30),
            ),
        ]
    )
