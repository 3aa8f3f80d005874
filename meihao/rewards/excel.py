"""A merchant's monthly statement as an Excel workbook, for settlement."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from meihao.core.pii import mask_name_to_greet
from meihao.rewards.models import Redemption
from meihao.rewards.selectors import MerchantStatement

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(sheet, labels, widths) -> None:
    sheet.append([str(label) for label in labels])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", widths, strict=False):
        sheet.column_dimensions[letter].width = width


def statement_workbook(statement: MerchantStatement, redemptions) -> bytes:
    """Two sheets: the month's totals and per-item figures, then every redemption made or
    refunded in the month (customers' names masked)."""
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    month = timezone.localtime(statement.since)
    summary.append([statement.merchant.organisation.name])
    summary.append([_("Month"), f"{month:%Y-%m}"])
    summary.append([])
    _header(summary, [_("Figure"), _("Count"), _("Points")], [28, 12, 12])
    summary.append([_("Redeemed"), statement.redeemed_count, statement.points_received])
    summary.append([_("Refunds"), statement.refunded_count, -statement.points_refunded])
    summary.append([_("Net for settlement"), "", statement.net_points])
    summary.append([])
    _header(summary, [_("Item"), _("Count"), _("Points")], [28, 12, 12])
    for row in statement.by_item:
        summary.append([row["item__name"], row["n"], row["points"]])

    detail = book.create_sheet(_("Redemptions")[:31])
    _header(
        detail,
        [_("Number"), _("Time"), _("Item"), _("Customer"), _("Points"), _("Status")]
        + [_("Refunded at"), _("Refund reason")],
        [12, 18, 24, 10, 10, 10, 18, 30],
    )
    for redemption in redemptions:
        refunded = redemption.refunded_at
        detail.append(
            [
                redemption.number,
                f"{timezone.localtime(redemption.created_at):%Y-%m-%d %H:%M}",
                redemption.item.name,
                mask_name_to_greet(redemption.person.real_name),
                redemption.points,
                str(Redemption.Status(redemption.status).label),
                f"{timezone.localtime(refunded):%Y-%m-%d %H:%M}" if refunded else "",
                redemption.refund_reason,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
