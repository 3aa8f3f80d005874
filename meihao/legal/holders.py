"""Who works a consultation (cases.extensions.Holders): the legal advisors of the resident's
community while nobody has taken it, then the advisor who took it, alone. The place roles read
nothing of it (community staff count consultations, never read them); the resident reads their
own as its requester, confirms the answer (verifier) and may withdraw it (supervisor)."""

from django.db.models import Q

from meihao.cases.access import is_requester
from meihao.cases.extensions import VIEWER, Holders
from meihao.cases.states import DISPATCHER, HANDLER, SUPERVISOR, VERIFIER
from meihao.core.roles import Role
from meihao.core.scoping import covers, scope_q

ADVISORS = frozenset({Role.LEGAL_ADVISOR})


def advisor_q(user) -> Q:
    """The consultations `user` reads as an advisor, as a filter (pure SQL)."""
    return Q(assigned_user=user) | Q(assigned_user__isnull=True) & scope_q(
        user, path_field="place_path", roles=ADVISORS
    )


def _open_to(case, user) -> bool:
    return case.assigned_user_id is None and covers(user, case.place_path, ADVISORS)


def holds(case, user, who: str) -> bool:
    if who == VIEWER:
        return case.assigned_user_id == user.pk or _open_to(case, user)
    if who == HANDLER:
        return case.assigned_user_id == user.pk
    if who == DISPATCHER:  # turning away what is no legal question, before anyone takes it
        return _open_to(case, user)
    if who in (VERIFIER, SUPERVISOR):
        return is_requester(case, user)
    return False


CONSULTATION_HOLDERS = Holders(q=advisor_q, holds=holds)
