"""Holders (cases.extensions.Holders) of a type claimed from a pool by the holders of a role
covering the case's place — a legal advisor's consultations, a counsellor's appointments: the
role's holders covering the place while nobody has taken the case, then the one who took it,
alone. The place roles read nothing of it; the requester reads their own, confirms (verifier)
and may withdraw (supervisor)."""

from dataclasses import dataclass

from django.db.models import Q

from meihao.cases.access import is_requester
from meihao.cases.extensions import VIEWER, Holders
from meihao.cases.states import DISPATCHER, HANDLER, SUPERVISOR, VERIFIER
from meihao.core.scoping import covers, scope_q


@dataclass(frozen=True)
class RolePool:
    roles: frozenset

    def q(self, user) -> Q:
        """The cases `user` reads as one of the role's holders, as a filter (pure SQL)."""
        return Q(assigned_user=user) | Q(assigned_user__isnull=True) & scope_q(
            user, path_field="place_path", roles=self.roles
        )

    def open_to(self, case, user) -> bool:
        return case.assigned_user_id is None and covers(user, case.place_path, self.roles)

    def holds(self, case, user, who: str) -> bool:
        if who == VIEWER:
            return case.assigned_user_id == user.pk or self.open_to(case, user)
        if who == HANDLER:
            return case.assigned_user_id == user.pk
        if who == DISPATCHER:  # turning away what is not theirs, before anyone takes it
            return self.open_to(case, user)
        if who in (VERIFIER, SUPERVISOR):
            return is_requester(case, user)
        return False

    def holders(self) -> Holders:
        return Holders(q=self.q, holds=self.holds)
