"""A family member acting for an elder is, to the engine, the requester of the elder's visits
and care orders (cases.extensions.ActingFor): they see them, confirm and rate them, while the
elder's consent stands (`FamilyLink.ended_at` empty)."""

from django.db.models import Q

from meihao.cases.extensions import ActingFor
from meihao.eldercare.models import FamilyLink


def _links(user):
    return FamilyLink.objects.filter(user_id=user.pk, ended_at__isnull=True)


def acted_person_ids(user) -> frozenset[int]:
    """The persons (elders) `user` acts for, loaded once per request."""
    cached = getattr(user, "_meihao_acted_for", None)
    if cached is None:
        cached = frozenset(_links(user).values_list("elder__person_id", flat=True))
        user._meihao_acted_for = cached
    return cached


def _q(user) -> Q:
    # Pure SQL: a subquery, part of every Case.objects.visible_to.
    return Q(reporter_id__in=_links(user).values("elder__person_id"))


def _acts(case, user) -> bool:
    return case.reporter_id is not None and case.reporter_id in acted_person_ids(user)


family_acting_for = ActingFor(q=_q, acts=_acts)
