"""The petition's panel on the engine's case page (cases.extensions.DetailPanel): its title and
kind, the query code for the petitioner, and the petition's own forms for its dispatchers —
decline it to its proper channel, merge it into the same petition, publish its answer."""

from meihao.cases.access import case_abilities, holds, is_requester
from meihao.cases.extensions import DetailPanel
from meihao.cases.states import DISPATCHER, Status
from meihao.petitions.models import Channel, Petition
from meihao.petitions.selectors import last_note


def panel_context(case, user) -> dict:
    petition = Petition.objects.filter(case=case).first()
    if petition is None:
        return {"petition": None}
    abilities = case_abilities(case, user)
    dispatcher = holds(case, user, DISPATCHER)
    closed = case.status == Status.CLOSED
    return {
        "petition": petition,
        "petitioner": is_requester(case, user),
        "may_decline": abilities["reject"],
        "may_merge": abilities["merge"],
        "channels": Channel.choices,
        "may_publish": dispatcher and closed and petition.publish_consent,
        "reply": last_note(case, "report_back") if closed and dispatcher else "",
    }


PETITION_PANEL = DetailPanel(template="petitions/_panel.html", context=panel_context)
