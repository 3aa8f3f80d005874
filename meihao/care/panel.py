"""The complaint's panel on the engine's case page (cases.extensions.DetailPanel): the order it
is about, its provider and how the visit went (late, not arrived), with a link to the order,
where the community may refund it."""

from django.urls import reverse
from django.utils import timezone

from meihao.care.services.complaints import complaint_of
from meihao.cases.access import can_view
from meihao.cases.extensions import DetailPanel


def panel_context(case, user) -> dict:
    complaint = complaint_of(case)
    if complaint is None:
        return {"complaint": None}
    order = complaint.order
    return {
        "complaint": complaint,
        "order": order,
        "order_url": reverse("care:order", args=[order.case.number])
        if can_view(order.case, user)
        else "",
        "no_show": order.is_no_show(timezone.now()),
    }


COMPLAINT_PANEL = DetailPanel(template="care/_complaint_panel.html", context=panel_context)
