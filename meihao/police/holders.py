"""Who works a tip (cases.extensions.Holders): the officer it was routed to, alone — they are
its handler, verifier and supervisor (the reporter may also withdraw it). No place role reads
it: community staff, grid workers and other residents never see a tip, and the police of the
area see it only on the command view, without the reporter (police.selectors). The reporter
reads their own as its requester, in words that say nothing of what the police did
(police.vocabulary)."""

from django.db.models import Q

from meihao.cases.access import is_requester
from meihao.cases.extensions import VIEWER, Holders
from meihao.cases.states import HANDLER, SUPERVISOR, VERIFIER


def officer_q(user) -> Q:
    return Q(assigned_user=user)


def holds(case, user, who: str) -> bool:
    if who in (VIEWER, HANDLER, VERIFIER):
        return case.assigned_user_id == user.pk
    if who == SUPERVISOR:  # the reporter may withdraw their own tip
        return case.assigned_user_id == user.pk or is_requester(case, user)
    return False


TIP_HOLDERS = Holders(q=officer_q, holds=holds)
