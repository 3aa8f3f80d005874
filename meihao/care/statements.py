"""A provider's monthly statement (结算单): read from the settlement once settled, computed from
the orders while the month is being checked; shown on its page, and downloaded as a PDF (A4,
the kit's Chinese font) and as an Excel workbook. Elders' names are masked in both."""

import datetime
import io
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from meihao.care.claims import staff_provider_ids
from meihao.care.models import CareOrder, Provider, SampleCheck, Settlement
from meihao.care.services.orders import yuan
from meihao.care.services.settlement import corrections_cents, month_figures, month_orders
from meihao.core.errors import NotFound
from meihao.core.excel import Bold, Sheet, workbook_bytes
from meihao.core.pdf import chinese_font
from meihao.core.pii import mask_name
from meihao.core.roles import OFFICIALS, SUPERVISORS
from meihao.core.scoping import covers, scope_q


@dataclass
class Statement:
    provider: Provider
    settlement: Settlement  # unsaved while nothing was done to the month yet
    orders: int
    price_cents: int
    voucher_cents: int
    own_cents: int
    corrections_cents: int
    disputes: int
    by_service: list = field(default_factory=list)

    @property
    def due_cents(self) -> int:
        return self.voucher_cents + self.corrections_cents

    @property
    def settled(self) -> bool:
        return self.settlement.status == Settlement.Status.SETTLED


def may_read(user, provider: Provider) -> bool:
    """The officials of the provider's place, and its own staff."""
    return (
        getattr(user, "is_superuser", False)
        or covers(user, provider.place_path, OFFICIALS)
        or provider.pk in staff_provider_ids(user)
    )


def may_settle(user, provider: Provider) -> bool:
    return getattr(user, "is_superuser", False) or covers(user, provider.place_path, SUPERVISORS)


def providers_with_statements(user):
    """The providers whose statements the user reads."""
    if not getattr(user, "is_authenticated", False):
        return Provider.objects.none()
    if user.is_superuser:
        return Provider.objects.all()
    return Provider.objects.filter(
        scope_q(user, path_field="place_path", roles=OFFICIALS)
        | Q(pk__in=sorted(staff_provider_ids(user)))
    )


def provider_for_statement(user, pk) -> Provider:
    provider = providers_with_statements(user).select_related("organisation").filter(pk=pk).first()
    if provider is None:
        raise NotFound()
    return provider


def statement_of(provider: Provider, month: datetime.date) -> Statement:
    settlement = Settlement.objects.filter(provider=provider, month=month).first() or Settlement(
        provider=provider, month=month
    )
    orders = month_orders(provider, month)
    if settlement.status == Settlement.Status.SETTLED:
        orders = CareOrder.objects.filter(settlement=settlement)
        figures = {
            "orders": settlement.orders_count,
            "price": settlement.price_cents,
            "vouchers": settlement.voucher_cents,
            "own": settlement.own_cents,
        }
        corrections = settlement.corrections_cents
    else:
        figures = month_figures(provider, month)
        corrections = corrections_cents(settlement) if settlement.pk else 0
    by_service = list(
        orders.values("service__name")
        .annotate(n=Count("pk"), price=Sum("price_cents"), vouchers=Sum("voucher_cents"))
        .order_by("-n", "service__name")
    )
    disputes = (
        settlement.sample_checks.filter(finding=SampleCheck.Finding.DISCREPANCY).count()
        if settlement.pk
        else 0
    )
    return Statement(
        provider=provider,
        settlement=settlement,
        orders=figures["orders"],
        price_cents=figures["price"],
        voucher_cents=figures["vouchers"],
        own_cents=figures["own"],
        corrections_cents=corrections,
        disputes=disputes,
        by_service=by_service,
    )


def statement_orders(statement: Statement):
    """The statement's orders, oldest first, with what the lines show."""
    settlement = statement.settlement
    if statement.settled:
        orders = CareOrder.objects.filter(settlement=settlement)
    else:
        orders = month_orders(statement.provider, settlement.month)
    return orders.select_related("case", "service", "elder__person", "staff__person").order_by(
        "starts_at", "pk"
    )


def _line(order: CareOrder) -> list:
    return [
        order.case.number,
        f"{timezone.localtime(order.starts_at):%Y-%m-%d %H:%M}",
        order.service.name,
        mask_name(order.elder.person.real_name),
        order.staff.person.real_name if order.staff_id else "",
        yuan(order.price_cents),
        yuan(order.voucher_cents),
        yuan(order.own_cents),
        order.score or "",
    ]


def _headers() -> list:
    return [
        _("Number"),
        _("Time"),
        _("Service"),
        _("Elder"),
        _("Staff"),
        _("Price (¥)"),
        _("Vouchers (¥)"),
        _("Own money (¥)"),
        _("Rating"),
    ]


