"""The rectification's panel on the engine's case page (cases.extensions.DetailPanel): the
rating behind it and the case rated, the appeal form for the body rated and the review form for
the district."""

from meihao.cases.access import holds
from meihao.cases.extensions import DetailPanel, detail_url
from meihao.cases.states import HANDLER, TERMINAL_STATES
from meihao.ratings.models import AppealStatus, Rectification
from meihao.ratings.services import may_review


def panel_context(case, user) -> dict:
    rectification = (
        Rectification.objects.filter(case=case)
        .select_related("rating", "rated_case__case_type")
        .first()
    )
    if rectification is None:
        return {"rectification": None}
    open_ = case.status not in TERMINAL_STATES
    return {
        "rectification": rectification,
        "rated_url": detail_url(rectification.rated_case),
        "may_appeal": open_ and not rectification.appeal_status and holds(case, user, HANDLER),
        "may_review": open_
        and rectification.appeal_status == AppealStatus.PENDING
        and may_review(case, user),
    }


RECTIFICATION_PANEL = DetailPanel(template="ratings/_panel.html", context=panel_context)
