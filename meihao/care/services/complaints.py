"""投诉: a complaint about the provider of an order. The elder, a family member acting for them,
or the community on their behalf (a complaint made by phone) files it; it becomes a COMPLAINT
case that the community's staff covering the elder's home take up on the engine, look into with
the provider and report back on, and that the complainant confirms. A complaint upheld may lead
to a refund (services.settlement.order_refund), decided on the order's page."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.care.models import CareOrder, Complaint
from meihao.care.services.orders import is_self_or_family
from meihao.cases.access import can_view
from meihao.cases.models import Case, CaseType
from meihao.cases.services import case_submit
from meihao.cases.services.step import case_record_event
from meihao.cases.states import TERMINAL_STATES
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import covers

COMPLAINT_CODE = "COMPLAINT"
COMPLAINT_MAX = 500
# Complaints are taken until this long after the service should have ended.
COMPLAINT_WINDOW = datetime.timedelta(days=30)


def may_complain(actor, order: CareOrder) -> bool:
    """The elder, a family member acting for them, or the care staff of their home, about an
    order a provider has taken, until COMPLAINT_WINDOW after the service."""
    if order.provider_id is None or timezone.now() > order.ends_at + COMPLAINT_WINDOW:
        return False
    return is_self_or_family(actor, order.elder) or covers(actor, order.place_path, ELDER_CARE)


def open_complaint(order: CareOrder) -> Complaint | None:
    return (
        Complaint.objects.filter(order=order)
        .exclude(case__status__in=TERMINAL_STATES)
        .select_related("case")
        .first()
    )


def order_complain(
    *, actor, order: CareOrder, text, idempotency_key: str | None = None
) -> Complaint:
    """File a complaint about `order`'s provider: a COMPLAINT case at the elder's home, for the
    community's staff, with the elder as its requester (their family may confirm the outcome).
    One complaint about an order is handled at a time."""
    if not can_view(order.case, actor):
        raise NotFound(_("No such order."))
    if not (is_self_or_family(actor, order.elder) or covers(actor, order.place_path, ELDER_CARE)):
        raise PermissionDenied(_("Only the elder, their family or the community may complain."))
    if order.provider_id is None:
        raise ValidationFailed(
            _("No provider has taken this order yet: cancel it if it is no longer needed."),
            code="not_taken",
        )
    if timezone.now() > order.ends_at + COMPLAINT_WINDOW:
        raise ValidationFailed(
            _("Complaints are taken within %(days)s days of the service.")
            % {"days": COMPLAINT_WINDOW.days},
            code="too_late",
        )
    text = clean_text(
        text, field="text", required=_("Say what went wrong."), max_length=COMPLAINT_MAX
    )
    with transaction.atomic():
        # The order's row is locked so that two complaints sent at once file one case.
        CareOrder.objects.select_for_update().filter(pk=order.pk).first()
        pending = open_complaint(order)
        if pending is not None:
            raise ValidationFailed(
                _("A complaint about this order is already being looked into: %(number)s.")
                % {"number": pending.case.number},
                code="complaint_open",
            )
        local = timezone.localtime(order.starts_at)
        case = case_submit(
            actor=actor,
            case_type=CaseType.objects.get(code=COMPLAINT_CODE),
            description=_("%(provider)s, %(service)s on %(day)s (%(number)s): %(text)s")
            % {
                "provider": order.provider.name,
                "service": order.service.name,
                "day": f"{local:%Y-%m-%d %H:%M}",
                "number": order.case.number,
                "text": text,
            },
            place=order.case.place,
            channel=Case.Channel.RESIDENT
            if is_self_or_family(actor, order.elder)
            else Case.Channel.COUNTER,
            reporter=order.elder.person,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        complaint = Complaint.objects.filter(case=case).first()
        if complaint is not None:
            return complaint  # the same complaint sent again
        complaint = Complaint.objects.create(
            case=case, order=order, provider_id=order.provider_id, place_path=order.place_path
        )
        case_record_event(case=order.case, actor=actor, action="complain", note=case.number)
    return complaint


def complaint_of(case: Case) -> Complaint | None:
    return (
        Complaint.objects.filter(case=case)
        .select_related("order__case", "order__service", "provider__organisation")
        .first()
    )