def _summary(statement: Statement) -> list[tuple[str, str]]:
    return [
        (_("Orders served"), str(statement.orders)),
        (_("Total price"), f"¥{yuan(statement.price_cents)}"),
        (_("Paid by vouchers"), f"¥{yuan(statement.voucher_cents)}"),
        (_("Paid by the elders"), f"¥{yuan(statement.own_cents)}"),
        (_("Corrections"), f"¥{yuan(-statement.corrections_cents)}"),
        (_("Due from the district"), f"¥{yuan(statement.due_cents)}"),
        (_("Disputes found by the call-backs"), str(statement.disputes)),
        (_("Status"), str(statement.settlement.get_status_display())),
    ]


def statement_workbook(statement: Statement) -> bytes:
    month = statement.settlement.month
    summary = [
        [statement.provider.name],
        [_("Month"), f"{month:%Y-%m}"],
        [],
        *([label, value] for label, value in _summary(statement)),
        [],
        Bold([_("Service"), _("Orders"), _("Price (¥)"), _("Vouchers (¥)")]),
        *(
            [row["service__name"], row["n"], yuan(row["price"]), yuan(row["vouchers"])]
            for row in statement.by_service
        ),
    ]
    lines = (_line(order) for order in statement_orders(statement).iterator())
    return workbook_bytes(
        [
            Sheet(_("Summary"), summary, widths=(30, 16, 12, 12)),
            Sheet(
                _("Orders"), lines, header=_headers(), widths=(18, 18, 16, 10, 10, 10, 10, 10, 8)
            ),
        ]
    )


MARGIN = 16 * mm
LINE = 5.4 * mm
COLUMNS = (0, 34, 62, 92, 110, 128, 146, 164)  # mm from the margin: the order lines' columns


def statement_pdf(statement: Statement) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    month = statement.settlement.month
    title = _("Settlement statement")
    page.setTitle(title)
    page.setSubject(f"{statement.provider.name} {month:%Y-%m}")
    page.setFont(font, 16)
    page.drawCentredString(width / 2, height - 22 * mm, title)
    page.setFont(font, 11)
    page.drawCentredString(
        width / 2, height - 29 * mm, f"{statement.provider.name} · {month:%Y-%m}"
    )
    y = height - 40 * mm
    for label, value in _summary(statement):
        page.drawString(MARGIN, y, label)
        page.drawRightString(MARGIN + 110 * mm, y, value)
        y -= LINE
    y -= LINE
    headers = _headers()[:8]
    page.setFont(font, 8)

    def header_row(y):
        for x, text in zip(COLUMNS, headers, strict=True):
            page.drawString(MARGIN + x * mm, y, text)
        page.line(MARGIN, y - 1.5 * mm, width - MARGIN, y - 1.5 * mm)
        return y - LINE

    y = header_row(y)
    for order in statement_orders(statement).iterator():
        if y < MARGIN:
            page.showPage()
            page.setFont(font, 8)
            y = header_row(height - MARGIN)
        for x, text in zip(COLUMNS, _line(order)[:8], strict=True):
            page.drawString(MARGIN + x * mm, y, str(text))
        y -= LINE * 0.85
    page.showPage()
    page.save()
    return buffer.getvalue()


@dataclass
class MonthRow:
    provider_id: int
    orders: int
    price_cents: int
    voucher_cents: int
    own_cents: int
    status: str


def month_statements(user, month: datetime.date) -> list[MonthRow]:
    """Every provider's month the user reads, in one grouped aggregate over the orders (the
    providers with orders paid in it), with its settlement's status; most vouchers first. The
    providers' names are the page's to load (`name_rows`): a city has tens of thousands."""
    # The scope on the joined provider (joined for its name anyway), not a list of providers.
    scope = (
        Q()
        if getattr(user, "is_superuser", False)
        else scope_q(user, path_field="provider__place_path", roles=OFFICIALS)
        | Q(provider_id__in=sorted(staff_provider_ids(user)))
    )
    rows = (
        CareOrder.objects.filter(scope, month=month, paid_at__isnull=False, case__status="closed")
        .values("provider_id")
        .annotate(
            n=Count("pk"),
            price=Sum("price_cents"),
            vouchers=Sum("voucher_cents"),
            own=Sum("own_cents"),
        )
        .order_by("-vouchers", "provider_id")
    )
    statuses = dict(
        Settlement.objects.filter(scope, month=month).values_list("provider_id", "status")
    )
    return [
        MonthRow(
            provider_id=row["provider_id"],
            orders=row["n"],
            price_cents=row["price"],
            voucher_cents=row["vouchers"],
            own_cents=row["own"],
            status=statuses.get(row["provider_id"], Settlement.Status.OPEN),
        )
        for row in rows
    ]


def name_rows(rows) -> None:
    """Give the month's rows on a page their providers' names, in one query."""
    names = dict(
        Provider.objects.filter(pk__in=[r.provider_id for r in rows]).values_list(
            "pk", "organisation__name"
        )
    )
    for row in rows:
        row.name = names.get(row.provider_id, "")
