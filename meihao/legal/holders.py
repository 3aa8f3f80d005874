"""Who works a consultation (cases.extensions.Holders, a `cases.pool.RolePool` of the legal
advisors): the advisors of the resident's community while nobody has taken it, then the advisor
who took it, alone. The place roles read nothing of it (community staff count consultations,
never read them); the resident reads their own as its requester, confirms the answer
(verifier) and may withdraw it (supervisor)."""

from django.db.models import Q

from meihao.cases.extensions import VIEWER, ActingFor, Holders
from meihao.cases.pool import RolePool
from meihao.cases.states import DISPATCHER, HANDLER, SUPERVISOR, VERIFIER
from meihao.core.roles import Role
from meihao.core.scoping import covers, scope_q

ADVISORS = frozenset({Role.LEGAL_ADVISOR})
ADVISOR_POOL = RolePool(ADVISORS)
advisor_q = ADVISOR_POOL.q
CONSULTATION_HOLDERS = ADVISOR_POOL.holders()


# --- disputes --------------------------------------------------------------------------------
# A dispute is held like a consultation by the advisors (its mediator once taken), and also by
# the staff who took it in (they follow it up) and, once flagged major, by the street's
# supervisors it was escalated to. Its parties who are registered residents read it as their
# own (cases.extensions.ActingFor): in the citizens' words, and confirming nothing.
STREET = frozenset({Role.STREET_CHIEF, Role.DISTRICT_ADMIN})


def dispute_q(user) -> Q:
    return advisor_q(user) | Q(dispute__major=True) & scope_q(
        user, path_field="place_path", roles=STREET
    )


def _escalated_to(case, user) -> bool:
    return case.dispute.major and covers(user, case.place_path, STREET)


def _took_it_in(case, user) -> bool:
    return case.submitted_by_id == user.pk


def dispute_holds(case, user, who: str) -> bool:
    if who == VIEWER:
        return (
            case.assigned_user_id == user.pk
            or ADVISOR_POOL.open_to(case, user)
            or _took_it_in(case, user)
            or _escalated_to(case, user)
        )
    if who == HANDLER:
        return case.assigned_user_id == user.pk
    if who == DISPATCHER:
        return ADVISOR_POOL.open_to(case, user)
    if who == VERIFIER:  # the follow-up visit (回访): the mediator or the staff who took it in
        return case.assigned_user_id == user.pk or _took_it_in(case, user)
    if who == SUPERVISOR:
        return _took_it_in(case, user) or _escalated_to(case, user)
    return False


DISPUTE_HOLDERS = Holders(q=dispute_q, holds=dispute_holds)


def _party_cases(user):
    from meihao.legal.models import DisputeParty

    return DisputeParty.objects.filter(person__user_id=user.pk).values("dispute__case_id")


def party_case_ids(user) -> frozenset[int]:
    cached = getattr(user, "_meihao_dispute_cases", None)
    if cached is None:
        cached = frozenset(_party_cases(user).values_list("dispute__case_id", flat=True))
        user._meihao_dispute_cases = cached
    return cached


PARTIES = ActingFor(
    q=lambda user: Q(pk__in=_party_cases(user)),
    acts=lambda case, user: case.pk in party_case_ids(user),
)
